#!/usr/bin/env bash
#
# scripts/build-test-images.sh -- build the real container images moat is tested on.
#
# Why: moat analyses container images, and its tests must run on real ones:
# Debian packages in real layers, real gzip blobs written by a real image
# tool, real whiteouts, and the archive formats real tools (skopeo/docker)
# write.  No Docker engine runs here, so the images are built from Debian
# packages with mmdebstrap (root filesystem), umoci (OCI layout, layers,
# diff layers with whiteouts, config) and skopeo (docker-archive).
#
# Usage: scripts/build-test-images.sh [--large] [--force] [OUTDIR]
#   OUTDIR   default ${MOAT_TEST_IMAGES:-$PWD/.build-images}
#   --large  also build `large` (also: MOAT_LARGE_IMAGE=1); for benchmarks
#   --force  rebuild everything, ignoring the stamps
#
# For every image NAME it writes
#   OUTDIR/NAME.oci          OCI image layout, the image tagged `latest`
#                            (org.opencontainers.image.ref.name=latest)
#   OUTDIR/NAME.oci.tar      OCI archive: tar of that layout's contents
#   OUTDIR/NAME.docker.tar   docker-archive (`docker save` format) written by
#                            skopeo, repo tag moat-test/NAME:latest
# plus OUTDIR/minbase.docker.tar.gz (gzip of the docker archive) and
# OUTDIR/minbase-zstd.oci(.tar) (minbase with its layer recompressed as zstd).
#
# Images:
#   minbase       Debian bookworm, mmdebstrap --variant=minbase, one layer, CMD ["bash"]
#   bloated       minbase + apt-get install apache2 curl wget vim-tiny python3 (apt
#                 lists left behind) + a layer adding /root/.ssh/id_rsa and a 2 MB
#                 /opt/app/config.ini + a layer deleting id_rsa (whiteout) and
#                 overwriting config.ini; runs as root, secret in Env, EXPOSE 80 5432
#   scratch       FROM scratch: static /app/hello, /etc/passwd, /etc/group; USER 65532
#   minbase-zstd  minbase, layer recompressed with zstd (layout + OCI archive only)
#   large         (--large) minbase + a ~1 GB toolchain layer (build-essential, ...)
#
# Re-runs are instant: each image has a stamp (OUTDIR/.stamps/NAME) holding its
# recipe version (and the digest of the base image it was built on); an image
# whose stamp matches and whose outputs exist is skipped.  Outputs are built in
# a scratch directory and moved into place only after they were verified
# (umoci ls + skopeo inspect of every output), so a failed run never leaves a
# half-written image behind a valid stamp.
#
# Needs root (mmdebstrap, chroot, mount, device-preserving unpack).

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"
# shellcheck source=scripts/lib/oci.sh
. "$SCRIPT_DIR/lib/oci.sh"

# Bump when a recipe changes: every image is rebuilt on the next run.
RECIPE_VERSION=2
SUITE=bookworm
# Fixed timestamps (default 2023-11-14T22:13:20Z): mmdebstrap honours
# SOURCE_DATE_EPOCH (minbase came out bit-identical on two builds a few minutes
# apart), and the configs' and history entries' "created" dates derive from it.
EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
# Optional mirror for mmdebstrap (default: deb.debian.org via mmdebstrap).
MIRROR=${MOAT_DEBIAN_MIRROR:-}
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

BLOATED_PKGS="apache2 curl wget vim-tiny python3"
LARGE_PKGS="build-essential gcc g++ make libc6-dev perl python3 python3-dev gdb clang golang-go git"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-test-images: error: %s\n' "$*" >&2; exit 1; }

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "${BASH_SOURCE[0]}"; }

LARGE=${MOAT_LARGE_IMAGE:-0}
FORCE=0
OUTDIR=
for arg in "$@"; do
    case $arg in
        --large) LARGE=1 ;;
        --force) FORCE=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option: $arg (see --help)" ;;
        *) [ -z "$OUTDIR" ] || die "more than one OUTDIR given"; OUTDIR=$arg ;;
    esac
done
[ "$LARGE" = 1 ] || LARGE=0
OUTDIR=${OUTDIR:-${MOAT_TEST_IMAGES:-$PWD/.build-images}}

[ "$(id -u)" -eq 0 ] || die "must run as root (mmdebstrap, chroot and mount need it)"

