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
. bench/lib/cluster.sh
cluster_start dogapi classify 2 ROOST_MAX_DEPTH_INTERACTIVE=0 ROOST_DOGAPI_RATE_LIMIT=0
echo "bench/dogapi: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  $requests requests per read route from $clients keep-alive clients; $uploads uploads, 2 workers x 1 thread"
"$python" bench/dogapi.d/load.py --port "$http_port" --requests "$requests" --clients "$clients" --uploads "$uploads" \
    --gateway-pid "$gateway" .cache/fixtures/dog.jpg .cache/fixtures/chelsea.jpg .cache/fixtures/eagle.jpg .cache/fixtures/giraffe.jpg
