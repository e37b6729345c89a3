#!/usr/bin/env bash
#
# scripts/build-moat-image.sh -- build moat's container image without Docker.
#
# Why: the Dockerfile's final stage is `FROM scratch` plus a root filesystem
# that holds only what the moat binary needs to run.  No Docker engine runs
# on this project's machines, so this script builds that same image with
# umoci, as an OCI image layout that `moat image --layout` can check and
# `skopeo copy oci:DIR:TAG docker://…` can push.  The Dockerfile's build
# stage runs this script with --rootfs-only, so both describe one image.
#
# Usage: scripts/build-moat-image.sh [--binary PATH] [--tag TAG] [--strip]
#                                    [--rootfs-only] OUTPUT_DIR
#   --binary PATH   the moat executable (default .build/release/moat, else
#                   .build/debug/moat)
#   --tag TAG       the layout's ref name (default: `moat --version`, e.g.
#                   0.1.0; `dev` when that prints nothing usable)
#   --strip         strip debug symbols from the copied binary (binutils
#                   `strip`); the Dockerfile does this
#   --rootfs-only   only assemble the root filesystem into OUTPUT_DIR (owners
#                   set with chown when run as root); no umoci, no layout
#   OUTPUT_DIR      must not exist or be empty; receives the OCI layout
#
# The image (one layer, config user 65532:65532, entrypoint /moat):
#   /moat                          the binary (0755)
#   <each path ldd lists>          the shared libraries it links, dereferenced
#                                  and copied to the path ldd resolved, and the
#                                  dynamic loader at its PT_INTERP path
#   /etc/passwd, /etc/group        root, nobody, nonroot (65532)
#   /etc/nsswitch.conf             files, then DNS
#   /etc/ssl/certs/ca-certificates.crt   the build machine's CA bundle
#   /tmp                           1777
#   /home/nonroot, /var/cache/moat 0700, owned by 65532:65532
# Nothing else: no shell, no package manager, no coreutils.  File times are
# SOURCE_DATE_EPOCH (default 1700000000), so two builds of one binary on one
# machine give the same layer.
#
# Ownership: `umoci unpack --rootless` works for any user, and umoci's
# rootless repack records every file as 0:0 unless the file carries the
# user.rootlesscontainers xattr (a protobuf holding uid and gid).  The two
# 65532-owned directories get that xattr (written with python3), so the build
# needs a filesystem with user xattrs under TMPDIR (ext4, xfs, btrfs).

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"

EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
NONROOT_UID=65532
NONROOT_GID=65532
ENTRYPOINT=/moat
CACHE_DIR=/var/cache/moat
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-moat-image: error: %s\n' "$*" >&2; exit 1; }
usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "${BASH_SOURCE[0]}"; }

BINARY=
TAG=
STRIP=0
ROOTFS_ONLY=0
OUTPUT=
while [ $# -gt 0 ]; do
    case $1 in
        --binary) [ $# -ge 2 ] || die "--binary needs a path"; BINARY=$2; shift ;;
        --binary=*) BINARY=${1#--binary=} ;;
        --tag) [ $# -ge 2 ] || die "--tag needs a value"; TAG=$2; shift ;;
        --tag=*) TAG=${1#--tag=} ;;
        --strip) STRIP=1 ;;
        --rootfs-only) ROOTFS_ONLY=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) [ -z "$OUTPUT" ] || die "more than one OUTPUT_DIR given"; OUTPUT=$1 ;;
    esac
    shift
done
[ -n "$OUTPUT" ] || die "no OUTPUT_DIR given (see --help)"
if [ -e "$OUTPUT" ]; then
    [ -d "$OUTPUT" ] || die "$OUTPUT exists and is not a directory"
    [ -z "$(ls -A "$OUTPUT")" ] || die "$OUTPUT is not empty"
fi

if [ -z "$BINARY" ]; then
    for candidate in "$REPO_ROOT/.build/release/moat" "$REPO_ROOT/.build/debug/moat"; do
        if [ -x "$candidate" ]; then BINARY=$candidate; break; fi
    done
    [ -n "$BINARY" ] || die "no moat binary at .build/release/moat or .build/debug/moat: run \`swift build -c release --product moat\` or pass --binary"