moat_deps_images
moat_install_missing

mkdir -p "$OUTDIR/.stamps"
OUTDIR=$(cd "$OUTDIR" && pwd)

# One build at a time per OUTDIR.
exec 9>"$OUTDIR/.lock"
if ! flock -n 9; then
    log "another build is running in $OUTDIR; waiting for it"
    flock 9
fi

WORK=
IMG_START=0
MOUNTS=()
unmount_all() {
    local i
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" || true
    done
    MOUNTS=()
}
cleanup() {
    unmount_all
    # --one-file-system: never descend into a mount we failed to undo.
    [ -z "$WORK" ] || rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ts N: RFC 3339 time N minutes after EPOCH (history/config "created").
ts() { date -u -d "@$((EPOCH + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; }

# run_logged NAME CMD...: run CMD quietly; on failure show the end of its output.
run_logged() {
    local name=$1; shift
    local logf="$WORK/$name.log"
    if ! "$@" >"$logf" 2>&1; then
        tail -n 40 "$logf" >&2
        die "$name failed: $*"
    fi
}

# ---------------------------------------------------------------------------
# stamps

stamp_file() { echo "$OUTDIR/.stamps/$1"; }

# outputs NAME: the files/dirs an image must have in OUTDIR.
outputs() {
    case $1 in
        minbase) echo "minbase.oci minbase.oci.tar minbase.docker.tar minbase.docker.tar.gz" ;;
        minbase-zstd) echo "minbase-zstd.oci minbase-zstd.oci.tar" ;;
        *) echo "$1.oci $1.oci.tar $1.docker.tar" ;;
    esac
}

# fresh NAME WANT: the image is built with recipe WANT and all outputs exist.
fresh() {
    local name=$1 want=$2 f
    [ "$FORCE" = 0 ] || return 1
    [ -f "$(stamp_file "$name")" ] || return 1
    [ "$(cat "$(stamp_file "$name")")" = "$want" ] || return 1
    for f in $(outputs "$name"); do
        [ -e "$OUTDIR/$f" ] || return 1
    done
}

recipe() { # NAME [BASE]: the stamp content for NAME
    local s="recipe=$RECIPE_VERSION name=$1 suite=$SUITE epoch=$EPOCH mirror=$MIRROR"
    if [ -n "${2:-}" ]; then
        s="$s base=$(oci_manifest_digest "$OUTDIR/$2.oci")"
    fi
    echo "$s"
}

# ---------------------------------------------------------------------------
# chroot helper: run a command inside an unpacked rootfs with /proc, /dev and
# DNS available and service starts disabled; leave no trace of that setup.

in_chroot() {
    local root=$1; shift
    local rc=0 had_resolv=0
    # Explicit `|| return`: this runs under run_logged's `if`, where set -e
    # does not apply.
    mount -t proc proc "$root/proc" || return 1
    MOUNTS+=("$root/proc")
    mount --bind /dev "$root/dev" || { unmount_all; return 1; }
    MOUNTS+=("$root/dev")
    if [ -e "$root/etc/resolv.conf" ] || [ -L "$root/etc/resolv.conf" ]; then
        had_resolv=1
        mv "$root/etc/resolv.conf" "$root/etc/resolv.conf.moat-saved" || { unmount_all; return 1; }
    fi
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" || rc=1
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" || rc=1
    chmod 755 "$root/usr/sbin/policy-rc.d" || rc=1

    if [ "$rc" = 0 ]; then
        chroot "$root" /usr/bin/env -i PATH="$CHROOT_PATH" HOME=/root LC_ALL=C.UTF-8 \
            DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
    fi

    rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
    if [ "$had_resolv" = 1 ]; then
        mv "$root/etc/resolv.conf.moat-saved" "$root/etc/resolv.conf"
    fi
    unmount_all
    return "$rc"
}

# apt_layer IMAGE_LAYOUT BUNDLE CREATED SCRIPT CREATED_BY: unpack, run SCRIPT
# (sh -c) in the rootfs, repack the difference as one new layer.
apt_layer() {
    local img=$1 bundle=$2 created=$3 script=$4 created_by=$5
    run_logged "unpack-$(basename "$img")" umoci unpack --image "$img:latest" "$bundle"
    run_logged "apt-$(basename "$img")" in_chroot "$bundle/rootfs" sh -ec "$script"
    run_logged "repack-$(basename "$img")" umoci repack --refresh-bundle --image "$img:latest" \
        --history.created "$created" --history.created_by "$created_by" "$bundle"
}

