#!/usr/bin/env bash
# Roost beside its peer: the whole classify path against the Celery service a Python team would
# build instead (Celery 5 on Redis, Pillow + NumPy preprocessing, ONNX Runtime on one thread, the
# Redis result backend; bench/peers.d/peer_tasks.py), on the same machine, the same photos (the 18
# fixture photos above 100 KB), the same client shape, each round on fresh private processes.
#
#   bench/peers.sh [JOBS] [CLIENTS] [WORKERS] [ROUNDS]   # default 600 jobs, 16 clients, 2 workers, 3 rounds
#
# Rounds alternate Roost (WORKERS roost-workers x 1 thread + gateway, result cache off; keep-alive
# HTTP clients that POST /jobs/classify and long-poll) with Celery (WORKERS `--pool solo` workers,
# then `--pool prefork --concurrency WORKERS`; client processes that apply_async and wait for the
# result). Prints photos/s, p50/p99 latency, CPU per photo by process group, top-1 agreement, and
# last `photos/s ratio Roost/Celery: X.XX` against the better Celery pool. The peer's venv is made
# once under ~/.cache/roost/peers-venv from bench/peers.d/requirements.txt. BENCH_LOG_LEVEL
# (default info: Roost's access log on); BENCH_BASELINE_BIN=DIR adds Roost from older binaries as a
# fourth stack (before/after in one run). Record results in docs/PERFORMANCE.md (## Whole path).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${1:-600}"; clients="${2:-16}"; workers="${3:-2}"; rounds="${4:-3}"
bin="$root/.build/release"
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
[ -f models/mobilenet_v2.onnx ] || { echo "models missing: make models" >&2; exit 1; }
. bench/lib/photos.sh
big_photos
python="$(scripts/venv.sh bench/peers.d/requirements.txt "$HOME/.cache/roost/peers-venv")"
echo "bench/peers: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
     "$("$python" -c 'import celery, PIL, onnxruntime; print("Celery", celery.__version__, "Pillow", PIL.__version__, "ONNX Runtime", onnxruntime.__version__)')"
"$python" bench/peers.d/run.py --jobs "$jobs" --clients "$clients" --workers "$workers" --rounds "$rounds" \
    --bin "$bin" --models "$root/models" --log-level "${BENCH_LOG_LEVEL:-info}" \
    ${BENCH_BASELINE_BIN:+--baseline-bin "$BENCH_BASELINE_BIN"} "${big[@]}"
