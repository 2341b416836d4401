#!/usr/bin/env bash
# The gateway holding many connections: IDLE idle keep-alive connections and POLLS parked
# long-polls (`GET /jobs/{id}?wait=120` on a job no worker takes) at once, while one client times
# /heartbeat (500 sequential requests) and 8 clients post small uploads (probe, 8 KB photo, batch
# lane); prints latency percentiles, upload throughput, and the gateway's RSS and threads — for
# this tree's gateway and for the thread-per-connection gateway of BEFORE (default: the commit
# before the event loop), built side by side (cached under ~/.cache/roost/bench-before/).
#
#   bench/http.sh [IDLE] [POLLS] [BEFORE]      # default 10000 idle, 5000 long-polls
#
# Each gateway gets a fresh private redis-server and one probe worker; both run with their own
# defaults except the per-client cap of the new one (every bench connection comes from 127.0.0.1).
# The descriptor limit is raised to the hard limit (needs IDLE+POLLS+1000 per process).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
idle="${1:-10000}"; polls="${2:-5000}"
before="${3:-$(git log --format=%H --grep='^Gateway HTTP on an epoll event loop' -n1)~1}"
before="$(git rev-parse "$before")"
ulimit -n "$(ulimit -Hn)"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
bin="$root/.build/release"
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
cache="${ROOST_CACHE:-$HOME/.cache/roost}/bench-before/$before"
if [ ! -x "$cache/roost-gateway" ]; then
    echo "building the gateway of $before (once) ..." >&2
    tree="$(mktemp -d /tmp/roost-before.XXXXXX)"
    git worktree add -q --detach "$tree" "$before"
    (cd "$tree" && swift build -c release --product roost-gateway >&2)
    mkdir -p "$cache" && cp "$tree/.build/release/roost-gateway" "$cache/"
    git worktree remove --force "$tree"
fi
work="$(mktemp -d /tmp/roost-http.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo "bench/http: $(date -u +%FT%TZ), $(nproc) cores, $idle idle connections + $polls parked long-polls; before = ${before:0:10}"
for which in before now; do
    gateway="$bin/roost-gateway"; [ "$which" = before ] && gateway="$cache/roost-gateway"
    redis_port="$(free_port)"; http_port="$(free_port)"
    mkdir -p "$work/$which"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/$which" --logfile "$work/$which/redis.log" &
    pids+=($!)
    for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    env ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
        ROOST_DATA_DIR="$work/$which" ROOST_LOG_LEVEL=warning ROOST_MODELS_DIR="$root/models" \
        ROOST_HTTP_MAX_CONNECTIONS_PER_CLIENT=100000 ROOST_HTTP_MAX_CONNECTIONS=100000 ROOST_RESULT_CACHE=off \
        "$gateway" 2>"$work/$which/gateway.log" &
    gw=$!; pids+=($gw)
    env ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_WORKER_KINDS=probe ROOST_WORKER_THREADS=1 ROOST_LOG_LEVEL=warning \
        ROOST_MODELS_DIR="$root/models" "$bin/roost-worker" 2>"$work/$which/worker.log" &
    pids+=($!)
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http_port/heartbeat" >/dev/null 2>&1 && break; sleep 0.1; done
    printf '  %-7s ' "$which"
    "$python" bench/http.d/hold.py --port "$http_port" --pid "$gw" --idle "$idle" --polls "$polls" --photo .cache/fixtures/HappyFish.jpg
    kill -TERM "$gw" 2>/dev/null || true
done