# ---------------------------------------------------------------------------
# verification and publishing

# layer_count TRANSPORT:REF
layer_count() { skopeo inspect --format '{{len .Layers}}' "$1"; }

expect_layers() { # REF WANT
    local got
    got=$(layer_count "$1") || die "skopeo inspect $1 failed"
    [ "$got" = "$2" ] || die "$1: expected $2 layers, skopeo sees $got"
}

# publish NAME LAYOUT NLAYERS: gc the layout, write the archives, verify all
# of it, move it into OUTDIR and write the stamp.
publish() {
    local name=$1 src=$2 nlayers=$3 want=$4
    local stage="$WORK/out-$name" f
    mkdir -p "$stage"
    run_logged "gc-$name" umoci gc --layout "$src"
    mv "$src" "$stage/$name.oci"

    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
        -cf "$stage/$name.oci.tar" -C "$stage/$name.oci" oci-layout index.json blobs

    case $name in
        minbase-zstd) ;;   # zstd layers: OCI only
        *)
            run_logged "skopeo-$name" skopeo copy --quiet \
                "oci:$stage/$name.oci:latest" \
                "docker-archive:$stage/$name.docker.tar:moat-test/$name:latest"
            ;;
    esac
    if [ "$name" = minbase ]; then
        gzip -n -6 -c "$stage/$name.docker.tar" >"$stage/$name.docker.tar.gz"
    fi

    # verify: umoci sees the tag, skopeo reads every output with the right
    # number of layers
    f=$(umoci ls --layout "$stage/$name.oci") || die "umoci ls --layout $name.oci failed"
    [ "$f" = latest ] || die "$name.oci: umoci ls lists '$f', expected the single tag latest"
    expect_layers "oci:$stage/$name.oci:latest" "$nlayers"
    expect_layers "oci-archive:$stage/$name.oci.tar:latest" "$nlayers"
    if [ -e "$stage/$name.docker.tar" ]; then
        expect_layers "docker-archive:$stage/$name.docker.tar" "$nlayers"
    fi
    if [ -e "$stage/$name.docker.tar.gz" ]; then
        # skopeo 1.9 cannot read a compressed docker-archive; check that it
        # decompresses to exactly the archive verified above.
        gzip -dc "$stage/$name.docker.tar.gz" | cmp -s - "$stage/$name.docker.tar" \
            || die "$name.docker.tar.gz does not decompress to $name.docker.tar"
    fi

    chmod -R a+rX "$stage"
    rm -f "$(stamp_file "$name")"
    for f in $(outputs "$name"); do
        rm -rf "${OUTDIR:?}/$f"
        mv "$stage/$f" "$OUTDIR/$f"
    done
    echo "$want" >"$(stamp_file "$name")"
    rm -rf "$stage"
    log "$name: done in $((SECONDS - IMG_START)) s"
}

# ---------------------------------------------------------------------------
# the images

build_minbase() {
    local want d img
    want=$(recipe minbase)
    if fresh minbase "$want"; then log "minbase: up to date"; return; fi
    IMG_START=$SECONDS
    log "minbase: mmdebstrap --variant=minbase $SUITE"
    d="$WORK/minbase"; img="$d/minbase.oci"
    mkdir -p "$d/extra/dev"
    # No device nodes in the layer (as in Docker's images: the runtime
    # provides /dev), no host hostname/resolv.conf.  Apt lists and caches are
    # removed by mmdebstrap's own cleanup.
    # shellcheck disable=SC2016
    run_logged mmdebstrap env SOURCE_DATE_EPOCH="$EPOCH" mmdebstrap \
        --variant=minbase --format=tar --skip=output/dev \
        --customize-hook='rm -f "$1/etc/hostname" "$1/etc/resolv.conf"' \
        "$SUITE" "$d/rootfs.tar" ${MIRROR:+"$MIRROR"}
    # ... but an empty /dev directory, as in Docker's images.
    tar -rf "$d/rootfs.tar" -C "$d/extra" --owner=0 --group=0 --numeric-owner \
        --mtime="@$EPOCH" ./dev

    run_logged umoci-init umoci init --layout "$img"
    run_logged umoci-new umoci new --image "$img:latest"
    run_logged add-layer umoci raw add-layer --image "$img:latest" \
        --history.created "$(ts 0)" \
        --history.created_by "mmdebstrap --variant=minbase $SUITE" "$d/rootfs.tar"
    rm -f "$d/rootfs.tar"
    run_logged config umoci config --image "$img:latest" --no-history \
        --created "$(ts 0)" --config.env="PATH=$CHROOT_PATH"
    run_logged config umoci config --image "$img:latest" --created "$(ts 1)" \
        --history.created "$(ts 1)" --history.created_by 'CMD ["bash"]' \
        --config.cmd=bash
    publish minbase "$img" 1 "$want"
}

