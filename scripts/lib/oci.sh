# shellcheck shell=bash
#
# scripts/lib/oci.sh -- small helpers that read or rewrite an OCI image layout.
#
# Why: the shell scripts need a few facts out of index.json / manifests
# (manifest digest, layer blobs, diff_ids) and one rewrite (gzip -> zstd
# layers).  JSON is not something to edit with sed, and jq is not on every
# machine, so these wrap short python3 programs (python3 is on every machine
# of this project).  Sourced, not executed.
#
#   oci_manifest_digest LAYOUT [TAG]  print the manifest digest of TAG (default latest)
#   oci_layers LAYOUT [TAG]           print one line per layer:
#                                       <blob path> <compressed size> <mediaType>
#   oci_zstd_convert LAYOUT [TAG]     rewrite LAYOUT in place: every gzip layer of TAG
#                                     is recompressed with zstd, mediaType becomes
#                                     application/vnd.oci.image.layer.v1.tar+zstd,
#                                     manifest and index.json are fixed up, and the
#                                     zstd blobs are checked against the config's diff_ids.

if [ -n "${MOAT_OCI_SH_LOADED:-}" ]; then
    return 0
fi
MOAT_OCI_SH_LOADED=1

# Shared python prelude: locate the manifest of a tag in an image layout.
moat_oci_py_prelude='
import json, os, sys, hashlib, subprocess

def blob_path(layout, digest):
    algo, hexd = digest.split(":", 1)
    return os.path.join(layout, "blobs", algo, hexd)

def load_index(layout):
    with open(os.path.join(layout, "index.json")) as f:
        return json.load(f)

def find_manifest(layout, tag):
    idx = load_index(layout)
    for i, m in enumerate(idx.get("manifests", [])):
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return idx, i, m
    sys.exit("no manifest tagged %r in %s" % (tag, layout))
'

oci_manifest_digest() {
    python3 -c "$moat_oci_py_prelude
idx, i, m = find_manifest(sys.argv[1], sys.argv[2])
print(m['digest'])
" "$1" "${2:-latest}"
}

oci_layers() {
    python3 -c "$moat_oci_py_prelude
layout, tag = sys.argv[1], sys.argv[2]
idx, i, m = find_manifest(layout, tag)
with open(blob_path(layout, m['digest'])) as f:
    man = json.load(f)
for l in man['layers']:
    print(blob_path(layout, l['digest']), l['size'], l['mediaType'])
" "$1" "${2:-latest}"
}

oci_zstd_convert() {
    python3 -c "$moat_oci_py_prelude
GZ = 'application/vnd.oci.image.layer.v1.tar+gzip'
ZST = 'application/vnd.oci.image.layer.v1.tar+zstd'
layout, tag = sys.argv[1], sys.argv[2]

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()

def sha256_of_stdout(cmd):
    h = hashlib.sha256()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    for chunk in iter(lambda: p.stdout.read(1 << 20), b''):
        h.update(chunk)
    if p.wait() != 0:
        sys.exit('%s failed' % cmd)
    return 'sha256:' + h.hexdigest()

def write_blob(data):
    d = 'sha256:' + hashlib.sha256(data).hexdigest()
    with open(blob_path(layout, d), 'wb') as f:
        f.write(data)
    return d

idx, mi, mdesc = find_manifest(layout, tag)
with open(blob_path(layout, mdesc['digest'])) as f:
    man = json.load(f)
with open(blob_path(layout, man['config']['digest'])) as f:
    diff_ids = json.load(f)['rootfs']['diff_ids']

old_blobs = [blob_path(layout, mdesc['digest'])]
for n, l in enumerate(man['layers']):
    if l['mediaType'] != GZ:
        continue
    src = blob_path(layout, l['digest'])
    tmp = os.path.join(layout, 'blobs', 'sha256', '.zstd.tmp')
    with open(tmp, 'wb') as out:
        gz = subprocess.Popen(['gzip', '-dc', src], stdout=subprocess.PIPE)
        zs = subprocess.Popen(['zstd', '-q', '-c', '-T0'], stdin=gz.stdout, stdout=out)
        gz.stdout.close()
        if zs.wait() != 0 or gz.wait() != 0:
            sys.exit('recompressing %s failed' % src)
    digest = 'sha256:' + sha256_file(tmp)
    os.replace(tmp, blob_path(layout, digest))
    if sha256_of_stdout(['zstd', '-dc', blob_path(layout, digest)]) != diff_ids[n]:
        sys.exit('layer %d: zstd blob does not match diff_id %s' % (n, diff_ids[n]))
    old_blobs.append(src)
    l['mediaType'] = ZST
    l['digest'] = digest
    l['size'] = os.path.getsize(blob_path(layout, digest))

data = json.dumps(man, separators=(',', ':')).encode()
mdesc['digest'] = write_blob(data)
mdesc['size'] = len(data)
idx['manifests'][mi] = mdesc
tmp = os.path.join(layout, 'index.json.tmp')
with open(tmp, 'w') as f:
    json.dump(idx, f, separators=(',', ':'))
os.replace(tmp, os.path.join(layout, 'index.json'))
for b in old_blobs:
    os.remove(b)
" "$1" "${2:-latest}"
}
