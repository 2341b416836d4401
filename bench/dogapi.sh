#!/usr/bin/env bash
# TheDogAPI end to end: GET /v1/images/search and GET /v1/breeds beside GET /heartbeat (the
# gateway's floor: routing, one response, no store) at 16 keep-alive clients, and the time from
# upload to `labelled` with 2 workers, in one run.
#
#   bench/dogapi.sh [REQUESTS] [CLIENTS] [UPLOADS]     # default 4000 requests, 16 clients, 200 uploads
#
# Starts, on free loopback ports, a private redis-server, one roost-gateway and 2 roost-worker
# processes (classify, 1 analysis thread each) from .build/release; bench/dogapi.d/load.py makes an
# account, uploads the fixture photos (each UPLOADS/photos times, with distinct bytes so the result
# cache does not answer), times each upload to its `labelled`/`unsafe` status, then loads the read routes.
# Figures go in docs/PERFORMANCE.md (## TheDogAPI).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
requests="${1:-4000}"
clients="${2:-16}"
uploads="${3:-200}"
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
[ -f models/mobilenet_v2.onnx ] || { echo "models missing: make models" >&2; exit 1; }
work="$(mktemp -d /tmp/roost-dogapi.XXXXXX)"
mkdir -p "$work/data"
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port="$(free_port)"; http_port="$(free_port)"
export ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
       ROOST_DATA_DIR="$work/data" ROOST_LOG_LEVEL=warning ROOST_WORKER_KINDS=classify ROOST_WORKER_THREADS=1 \
       ROOST_MODELS_DIR="$root/models" ROOST_MAX_DEPTH_INTERACTIVE=0 ROOST_DOGAPI_RATE_LIMIT=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$bin/roost-gateway" 2>"$work/gateway.log" &
gateway=$!; pids+=($gateway)
for i in 1 2; do ROOST_WORKER_ID="bench-w$i" "$bin/roost-worker" 2>"$work/worker$i.log" & pids+=($!); done
echo "bench/dogapi: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  $requests requests per read route from $clients keep-alive clients; $uploads uploads, 2 workers x 1 thread"
"$python" bench/dogapi.d/load.py --port "$http_port" --requests "$requests" --clients "$clients" --uploads "$uploads" \
    --gateway-pid "$gateway" .cache/fixtures/dog.jpg .cache/fixtures/chelsea.jpg .cache/fixtures/eagle.jpg .cache/fixtures/giraffe.jpg