build_minbase_zstd() {
    local want img
    want=$(recipe minbase-zstd minbase)
    if fresh minbase-zstd "$want"; then log "minbase-zstd: up to date"; return; fi
    IMG_START=$SECONDS
    log "minbase-zstd: recompress minbase's layer with zstd"
    img="$WORK/minbase-zstd.oci"
    cp -a "$OUTDIR/minbase.oci" "$img"
    oci_zstd_convert "$img" latest
    publish minbase-zstd "$img" 1 "$want"
}

gen_config_ini() { # VERSION: ~2 MB of ini text, random each time
    printf '; app configuration, generation %s\n[app]\nname = moat-test\n\n[keys]\n' "$1"
    openssl rand -hex 850000 | fold -w 64 | awk '{ printf "key_%06d = %s\n", NR, $0 }'
}

build_bloated() {
    local want d img bundle root
    want=$(recipe bloated minbase)
    if fresh bloated "$want"; then log "bloated: up to date"; return; fi
    IMG_START=$SECONDS
    d="$WORK/bloated"; img="$d/bloated.oci"; bundle="$d/bundle"; root="$bundle/rootfs"
    mkdir -p "$d"
    cp -a "$OUTDIR/minbase.oci" "$img"

    log "bloated: layer 2: apt-get install $BLOATED_PKGS"
    # apt-get clean drops the .debs and pkgcache.bin; the package lists
    # (/var/lib/apt/lists, ~45 MB) are deliberately left behind.
    apt_layer "$img" "$bundle" "$(ts 10)" \
        "apt-get update -q && apt-get install -y -q --no-install-recommends $BLOATED_PKGS && apt-get clean" \
        "RUN apt-get update && apt-get install -y --no-install-recommends $BLOATED_PKGS && apt-get clean"

    log "bloated: layer 3: add /root/.ssh/id_rsa and /opt/app/config.ini"
    install -d -m 700 "$root/root/.ssh"
    openssl genrsa -traditional -out "$root/root/.ssh/id_rsa" 2048 2>/dev/null
    chmod 600 "$root/root/.ssh/id_rsa"
    install -d -m 755 "$root/opt/app"
    gen_config_ini 1 >"$root/opt/app/config.ini"
    run_logged repack-3 umoci repack --refresh-bundle --image "$img:latest" \
        --history.created "$(ts 11)" \
        --history.created_by "COPY id_rsa /root/.ssh/id_rsa; COPY config.ini /opt/app/config.ini" \
        "$bundle"

    log "bloated: layer 4: delete id_rsa (whiteout), overwrite config.ini"
    rm "$root/root/.ssh/id_rsa"
    gen_config_ini 2 >"$root/opt/app/config.ini"
    run_logged repack-4 umoci repack --image "$img:latest" \
        --history.created "$(ts 12)" \
        --history.created_by "RUN rm /root/.ssh/id_rsa && cp /tmp/config.prod.ini /opt/app/config.ini" \
        "$bundle"
    rm -rf --one-file-system "$bundle"

    run_logged cfg-env umoci config --image "$img:latest" --created "$(ts 13)" \
        --history.created "$(ts 13)" \
        --history.created_by 'ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' \
        --config.env='AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    run_logged cfg-expose umoci config --image "$img:latest" --created "$(ts 13)" \
        --history.created "$(ts 13)" --history.created_by 'EXPOSE 80/tcp 5432/tcp' \
        --config.exposedports=80/tcp --config.exposedports=5432/tcp
    run_logged cfg-volume umoci config --image "$img:latest" --created "$(ts 13)" \
        --history.created "$(ts 13)" --history.created_by 'VOLUME ["/var/lib/app"]' \
        --config.volume=/var/lib/app
    run_logged cfg-cmd umoci config --image "$img:latest" --created "$(ts 13)" \
        --history.created "$(ts 13)" --history.created_by 'CMD ["apachectl","-D","FOREGROUND"]' \
        --clear=config.cmd --config.cmd=apachectl --config.cmd=-D --config.cmd=FOREGROUND
    publish bloated "$img" 4 "$want"
}

