#!/usr/bin/env bash
#
# scripts/bench-serve.sh -- HTTP throughput and tail latency of `moat serve`.
#
# Why: `moat serve` answers kubesec's HTTP API (POST /scan).  This measures
# how many typical Pod manifests per second it scores and the p99 latency
# under load, and keeps the numbers in docs/benchmarks.md.  It is a
# benchmark, not a test: it never fails because the server is slow.
#
# What: builds the release binary (`swift build -c release`, unless
# --no-build), starts `moat serve --listen 127.0.0.1:PORT`, waits for
# /healthz, checks one POST /scan answers 200, then runs wrk (installed with
# apt-get when missing) for DURATION with THREADS threads and CONNECTIONS
# connections, every request POSTing the same typical Pod.  wrk runs on the
# same machine, so it competes with the server for the CPUs: SERVER_CPUS and
# WRK_CPUS pin each to a CPU list with taskset (e.g. server 0-1, wrk 1), so
# that runs are comparable; the pinning is recorded with the figures.  It prints
# requests/s and the p50/p99 latency, appends a row under the "moat serve"
# heading of docs/benchmarks.md (creating the heading once), and stops the
# server (SIGTERM, so graceful shutdown is exercised too).
#
# Usage: scripts/bench-serve.sh [--no-build] [--scratch-path DIR] [--port N]
#                               [--duration 10s] [--threads 2] [--connections 64]
#                               [--server-cpus LIST] [--wrk-cpus LIST] [--report FILE]
#   MOAT            moat binary (default SCRATCH/release/moat)
#   BENCH_SCRATCH_PATH, BENCH_PORT, BENCH_DURATION, BENCH_THREADS,
#   BENCH_CONNECTIONS, BENCH_SERVER_CPUS, BENCH_WRK_CPUS, BENCH_REPORT
#                   same as the options (scratch path default .build; CPU
#                   lists default to none: no pinning).
# Runs from the repository root whatever the current directory.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$SCRIPT_DIR/lib/deps.sh"
cd "$REPO_ROOT"

SCRATCH=${BENCH_SCRATCH_PATH:-.build}
MOAT=${MOAT:-}
PORT=${BENCH_PORT:-18080}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
SERVER_CPUS=${BENCH_SERVER_CPUS:-}
WRK_CPUS=${BENCH_WRK_CPUS:-}
REPORT=${BENCH_REPORT:-docs/benchmarks.md}
BUILD=1

while [ $# -gt 0 ]; do
    case $1 in
        --no-build) BUILD=0 ;;
        --scratch-path) SCRATCH=$2; shift ;;
        --server-cpus) SERVER_CPUS=$2; shift ;;
        --wrk-cpus) WRK_CPUS=$2; shift ;;
        --port) PORT=$2; shift ;;
        --duration) DURATION=$2; shift ;;
        --threads) THREADS=$2; shift ;;
        --connections) CONNECTIONS=$2; shift ;;
        --report) REPORT=$2; shift ;;
        -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-serve: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

log() { echo "bench-serve: $*" >&2; }
MOAT=${MOAT:-$SCRATCH/release/moat}
# `taskset -c LIST` prefix when a CPU list is given.
pin() { if [ -n "$1" ]; then echo "taskset -c $1"; fi; }

moat_need_cmd wrk
moat_need_cmd curl
moat_install_missing

if [ "$BUILD" -eq 1 ]; then
    moat_deps_build
    moat_install_missing
    log "swift build -c release --scratch-path $SCRATCH --product moat"
    swift build -c release --scratch-path "$SCRATCH" --product moat >&2
fi
if [ ! -x "$MOAT" ]; then
    log "$MOAT not found (build it with: swift build -c release)"
    exit 1
