#!/usr/bin/env bash
# End to end: HTTP uploads from keep-alive clients, each waiting for its result by long-poll, into a
# cluster of W workers, beside the same jobs written straight into Redis for the same workers (no
# HTTP, no gateway, no ingester), in one run: jobs/s, p50/p99 upload->result, CPU per job of the
# workers, Redis and the gateway, and the whole path's CPU over the workers-alone CPU.
#
#   bench/e2e.sh [JOBS] [CLIENTS] [WORKERS] [ROUNDS]   # default 600 classify jobs (3000 probe), 16 clients, 2 workers, 3 rounds
#
# Two kinds: `probe` on a small photo (HappyFish.jpg, 8 KB: the queue and HTTP path dominate) and
# `classify` on the fixture photos above 100 KB (MobileNetV2 dominates). Fresh private redis-server,
# roost-gateway and roost-worker processes (from .build/release) per phase, on free loopback ports;
# the result cache is off, so every job runs. BENCH_LOG_LEVEL (default info: the access log on, as
# in production). Record results in docs/PERFORMANCE.md (## End to end).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${1:-600}"; clients="${2:-16}"; workers="${3:-2}"; rounds="${4:-3}"
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
[ -f models/mobilenet_v2.onnx ] || { echo "models missing: make models" >&2; exit 1; }
. bench/lib/photos.sh
big_photos
echo "bench/e2e: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
common=(--clients "$clients" --workers "$workers" --rounds "$rounds" --bin "$bin" --models "$root/models" --log-level "${BENCH_LOG_LEVEL:-info}")
"$python" bench/e2e.d/run.py --kind probe --jobs "$((jobs * 5))" "${common[@]}" .cache/fixtures/HappyFish.jpg
"$python" bench/e2e.d/run.py --kind classify --jobs "$jobs" "${common[@]}" "${big[@]}"