build_scratch() {
    local want d img rootfs
    want=$(recipe scratch)
    if fresh scratch "$want"; then log "scratch: up to date"; return; fi
    IMG_START=$SECONDS
    log "scratch: static /app/hello + /etc/passwd + /etc/group"
    d="$WORK/scratch"; img="$d/scratch.oci"; rootfs="$d/rootfs"
    mkdir -p "$rootfs/app" "$rootfs/etc"
    cat >"$d/hello.c" <<'EOF'
#include <stdio.h>
#include <unistd.h>

int main(void) {
    printf("hello from moat-test/scratch (uid %d)\n", (int)getuid());
    return 0;
}
EOF
    gcc -static -O2 -s -o "$rootfs/app/hello" "$d/hello.c"
    cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532::/home/nonroot:/sbin/nologin
EOF
    cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
    chmod 755 "$rootfs/app" "$rootfs/etc" "$rootfs/app/hello"
    chmod 644 "$rootfs/etc/passwd" "$rootfs/etc/group"
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
        -cf "$d/layer.tar" -C "$rootfs" app etc

    run_logged umoci-init umoci init --layout "$img"
    run_logged umoci-new umoci new --image "$img:latest"
    run_logged add-layer umoci raw add-layer --image "$img:latest" \
        --history.created "$(ts 0)" \
        --history.created_by "COPY hello /app/hello; COPY passwd group /etc/" "$d/layer.tar"
    run_logged cfg-user umoci config --image "$img:latest" --created "$(ts 1)" \
        --history.created "$(ts 1)" --history.created_by 'USER 65532:65532' \
        --config.user=65532:65532
    run_logged cfg-entrypoint umoci config --image "$img:latest" --created "$(ts 1)" \
        --history.created "$(ts 1)" --history.created_by 'ENTRYPOINT ["/app/hello"]' \
        --config.entrypoint=/app/hello
    publish scratch "$img" 1 "$want"
}

build_large() {
    local want d img
    want=$(recipe large minbase)
    if fresh large "$want"; then log "large: up to date"; return; fi
    IMG_START=$SECONDS
    d="$WORK/large"; img="$d/large.oci"
    mkdir -p "$d"
    cp -a "$OUTDIR/minbase.oci" "$img"
    log "large: apt-get install $LARGE_PKGS (takes a few minutes)"
    apt_layer "$img" "$d/bundle" "$(ts 10)" \
        "apt-get update -q && apt-get install -y -q --no-install-recommends $LARGE_PKGS && apt-get clean && rm -rf /var/lib/apt/lists/*" \
        "RUN apt-get update && apt-get install -y --no-install-recommends $LARGE_PKGS && apt-get clean && rm -rf /var/lib/apt/lists/*"
    rm -rf --one-file-system "$d/bundle"
    publish large "$img" 2 "$want"
}

summary() {
    local f size layers
    echo
    echo "Test images in $OUTDIR:"
    for f in "$OUTDIR"/*; do
        case $f in *.oci|*.tar|*.tar.gz) ;; *) continue ;; esac
        size=$(du -sb "$f" | cut -f1)
        layers=
        case $f in
            *.oci) layers="$(oci_layers "$f" | wc -l) layer(s)" ;;
        esac
        printf '  %-24s %6s MiB  %s\n' "$(basename "$f")" "$((size / 1048576))" "$layers"
    done
}

# Leftovers of a run that was killed (we hold the lock, so none is in use):
# undo its mounts first, then remove it without crossing file systems.
for stale in "$OUTDIR"/.work.*; do
    [ -d "$stale" ] || continue
    awk -v p="$stale/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system "$stale"
done

START=$SECONDS
WORK=$(mktemp -d "$OUTDIR/.work.XXXXXX")

build_minbase
build_minbase_zstd
build_scratch
build_bloated
if [ "$LARGE" = 1 ]; then
    build_large
fi

summary
log "finished in $((SECONDS - START)) s"