fi
if ! "$MOAT" serve --help >/dev/null 2>&1; then
    log "$MOAT has no 'serve' subcommand (ScanServer must be linked into the moat target and ServeCommand registered)"
    exit 1
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A typical Deployment-style Pod: hardened container, resources, probes, a volume.
cat >"$WORK/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  serviceAccountName: web
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: web
      image: registry.example.com/shop/web:1.4.2
      ports:
        - containerPort: 8080
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
      resources:
        limits:
          cpu: 500m
          memory: 256Mi
        requests:
          cpu: 100m
          memory: 128Mi
      readinessProbe:
        httpGet:
          path: /ready
          port: 8080
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir: {}
YAML

# wrk's Lua: every request POSTs the pod; done() prints one machine-readable line.
cat >"$WORK/post-pod.lua" <<LUA
local f = assert(io.open("$WORK/pod.yaml", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/x-yaml"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d non2xx=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors, summary.errors.status))
end
LUA

log "starting $MOAT serve --listen 127.0.0.1:$PORT"
# shellcheck disable=SC2046 # word splitting of the taskset prefix is intended
$(pin "$SERVER_CPUS") "$MOAT" serve --listen "127.0.0.1:$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "server exited:"; cat "$WORK/server.log" >&2; exit 1
    fi
    sleep 0.1
done
status=$(curl -sS -o /dev/null -w '%{http_code}' --data-binary @"$WORK/pod.yaml" "http://127.0.0.1:$PORT/scan")
if [ "$status" != 200 ]; then
    log "POST /scan answered $status, not 200"; exit 1
fi

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (load average before: $load)"
# shellcheck disable=SC2046
$(pin "$WRK_CPUS") wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post-pod.lua" \
    "http://127.0.0.1:$PORT/scan" | tee "$WORK/wrk.out" >&2
result=$(grep '^RESULT ' "$WORK/wrk.out" | tail -1)
if [ -z "$result" ]; then
    log "wrk printed no RESULT line"; exit 1
fi
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
rps=$(field rps); p50=$(field p50_ms); p99=$(field p99_ms)
requests=$(field requests); errors=$(field errors)

# Graceful shutdown: SIGTERM, then the server must exit by itself.
kill -TERM "$SERVER_PID"
stopped=no
for _ in $(seq 1 100); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then stopped=yes; break; fi
    sleep 0.1
done
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

echo "requests/s: $rps"
echo "p99 latency: $p99 ms (p50 $p50 ms)"
echo "requests: $requests, errors: $errors, stopped on SIGTERM within 10 s: $stopped"

cpus=$(nproc 2>/dev/null || echo '?')
version=$("$MOAT" --version 2>/dev/null || echo unknown)
if ! grep -q '^## moat serve' "$REPORT" 2>/dev/null; then
    cat >>"$REPORT" <<EOF

## moat serve

Written by \`scripts/bench-serve.sh\`: release build, \`moat serve\` on 127.0.0.1 (plain HTTP),
\`wrk --latency\` POSTing a typical hardened Pod (~1 KiB of YAML) to \`/scan\`; each request is a full
kubesec scan and JSON encoding. Client and server share the machine's CPUs.

| date | moat | CPUs | wrk | requests/s | p50 ms | p99 ms | errors | load before |
| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |
EOF
fi
setup="-t$THREADS -c$CONNECTIONS -d$DURATION"
if [ -n "$SERVER_CPUS$WRK_CPUS" ]; then setup="$setup; server CPUs ${SERVER_CPUS:-all}, wrk CPUs ${WRK_CPUS:-all}"; fi
row="| $(date -u +%Y-%m-%dT%H:%M:%SZ) | $version | $cpus | $setup | $rps | $p50 | $p99 | $errors | $load |"
# Insert after the last table row of the "moat serve" section (it may not be the last section).
awk -v row="$row" '
    /^## / { if (insection && !done) { print row; done = 1 } insection = ($0 ~ /^## moat serve/) }
    insection && !done && /^\|/ { intable = 1 }
    insection && !done && intable && !/^\|/ { print row; done = 1 }
    { print }
    END { if (!done) print row }
' "$REPORT" >"$WORK/report.md"
cat "$WORK/report.md" >"$REPORT"
log "appended to $REPORT"