fi
if [ ! -f "$BINARY" ] || [ ! -x "$BINARY" ]; then
    die "$BINARY is not an executable file"
fi

moat_need_cmd ldd libc-bin
moat_need_pkg ca-certificates
if [ "$STRIP" = 1 ]; then moat_need_cmd strip binutils; fi
if [ "$ROOTFS_ONLY" = 0 ]; then
    moat_need_cmd umoci
    moat_need_cmd python3
fi
moat_install_missing
[ -s "$CA_BUNDLE" ] || die "$CA_BUNDLE is missing or empty (Debian package ca-certificates)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/moat-image.XXXXXX")
cleanup() { rm -rf --one-file-system "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# root filesystem

# shared_objects BINARY: one absolute path per line, every library ldd resolves
# for BINARY and its dynamic loader; fails when one is not found.
shared_objects() {
    local out line
    if ! out=$(LC_ALL=C ldd "$1" 2>&1); then
        case $out in
            *"not a dynamic executable"*|*"statically linked"*) return 0 ;;
            *) die "ldd $1 failed: $out" ;;
        esac
    fi
    while IFS= read -r line; do
        case $line in
            *"not found"*) die "ldd $1: a library is missing: $line" ;;
            *" => /"*) line=${line#* => }; printf '%s\n' "${line%% (0x*}" ;;
            *" => "*) ;;                               # linux-vdso.so.1 => (virtual)
            [[:space:]]/*) line=${line#"${line%%[![:space:]]*}"}; printf '%s\n' "${line%% (0x*}" ;;
            *) ;;                                      # linux-vdso.so.1 (0x…), statically linked
        esac
    done <<<"$out"
}

assemble_rootfs() {
    local root=$1 lib libs count=0
    # A command substitution, not a process substitution: shared_objects' die must stop the script.
    libs=$(shared_objects "$BINARY")
    mkdir -p "$root"
    install -m 0755 "$BINARY" "$root$ENTRYPOINT"
    if [ "$STRIP" = 1 ]; then
        strip --strip-unneeded "$root$ENTRYPOINT"
    fi

    while IFS= read -r lib; do
        [ -n "$lib" ] || continue
        [ -e "$lib" ] || die "ldd lists $lib, which does not exist"
        mkdir -p "$root$(dirname "$lib")"
        # -L: the soname is usually a symlink (libz.so.1 -> libz.so.1.2.13); the image gets
        # the file itself under the name the loader looks for.
        cp -L "$lib" "$root$lib"
        chmod 0755 "$root$lib"
        count=$((count + 1))
    done <<<"$libs"
    log "copied $count shared objects (ldd $BINARY)"

    mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot" "$root$CACHE_DIR"
    cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:$NONROOT_UID:$NONROOT_GID:nonroot:/home/nonroot:/sbin/nologin
EOF
    cat >"$root/etc/group" <<EOF
root:x:0:
nobody:x:65534:
nonroot:x:$NONROOT_GID:
EOF
    cat >"$root/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
    cp -L "$CA_BUNDLE" "$root$CA_BUNDLE"
    chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf" "$root$CA_BUNDLE"
    chmod 1777 "$root/tmp"
    chmod 0700 "$root/home/nonroot" "$root$CACHE_DIR"
    # Directories other than the three above: 0755, whatever the umask.
    find "$root" -type d ! -path "$root/tmp" ! -path "$root/home/nonroot" ! -path "$root$CACHE_DIR" -exec chmod 0755 {} +
    if [ "$(id -u)" -eq 0 ]; then
        chown -R 0:0 "$root"
        chown "$NONROOT_UID:$NONROOT_GID" "$root/home/nonroot" "$root$CACHE_DIR"
    fi
    find "$root" -exec touch -h -d "@$EPOCH" {} +
}

# set_rootless_owner PATH UID GID: the user.rootlesscontainers xattr umoci's
# rootless repack reads (github.com/rootless-containers/proto: Resource{uid=1, gid=2}).
set_rootless_owner() {
    python3 - "$@" <<'EOF'
import os, sys

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)

path, uid, gid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.setxattr(path, "user.rootlesscontainers", b"\x08" + varint(uid) + b"\x10" + varint(gid), follow_symlinks=False)
EOF
}

if [ "$ROOTFS_ONLY" = 1 ]; then
    mkdir -p "$OUTPUT"
    assemble_rootfs "$WORK/rootfs"
    cp -a "$WORK/rootfs/." "$OUTPUT/"
    log "root filesystem in $OUTPUT ($(du -sh "$OUTPUT" | cut -f1))"
    exit 0
fi

# ---------------------------------------------------------------------------
# OCI layout

if [ -z "$TAG" ]; then
    TAG=$("$BINARY" --version 2>/dev/null | head -n 1 | tr -d '[:space:]' || true)
    case $TAG in
        ''|*[!A-Za-z0-9._-]*) TAG=dev ;;
    esac
fi
CREATED=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
LAYOUT="$WORK/layout"
BUNDLE="$WORK/bundle"

# run_logged NAME CMD...: run CMD quietly; on failure show its output.
run_logged() {
    local name=$1; shift
    local logf="$WORK/$name.log"
    if ! "$@" >"$logf" 2>&1; then
        cat "$logf" >&2
        die "$name failed: $*"
    fi
}

assemble_rootfs "$WORK/rootfs"
run_logged umoci-init umoci init --layout "$LAYOUT"
run_logged umoci-new umoci new --image "$LAYOUT:$TAG"
run_logged umoci-unpack umoci unpack --rootless --image "$LAYOUT:$TAG" "$BUNDLE"
cp -a "$WORK/rootfs/." "$BUNDLE/rootfs/"
for dir in /home/nonroot "$CACHE_DIR"; do
    set_rootless_owner "$BUNDLE/rootfs$dir" "$NONROOT_UID" "$NONROOT_GID" \
        || die "cannot set the user.rootlesscontainers xattr under $WORK (does the filesystem support user xattrs? set TMPDIR)"
done
touch -h -d "@$EPOCH" "$BUNDLE/rootfs"
run_logged umoci-repack umoci repack --image "$LAYOUT:$TAG" \
    --history.created "$CREATED" \
    --history.created_by "COPY rootfs / # scripts/build-moat-image.sh: moat, its shared libraries, passwd, CA certificates" \
    "$BUNDLE"
run_logged umoci-config umoci config --image "$LAYOUT:$TAG" \
    --created "$CREATED" --author "moat scripts/build-moat-image.sh" \
    --history.created "$CREATED" \
    --history.created_by "USER $NONROOT_UID:$NONROOT_GID; ENTRYPOINT [\"$ENTRYPOINT\"]; CMD [\"--help\"]" \
    --config.user "$NONROOT_UID:$NONROOT_GID" \
    --config.entrypoint "$ENTRYPOINT" \
    --config.cmd=--help \
    --config.workingdir / \
    --config.env "MOAT_CACHE_DIR=$CACHE_DIR" \
    --config.exposedports 8443/tcp \
    --config.label org.opencontainers.image.title=moat \
    --config.label org.opencontainers.image.description="moat container-security CLI and Kubernetes admission webhook" \
    --config.label org.opencontainers.image.version="$TAG"
run_logged umoci-gc umoci gc --layout "$LAYOUT"
listed=$(umoci ls --layout "$LAYOUT") || die "umoci ls --layout failed"
[ "$listed" = "$TAG" ] || die "the layout lists '$listed', expected the single tag $TAG"

mkdir -p "$OUTPUT"
cp -a "$LAYOUT/." "$OUTPUT/"
log "OCI layout $OUTPUT, tag $TAG: root filesystem $(du -sh "$WORK/rootfs" | cut -f1), layout $(du -sh "$OUTPUT" | cut -f1) (gzip)"
