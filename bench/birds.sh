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
. bench/lib/cluster.sh
cluster_start birds birds 2 ROOST_MAX_DEPTH_INTERACTIVE=0
photos=()
for f in .cache/fixtures/*.jpg; do [ "$(stat -c %s "$f")" -gt 100000 ] && photos+=("$f"); done
echo "bench/birds: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  $requests requests per phase, $clients keep-alive clients, ${#photos[@]} photos over 100 KB, 2 workers x 1 thread"
"$python" bench/birds.d/load.py --port "$http_port" --requests "$requests" --clients "$clients" \
    --pids "gateway=$gateway,workers=$(IFS=+; echo "${worker_pids[*]}"),redis=${pids[0]}" "${photos[@]}"
