#!/usr/bin/env bash
#
# scripts/bench-admission.sh -- throughput and tail latency of moat's admission webhooks.
#
# Why: an admission webhook sits in the path of every pod the cluster creates; Kyverno publishes tens to a few
# hundred requests/s with p99 in the hundreds of milliseconds. moat's decisions are cached by digest, so a warm
# decision should cost little more than TLS and HTTP. This measures that beside a bare Hummingbird HTTPS endpoint
# answering a constant body (the floor on this machine), and the cold decision (digest resolution and signature
# verification against a real registry). A benchmark, not a test: it never fails because something is slow.
#
# What: builds moat and bench-bare-endpoint (release, unless --no-build); starts Debian's docker-registry on
# 127.0.0.1, copies a small image in and signs it with moat; writes a policy (allowed registries, forbidden tags,
# required signature); starts `moat serve --policy` over TLS; checks one ImageReview and one AdmissionReview are
# allowed; then runs wrk (THREADS threads, CONNECTIONS connections, DURATION) posting
#   1. the ImageReview to /imagepolicy, 2. a Deployment AdmissionReview to /validate, 3. the same AdmissionReview
#   with a namespace of its own per request (so no whole decision is reused: every request walks the policy over the
#   cached facts), 4. the ImageReview to the bare endpoint,
# and prints requests/s, p50, p99 and errors for each. The three are measured in turn ROUNDS times and the run with
# the median requests/s of each is shown, with the ratio to the bare endpoint: on a shared machine throughput drifts
# by 10-20% over minutes, and interleaving keeps the comparison fair. Cold: restarts moat serve RUNS times and times
# the first decision with curl (TLS handshake, tag → digest, signature verification).
#
# Usage: scripts/bench-admission.sh [--no-build] [--duration 10s] [--rounds 3] [--threads 2] [--connections 4] [--runs 5]
#                                   [--perf DIR]  (perf record -g of moat serve during each warm run, into DIR)
#   MOAT_TEST_IMAGES (default .build-images; needs scratch.oci, built by scripts/build-test-images.sh)

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"
cd "$REPO_ROOT"

BUILD=1
DURATION=10s
ROUNDS=3
THREADS=2
CONNECTIONS=4
RUNS=5
PERF_DIR=
while [ $# -gt 0 ]; do
    case $1 in
        --no-build) BUILD=0 ;;
        --duration) DURATION=${2:?}; shift ;;
        --rounds) ROUNDS=${2:?}; shift ;;
        --threads) THREADS=${2:?}; shift ;;
        --connections) CONNECTIONS=${2:?}; shift ;;
        --runs) RUNS=${2:?}; shift ;;
        --perf) PERF_DIR=$(mkdir -p "${2:?}" && cd "$2" && pwd); shift ;;
        -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "bench-admission: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '==> %s\n' "$*" >&2; }

moat_deps_images
moat_deps_registry
moat_need_cmd wrk wrk
moat_need_cmd openssl openssl
moat_install_missing
IMAGES=${MOAT_TEST_IMAGES:-$REPO_ROOT/.build-images}
"$SCRIPT_DIR/build-test-images.sh" "$IMAGES" >&2

if [ "$BUILD" = 1 ]; then
    log "building moat and bench-bare-endpoint (release)"
    swift build -c release --product moat >&2
    swift build -c release --product bench-bare-endpoint >&2
fi
MOAT=$REPO_ROOT/.build/release/moat
BARE=$REPO_ROOT/.build/release/bench-bare-endpoint

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

REGISTRY_PORT=$(free_port)
HOST=127.0.0.1:$REGISTRY_PORT
cat > "$WORK/registry.yml" <<YAML
version: 0.1
storage: {filesystem: {rootdirectory: $WORK/registry}}
http: {addr: $HOST}
YAML
docker-registry serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do curl -fs "http://$HOST/v2/" >/dev/null && break; sleep 0.1; done

log "pushing and signing $HOST/bench/app:1"
"$MOAT" copy "oci:$IMAGES/scratch.oci" "docker://$HOST/bench/app:1" --insecure-registry "$HOST" -q >/dev/null
MOAT_PASSWORD='' "$MOAT" generate-key-pair --output-key-prefix "$WORK/k" 2>/dev/null
MOAT_PASSWORD='' "$MOAT" sign --key "$WORK/k.key" "$HOST/bench/app:1" --insecure-registry "$HOST" >/dev/null 2>&1

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat > "$WORK/policy.yaml" <<YAML
apiVersion: moat.dev/v1alpha1
kind: ImagePolicy
rules:
  allowedRegistries: {patterns: ["$HOST/bench/**"]}
  forbiddenTags: {tags: ["latest"]}
  requireSignature:
    - scope: ["$HOST/bench/**"]
      keys: ["$WORK/k.pub"]
YAML
IMAGE_REVIEW="{\"apiVersion\":\"imagepolicy.k8s.io/v1alpha1\",\"kind\":\"ImageReview\",\"spec\":{\"containers\":[{\"image\":\"$HOST/bench/app:1\"}],\"annotations\":{},\"namespace\":\"prod\"}}"
ADMISSION_REVIEW="{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"b1\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},\"resource\":{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"},\"name\":\"web\",\"namespace\":\"prod\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"admin\"},\"object\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"$HOST/bench/app:1\"}]}}}},\"oldObject\":null,\"dryRun\":false}}"
printf '%s' "$IMAGE_REVIEW" > "$WORK/imagereview.json"
printf '%s' "$ADMISSION_REVIEW" > "$WORK/admissionreview.json"
for name in imagereview admissionreview; do
    cat > "$WORK/$name.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/$name.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA
done
# The same AdmissionReview in a namespace of its own per request: no decision is ever reused, the facts stay warm.
cat > "$WORK/distinct.lua" <<LUA
local f = io.open("$WORK/admissionreview.json", "rb")
local template = f:read("*a")
f:close()
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
local counter = 0
function request()
    counter = counter + 1
    local body = template:gsub('"namespace":"prod"', '"namespace":"ns-' .. tid .. '-' .. counter .. '"')
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
LUA

SERVE_PORT=$(free_port)
start_moat() { # cache-dir (a fresh one makes every fact cold)
    "$MOAT" serve --listen "127.0.0.1:$SERVE_PORT" --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" --policy "$WORK/policy.yaml" \
        --insecure-registry "$HOST" --cache-dir "$1" --audit-log "$WORK/audit.jsonl" --log-level warning 2>>"$WORK/serve.log" &
    MOAT_PID=$!
    PIDS+=("$MOAT_PID")
    for _ in $(seq 100); do curl -fsk "https://127.0.0.1:$SERVE_PORT/readyz" >/dev/null 2>&1 && return; sleep 0.05; done
    echo "moat serve did not start: $(tail -5 "$WORK/serve.log")" >&2; exit 1
}
stop_moat() { kill "$MOAT_PID"; wait "$MOAT_PID" 2>/dev/null || true; }

log "cold decisions ($RUNS restarts)"
COLD=()
for run in $(seq "$RUNS"); do
    start_moat "$WORK/cold-$run"
    COLD+=("$(curl -sk -o /dev/null -w '%{time_total}' --data-binary @"$WORK/imagereview.json" "https://127.0.0.1:$SERVE_PORT/imagepolicy")")
    stop_moat
done
start_moat "$WORK/cache"
curl -sk --data-binary @"$WORK/imagereview.json" "https://127.0.0.1:$SERVE_PORT/imagepolicy" | grep -q '"allowed":true' \
    || { echo "the ImageReview was not allowed" >&2; exit 1; }
curl -sk --data-binary @"$WORK/admissionreview.json" "https://127.0.0.1:$SERVE_PORT/validate" | grep -q '"allowed":true' \
    || { echo "the AdmissionReview was not allowed" >&2; exit 1; }

BARE_PORT=$(free_port)
"$BARE" "$BARE_PORT" "$WORK/cert.pem" "$WORK/key.pem" 2>/dev/null &
PIDS+=($!)
for _ in $(seq 100); do curl -fsk -X POST "https://127.0.0.1:$BARE_PORT/x" >/dev/null 2>&1 && break; sleep 0.05; done

measure() { # script url [pid to profile] -> "rps p50 p99 errors"
    local out perf_pid=
    if [ -n "$PERF_DIR" ] && [ -n "${3:-}" ]; then
        perf record -g -o "$PERF_DIR/$(basename "$1" .lua).$(date +%s).perf.data" -p "$3" >/dev/null 2>&1 &
        perf_pid=$!
    fi
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$1" "$2")
    if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; fi
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out" | tr ' ' '_' | tr '\n' ' ')
    echo "$rps $p50 $p99 ${errors:-0}"
}

NAMES=("moat serve POST /imagepolicy (ImageReview, warm)" "moat serve POST /validate (Deployment AdmissionReview, warm)"
    "moat serve POST /validate (AdmissionReview, a new namespace per request: no decision reused)"
    "bare Hummingbird TLS endpoint (constant body)")
URLS=("https://127.0.0.1:$SERVE_PORT/imagepolicy" "https://127.0.0.1:$SERVE_PORT/validate" "https://127.0.0.1:$SERVE_PORT/validate"
    "https://127.0.0.1:$BARE_PORT/imagepolicy")
SCRIPTS=("$WORK/imagereview.lua" "$WORK/admissionreview.lua" "$WORK/distinct.lua" "$WORK/imagereview.lua")
PROFILED=("$MOAT_PID" "$MOAT_PID" "$MOAT_PID" "")
BARE_INDEX=3
for round in $(seq "$ROUNDS"); do
    log "warm round $round of $ROUNDS"
    for index in 0 1 2 3; do
        measure "${SCRIPTS[$index]}" "${URLS[$index]}" "${PROFILED[$index]}" >> "$WORK/runs.$index"
    done
done

# The run with the median requests/s of each endpoint, and its ratio to the bare endpoint's median.
median_run() { sort -g -k1,1 "$WORK/runs.$1" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)'; }
BARE_RPS=$(median_run "$BARE_INDEX" | awk '{ print $1 }')
echo "| endpoint (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, TLS; median of $ROUNDS interleaved runs) | requests/s | bare ÷ this | p50 | p99 | errors | all runs (requests/s) |"
echo "|---|---|---|---|---|---|---|"
for index in 0 1 2 3; do
    read -r rps p50 p99 errors <<<"$(median_run "$index")"
    ratio=$(awk -v bare="$BARE_RPS" -v this="$rps" 'BEGIN { printf "%.2f", bare / this }')
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${NAMES[$index]}" "$rps" "$ratio" "$p50" "$p99" "${errors//_/ }" \
        "$(awk '{ printf "%s ", $1 }' "$WORK/runs.$index")"
done
echo
echo "cold decisions (fresh moat serve, first request: TLS handshake + HEAD + signature fetch and verify), seconds: ${COLD[*]}"
echo "audit lines written: $(wc -l < "$WORK/audit.jsonl")"
