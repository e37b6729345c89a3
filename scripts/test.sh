#!/usr/bin/env bash
#
# scripts/test.sh -- the project's single test command.
#
# Why: moat's tests read real container images, which are built from Debian
# packages (scripts/build-test-images.sh) rather than committed.  One command
# must take a plain machine (developer's or CI's) to a finished `swift test`:
# system packages, test images, build, tests.
#
# What:
#   1. installs missing Debian packages (mmdebstrap umoci skopeo openssl gcc
#      libc6-dev ... and the -dev libraries the package links: libisal-dev
#      libzstd-dev zlib1g-dev); apt is only touched when something is missing
#   2. builds the test images (non-large) into
#      ${MOAT_TEST_IMAGES:-<repo>/.build-images}; instant when they exist
#   3. exports MOAT_TEST_IMAGES as that absolute path
#   4. swift build, then swift test with this script's arguments; exits with
#      swift test's status, or 124 when it hangs past MOAT_TEST_TIMEOUT seconds
#      (default 1500), after printing the unfinished tests and thread stacks
#
# Usage: scripts/test.sh [swift test arguments...]
#   e.g. scripts/test.sh --filter LayerTests

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"

# A relative MOAT_TEST_IMAGES is taken relative to where we were started.
IMAGES=${MOAT_TEST_IMAGES:-$REPO_ROOT/.build-images}
case $IMAGES in /*) ;; *) IMAGES=$PWD/$IMAGES ;; esac

moat_deps_images
moat_deps_build
moat_deps_registry
moat_install_missing
moat_deps_python

"$SCRIPT_DIR/build-test-images.sh" "$IMAGES"
MOAT_TEST_IMAGES=$(cd "$IMAGES" && pwd)
export MOAT_TEST_IMAGES

cd "$REPO_ROOT"
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    PATH=/opt/swift/usr/bin:$PATH
fi
command -v swift >/dev/null 2>&1 || { echo "test: swift not found on PATH" >&2; exit 1; }

echo "==> swift build (MOAT_TEST_IMAGES=$MOAT_TEST_IMAGES)" >&2
swift build
echo "==> swift test $*" >&2
# A hung test must not hold CI until its own limit: after MOAT_TEST_TIMEOUT seconds (default 25 minutes; a full run
# takes about 2) the run is stopped, with the tests that never finished and the test process's thread stacks.
LOG=$(mktemp "${TMPDIR:-/tmp}/moat-test-XXXXXX.log")
swift test "$@" > >(tee "$LOG") 2>&1 &
TEST_PID=$!
LIMIT=${MOAT_TEST_TIMEOUT:-1500}
WAITED=0
while kill -0 "$TEST_PID" 2>/dev/null; do
    if [ "$WAITED" -ge "$LIMIT" ]; then
        echo "test: swift test did not finish within $LIMIT s; stopping it" >&2
        echo "test: started and never finished:" >&2
        python3 "$SCRIPT_DIR/lib/unfinished-tests.py" "$LOG" >&2 || true
        for pid in $(pgrep -f 'PackageTests.xctest' || true); do
            echo "test: thread stacks of $pid:" >&2
            if command -v gdb >/dev/null 2>&1; then
                timeout -s KILL 120 gdb -p "$pid" -batch -nx -ex 'thread apply all bt 30' 2>&1 | grep -E '^(Thread |#)' | head -3000 >&2 || true
            fi
        done
        pkill -KILL -f 'PackageTests.xctest' || true
        kill -KILL "$TEST_PID" 2>/dev/null || true
        rm -f "$LOG"
        exit 124
    fi
    sleep 5
    WAITED=$((WAITED + 5))
done
STATUS=0
wait "$TEST_PID" || STATUS=$?
rm -f "$LOG"
exit "$STATUS"
