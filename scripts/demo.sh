#!/usr/bin/env bash
#
# scripts/demo.sh -- quick start: moat's main job on real images.
#
# Why: the shortest path from a fresh clone to seeing what moat reports on a
# real image, and a smoke test of the release build by hand.
#
# What: installs missing Debian packages (scripts/lib/deps.sh), builds the
# test images (non-large; instant when they exist), builds moat in release
# mode, then runs
#   .build/release/moat image --layout .build-images/bloated.oci
#   .build/release/moat image --input  .build-images/minbase.docker.tar
# Extra arguments are passed to both moat commands (e.g. --format json).
# Exits with the first non-zero status of the two moat runs.
#
# Usage: scripts/demo.sh [moat image options...]
#   MOAT_TEST_IMAGES  image directory (default <repo>/.build-images)

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"

IMAGES=${MOAT_TEST_IMAGES:-$REPO_ROOT/.build-images}
case $IMAGES in /*) ;; *) IMAGES=$PWD/$IMAGES ;; esac

moat_deps_images
moat_deps_build
moat_install_missing

"$SCRIPT_DIR/build-test-images.sh" "$IMAGES"

cd "$REPO_ROOT"
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    PATH=/opt/swift/usr/bin:$PATH
fi
command -v swift >/dev/null 2>&1 || { echo "demo: swift not found on PATH" >&2; exit 1; }

echo "==> swift build -c release" >&2
swift build -c release

MOAT=.build/release/moat
status=0
run() {
    local rc=0
    printf '\n$ %s\n' "$*"
    "$@" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "(exit status $rc)"
        [ "$status" != 0 ] || status=$rc
    fi
}

run "$MOAT" image --layout "$IMAGES/bloated.oci" "$@"
run "$MOAT" image --input "$IMAGES/minbase.docker.tar" "$@"
exit "$status"
