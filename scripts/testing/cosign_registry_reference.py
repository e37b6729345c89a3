#!/usr/bin/env python3
"""An independent implementation of cosign's registry storage, for moat's interoperability tests.

It writes and reads the legacy signature tag `sha256-<hex>.sig` over the OCI distribution API (plain HTTP, no
auth: the tests' throwaway registry) and verifies the signatures it finds with the `cryptography` package, without
any of moat's code.

  resolve        --registry H:P --repository R --reference TAG           prints the manifest digest
  push-signature --registry H:P --repository R --digest D --payload F --signature F
                 [--annotation k=v ...]                                   appends a layer to sha256-<hex>.sig
  verify         --registry H:P --repository R --digest D --key PUB      exit 0 when a signature verifies
"""
import argparse
import base64
import hashlib
import json
import sys
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"


def request(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sig_tag(digest):
    algorithm, hex_digest = digest.split(":", 1)
    return f"{algorithm}-{hex_digest}.sig"


def ggcr_config(layer_digests):
    """The config go-containerregistry writes for an image made only of these layers."""
    history = ",".join('{"created":"0001-01-01T00:00:00Z"}' for _ in layer_digests)
    diff_ids = ",".join(f'"{d}"' for d in layer_digests)
    return ('{"architecture":"","created":"0001-01-01T00:00:00Z","history":[' + history + '],"os":"",'
            '"rootfs":{"type":"layers","diff_ids":[' + diff_ids + ']},"config":{}}').encode()


def push_blob(base, repository, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    status, _, _ = request("HEAD", f"{base}/v2/{repository}/blobs/{digest}")
    if status == 200:
        return digest
    status, headers, body = request("POST", f"{base}/v2/{repository}/blobs/uploads/")
    if status != 202:
        sys.exit(f"upload start failed: {status} {body!r}")
    location = headers["Location"]
    if location.startswith("/"):
        location = base + location
    separator = "&" if "?" in location else "?"
    status, _, body = request("PUT", f"{location}{separator}digest={digest}", data=data,
                              headers={"Content-Type": "application/octet-stream"})
    if status != 201:
        sys.exit(f"blob upload failed: {status} {body!r}")
    return digest


def fetch_manifest(base, repository, reference):
    status, headers, body = request("GET", f"{base}/v2/{repository}/manifests/{reference}",
                                    headers={"Accept": OCI_MANIFEST})
    if status == 404:
        return None
    if status != 200:
        sys.exit(f"manifest fetch failed: {status} {body!r}")
    return json.loads(body)


def resolve(args):
    base = f"http://{args.registry}"
    accept = ", ".join([OCI_MANIFEST, "application/vnd.oci.image.index.v1+json",
                        "application/vnd.docker.distribution.manifest.v2+json",
                        "application/vnd.docker.distribution.manifest.list.v2+json"])
    status, headers, body = request("GET", f"{base}/v2/{args.repository}/manifests/{args.reference}",
                                    headers={"Accept": accept})
    if status != 200:
        sys.exit(f"resolve failed: {status}")
    print("sha256:" + hashlib.sha256(body).hexdigest())


def push_signature(args):
    base = f"http://{args.registry}"
    payload = open(args.payload, "rb").read()
    signature = open(args.signature, "rb").read().decode().strip()
    annotations = {SIGNATURE_ANNOTATION: signature}
    for pair in args.annotation or []:
        key, value = pair.split("=", 1)
        annotations[key] = value
    existing = fetch_manifest(base, args.repository, sig_tag(args.digest))
    layers = existing["layers"] if existing else []
    payload_digest = push_blob(base, args.repository, payload)
    layers.append({"mediaType": SIMPLE_SIGNING, "size": len(payload), "digest": payload_digest,
                   "annotations": annotations})
    config = ggcr_config([layer["digest"] for layer in layers])
    config_digest = push_blob(base, args.repository, config)
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "size": len(config), "digest": config_digest},
                "layers": layers}
    body = json.dumps(manifest, separators=(",", ":")).encode()
    status, _, answer = request("PUT", f"{base}/v2/{args.repository}/manifests/{sig_tag(args.digest)}", data=body,
                                headers={"Content-Type": OCI_MANIFEST})
    if status != 201:
        sys.exit(f"manifest push failed: {status} {answer!r}")


def verify(args):
    base = f"http://{args.registry}"
    key = serialization.load_pem_public_key(open(args.key, "rb").read())
    manifest = fetch_manifest(base, args.repository, sig_tag(args.digest))
    if manifest is None:
        sys.exit("no signatures found")
    verified = 0
    for number, layer in enumerate(manifest.get("layers", []), start=1):
        reason = None
        status, _, payload = request("GET", f"{base}/v2/{args.repository}/blobs/{layer['digest']}")
        if status != 200 or "sha256:" + hashlib.sha256(payload).hexdigest() != layer["digest"]:
            reason = "payload missing or corrupt"
        elif layer.get("mediaType") != SIMPLE_SIGNING:
            reason = "not a simple-signing layer"
        else:
            try:
                signature = base64.b64decode(layer["annotations"][SIGNATURE_ANNOTATION], validate=True)
                key.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
                claims = json.loads(payload)
                if claims["critical"]["image"]["docker-manifest-digest"] != args.digest:
                    reason = "signs another digest"
                elif claims["critical"]["type"] != "cosign container image signature":
                    reason = "wrong type"
            except (InvalidSignature, KeyError, ValueError) as error:
                reason = f"signature invalid ({type(error).__name__})"
        if reason:
            print(f"layer {number}: rejected: {reason}")
        else:
            verified += 1
            print(f"layer {number}: verified")
    sys.exit(0 if verified else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("resolve", "push-signature", "verify"):
        command = sub.add_parser(name)
        command.add_argument("--registry", required=True)
        command.add_argument("--repository", required=True)
        if name == "resolve":
            command.add_argument("--reference", required=True)
        else:
            command.add_argument("--digest", required=True)
        if name == "push-signature":
            command.add_argument("--payload", required=True)
            command.add_argument("--signature", required=True)
            command.add_argument("--annotation", action="append")
        if name == "verify":
            command.add_argument("--key", required=True)
    args = parser.parse_args()
    {"resolve": resolve, "push-signature": push_signature, "verify": verify}[args.command](args)


if __name__ == "__main__":
    main()
