#!/usr/bin/env bash
# The fair batch lane: how long a small import takes behind a large one, fair (ROOST_BATCH_WINDOW
# 64) versus first come, first served (0), beside the small import alone, in one run.
#
#   bench/fairlane.sh [SMALL] [LARGE]      # default 100 and 3000 classify jobs
#
# For each window, starts on free loopback ports a private redis-server, one roost-gateway and one
# roost-worker (classify, 1 analysis thread: a backlog builds up) from .build/release, then
# (bench/fairlane.d/run.py) times the small import alone (key B), then submits the large import
# (key A) as fast as the gateway takes it and, once half of it waits in the batch lane, the small one
# again: its time is from its first upload to its last result. Also prints the large import's time,
# so the single-importer cost of fairness shows (it should not change).
# Figures go in docs/PERFORMANCE.md (## Fair batch lane).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
small="${1:-100}"
large="${2:-3000}"
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
[ -f models/mobilenet_v2.onnx ] || { echo "models missing: make models" >&2; exit 1; }
photo=.cache/fixtures/chelsea.jpg
[ -f "$photo" ] || { echo "fixtures missing: make fixtures" >&2; exit 1; }
work="$(mktemp -d /tmp/roost-fairlane.XXXXXX)"
pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_all; rm -rf "$work"' EXIT
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "bench/fairlane: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  small import $small classify jobs (key B), large import $large (key A), 1 worker x 1 thread"
printf '  %-22s %10s %16s %16s %18s\n' window "small alone s" "small behind s" "large import s" "small behind/alone"
for window in 64 0; do
    dir="$work/w$window"; mkdir -p "$dir/data"
    redis_port="$(free_port)"; http_port="$(free_port)"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
    pids+=($!)
    for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    export ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
           ROOST_DATA_DIR="$dir/data" ROOST_LOG_LEVEL=warning ROOST_WORKER_KINDS=classify ROOST_WORKER_THREADS=1 \
           ROOST_MODELS_DIR="$root/models" ROOST_BATCH_WINDOW="$window" ROOST_OPS_TOKEN=bench-token \
           ROOST_RESULT_CACHE=off
    "$bin/roost-gateway" 2>"$dir/gateway.log" & pids+=($!)
    ROOST_WORKER_ID="fair-w1" "$bin/roost-worker" 2>"$dir/worker.log" & pids+=($!)
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$http_port/heartbeat" >/dev/null && break; sleep 0.1; done
    line="$("$python" bench/fairlane.d/run.py --port "$http_port" --token bench-token --photo "$photo" \
            --small "$small" --large "$large" --tag "w$window-$$")"
    "$python" - "$window" "$line" <<'PY'
import json, sys
w, r = sys.argv[1], json.loads(sys.argv[2])
label = "64 (fair)" if w != "0" else "0 (first come)"
print(f"  {label:<22} {r['alone_s']:>10.2f} {r['shared_small_s']:>16.2f} {r['shared_large_s']:>16.2f} {r['shared_small_s']/r['alone_s']:>17.1f}x")
PY
    stop_all
done
