#!/usr/bin/env bash
#
# scripts/bench-registry.sh -- what pulling from a registry costs over reading the same image from disk.
#
# Why: moat streams layers from the registry straight into its layer reader, overlapping download and
# analysis, so a pull should cost little more than reading the OCI layout; a second scan should be served
# from the layer cache. This measures both on real images and prints a markdown table for
# docs/benchmarks.md. A benchmark, not a test: it never fails because something is slow.
#
# What: starts Debian's docker-registry (plain HTTP) on 127.0.0.1, pushes each image (skopeo), then
# measures, RUNS times each, interleaved (median wall seconds, peak RSS via /usr/bin/time):
#   layout   moat image --layout IMG.oci --scanners footprint --format json
#   cold     moat image 127.0.0.1:PORT/bench/IMG:1 --insecure-registry ... with an empty cache dir
#   warm     the same again with the cache the cold run filled
# The ratio is the median, over the rounds, of each round's cold ÷ layout: a round's runs are seconds apart, so the
# pairing cancels the drift of a shared machine's speed over minutes, which the ratio of the medians does not.
#
# Usage: scripts/bench-registry.sh [--runs N] [--images "minbase large"] [--baseline OTHER_MOAT]
#   MOAT (default .build/release/moat, built when missing), MOAT_TEST_IMAGES (default .build-images)
#   --baseline: also times OTHER_MOAT's cold pull in every round (an A/B of two builds on the same
#   drifting machine) and prints its ratio to the layout beside moat's.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench-registry: error: %s\n' "$*" >&2; exit 1; }

RUNS=3
IMAGES="minbase large"
BASELINE=
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=${2:?}; shift ;;
        --images) IMAGES=${2:?}; shift ;;
        --baseline) BASELINE=${2:?}; shift ;;
        -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
    shift
done

moat_deps_images
moat_deps_registry
moat_install_missing

IMAGES_DIR=${MOAT_TEST_IMAGES:-$REPO_ROOT/.build-images}
case " $IMAGES " in
    *" large "*) "$SCRIPT_DIR/build-test-images.sh" --large "$IMAGES_DIR" >&2 ;;
    *) "$SCRIPT_DIR/build-test-images.sh" "$IMAGES_DIR" >&2 ;;
esac
MOAT=${MOAT:-$REPO_ROOT/.build/release/moat}
if [ ! -x "$MOAT" ]; then
    log "building moat (release)"
    (cd "$REPO_ROOT" && swift build -c release --product moat >&2)
fi

WORK=$(mktemp -d)
REGISTRY_PID=
cleanup() {
    [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat > "$WORK/config.yml" <<EOF
version: 0.1
log: { level: error }
storage: { filesystem: { rootdirectory: $WORK/storage }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$PORT }
EOF
docker-registry serve "$WORK/config.yml" > "$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/v2/" >/dev/null || die "docker-registry did not start: $(tail -5 "$WORK/registry.log")"

# One timed run of "$@": appends "seconds maxRSS_KB" to the file $1 (the rest is the command).
run_once() {
    local into=$1
    shift
    # Dirty pages a previous run left (a cold pull writes the whole image into the cache) are flushed first, so
    # their writeback does not land on whichever run comes next.
    sync
    local started=$EPOCHREALTIME
    /usr/bin/time -o "$WORK/time" -f '%M %U %S' "$@" >/dev/null 2>"$WORK/stderr" || die "$* failed: $(tail -3 "$WORK/stderr")"
    # Wall time from bash's microsecond clock (time's %e has 10 ms steps, a third of what is being compared); then
    # peak RSS and moat's own CPU seconds (user + system; the registry's CPU is not in it).
    awk -v start="$started" -v end="$EPOCHREALTIME" -v used="$(tail -1 "$WORK/time")" \
        'BEGIN { split(used, t, " "); printf "%.3f %d %.2f\n", end - start, t[1], t[2] + t[3] }' >> "$into"
}

median_seconds() { awk '{ print $1 }' "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# "median s, peak MB, median CPU s" of the runs in file $1.
summary() {
    local median peak cpu
    median=$(median_seconds "$1")
    peak=$(awk '{ print $2 }' "$1" | sort -n | tail -1)
    cpu=$(awk '{ print $3 }' "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    printf '%s s, %d MB, %s s CPU' "$median" "$((peak / 1024))" "$cpu"
}


# "+N%": the median over the rounds of (seconds in file $2 ÷ seconds in file $1 - 1), line i of each being round i.
paired_ratio() {
    paste -d ' ' "$1" "$2" | awk '{ print $4 / $1 }' | sort -n \
        | awk '{ a[NR] = $1 } END { printf "%+.0f%%", (a[int((NR + 1) / 2)] - 1) * 100 }'
}

printf '| Image | layout on disk | pull, empty cache | pull, warm cache | empty cache ÷ layout, per round |\n|---|---|---|---|---|\n'
for image in $IMAGES; do
    layout="$IMAGES_DIR/$image.oci"
    [ -d "$layout" ] || die "$layout is missing"
    log "pushing $image"
    skopeo copy --quiet --dest-tls-verify=false "oci:$layout" "docker://127.0.0.1:$PORT/bench/$image:1" >&2
    cat "$layout"/blobs/sha256/* > /dev/null  # warm the page cache for the layout runs
    ref="127.0.0.1:$PORT/bench/$image:1"
    rm -f "$WORK/$image".*.runs
    # Interleaved (layout, cold pull, warm pull) RUNS times: throughput on a shared machine drifts over minutes.
    for _ in $(seq 1 "$RUNS"); do
        run_once "$WORK/$image.layout.runs" "$MOAT" image --layout "$layout" --scanners footprint --format json
        rm -rf "$WORK/cache"
        run_once "$WORK/$image.cold.runs" env MOAT_CACHE_DIR="$WORK/cache" "$MOAT" image "$ref" --insecure-registry "127.0.0.1:$PORT" \
            --scanners footprint --format json
        run_once "$WORK/$image.warm.runs" env MOAT_CACHE_DIR="$WORK/cache" "$MOAT" image "$ref" --insecure-registry "127.0.0.1:$PORT" \
            --scanners footprint --format json
        if [ -n "$BASELINE" ]; then
            rm -rf "$WORK/cache"
            run_once "$WORK/$image.baseline.runs" env MOAT_CACHE_DIR="$WORK/cache" "$BASELINE" image "$ref" \
                --insecure-registry "127.0.0.1:$PORT" --scanners footprint --format json
        fi
    done
    ratio=$(paired_ratio "$WORK/$image.layout.runs" "$WORK/$image.cold.runs")
    printf '| %s | %s | %s | %s | %s |\n' "$image" "$(summary "$WORK/$image.layout.runs")" "$(summary "$WORK/$image.cold.runs")" \
        "$(summary "$WORK/$image.warm.runs")" "$ratio"
    if [ -n "$BASELINE" ]; then
        printf 'baseline %s: cold pull %s s, %s over the layout\n' "$image" "$(median_seconds "$WORK/$image.baseline.runs")" \
            "$(paired_ratio "$WORK/$image.layout.runs" "$WORK/$image.baseline.runs")" >&2
    fi
done
