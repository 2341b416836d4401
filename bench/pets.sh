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
. bench/lib/cluster.sh
cluster_start pets pet 2 ROOST_DOGAPI_RATE_LIMIT=0 ROOST_SYNC_TIMEOUT=300
echo "bench/pets: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "  $pets pets x $photos photos, 2 workers x 1 thread"
"$python" bench/pets.d/load.py --port "$http_port" --pets "$pets" --photos "$photos" \
    .cache/fixtures/dog.jpg .cache/fixtures/chicky_512.jpg .cache/fixtures/chelsea.jpg .cache/fixtures/coffee.jpg
