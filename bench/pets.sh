#!/usr/bin/env bash
# Pet analyses end to end: the time of each analysis per photo with 2 workers, in one run.
#
#   bench/pets.sh [PETS] [PHOTOS]     # default 6 pets of 4 photos each
#
# Starts, on free loopback ports, a private redis-server, one roost-gateway and 2 roost-worker
# processes (`pet`, 1 analysis thread each) from .build/release. bench/pets.d/load.py makes an
# account and PETS pets, each with PHOTOS distinct photos (real fixture photos made distinct so the
# result cache does not answer), then times, per pet: genealogy (the first analysis: every photo's
# `pet` job runs: localisation, silhouette, classes), body condition, muscle condition, age (these
# reuse the photos' jobs), and a portrait (one more job: the best photo rendered). Figures go in
# docs/PERFORMANCE.md (## Pets).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
pets="${1:-6}"
photos="${2:-4}"
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
[ -f models/mobilenet_v2.onnx ] || { echo "models missing: make models" >&2; exit 1; }
work="$(mktemp -d /tmp/roost-pets.XXXXXX)"
mkdir -p "$work/data"
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port="$(free_port)"; http_port="$(free_port)"
export ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
       ROOST_DATA_DIR="$work/data" ROOST_LOG_LEVEL=warning ROOST_WORKER_KINDS=pet ROOST_WORKER_THREADS=1 \
       ROOST_MODELS_DIR="$root/models" ROOST_DOGAPI_RATE_LIMIT=0 ROOST_SYNC_TIMEOUT=300
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$bin/roost-gateway" 2>"$work/gateway.log" &
pids+=($!)
for i in 1 2; do ROOST_WORKER_ID="bench-w$i" "$bin/roost-worker" 2>"$work/worker$i.log" & pids+=($!); done
echo "bench/pets: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  $pets pets x $photos photos, 2 workers x 1 thread"
"$python" bench/pets.d/load.py --port "$http_port" --pets "$pets" --photos "$photos" \
    .cache/fixtures/dog.jpg .cache/fixtures/chicky_512.jpg .cache/fixtures/chelsea.jpg .cache/fixtures/coffee.jpg
