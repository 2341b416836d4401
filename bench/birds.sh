#!/usr/bin/env bash
# The synchronous bird endpoint end to end: requests/s and latency with 2 workers, computing
# versus answered from the result cache, in one run.
#
#   bench/birds.sh [REQUESTS] [CLIENTS]      # default 400 requests from 8 keep-alive clients per phase
#
# Starts, on free loopback ports, a private redis-server, one roost-gateway and 2 roost-worker
# processes (ROOST_WORKER_KINDS=birds, 1 analysis thread each) from .build/release. The client
# (bench/birds.d/load.py) posts the fixture photos over 100 KB to
# POST /birds/identification/classify?version=2 and waits for each answer:
#   - "computed": every request carries a fresh X-Api-Key, so (cache scope `owner`) each one runs the model;
#   - "cached":   the same photos from one key that already asked about them: answered from the cache.
# Prints requests/s, p50/p99 latency and CPU per request of each phase and their ratio.
# Figures go in docs/PERFORMANCE.md (## Bird endpoint and result cache).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
requests="${1:-400}"
clients="${2:-8}"
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
[ -f models/mobilenet_v2.onnx ] || { echo "models missing: make models" >&2; exit 1; }
work="$(mktemp -d /tmp/roost-birds.XXXXXX)"
mkdir -p "$work/data"
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port="$(free_port)"; http_port="$(free_port)"
export ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
       ROOST_DATA_DIR="$work/data" ROOST_LOG_LEVEL=warning ROOST_WORKER_KINDS=birds ROOST_WORKER_THREADS=1 \
       ROOST_MODELS_DIR="$root/models" ROOST_MAX_DEPTH_INTERACTIVE=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$bin/roost-gateway" 2>"$work/gateway.log" &
gateway=$!; pids+=($gateway)
worker_pids=()
for i in 1 2; do ROOST_WORKER_ID="bench-w$i" "$bin/roost-worker" 2>"$work/worker$i.log" & worker_pids+=($!); pids+=($!); done
photos=()
for f in .cache/fixtures/*.jpg; do [ "$(stat -c %s "$f")" -gt 100000 ] && photos+=("$f"); done
echo "bench/birds: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  $requests requests per phase, $clients keep-alive clients, ${#photos[@]} photos over 100 KB, 2 workers x 1 thread"
"$python" bench/birds.d/load.py --port "$http_port" --requests "$requests" --clients "$clients" \
    --pids "gateway=$gateway,workers=$(IFS=+; echo "${worker_pids[*]}"),redis=${pids[0]}" "${photos[@]}"
