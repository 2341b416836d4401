#!/usr/bin/env bash
# Runs the whole cluster in the foreground: a private Redis (unless ROOST_REDIS_URL names one),
# the gateway and ROOST_WORKERS worker processes. Ctrl-C or SIGTERM stops everything cleanly:
# the gateway and workers drain first, Redis stops last.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="$root/.build/release"
state="$root/.roost"
mkdir -p "$state/redis" "$state/data" "$state/logs"
export ROOST_DATA_DIR="${ROOST_DATA_DIR:-$state/data}"
export ROOST_MODELS_DIR="${ROOST_MODELS_DIR:-$root/models}"
workers="${ROOST_WORKERS:-$(nproc)}"
pids=()
redis_pid=""

if [ -z "${ROOST_REDIS_URL:-}" ]; then
    port="${ROOST_REDIS_PORT:-6379}"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$state/redis" --appendonly yes --appendfsync everysec \
        --save "" --maxmemory "${ROOST_REDIS_MAXMEMORY:-1gb}" --maxmemory-policy noeviction \
        --logfile "$state/logs/redis.log" &
    redis_pid=$!
    export ROOST_REDIS_URL="redis://127.0.0.1:$port"
    for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p "$port" ping >/dev/null || { echo "up: redis-server did not start (see $state/logs/redis.log)" >&2; exit 1; }
fi

stop() {
    trap - INT TERM
    echo "up: stopping (draining workers and gateway)" >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$redis_pid" ]; then redis-cli -u "$ROOST_REDIS_URL" shutdown >/dev/null 2>&1 || kill -TERM "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
    echo "up: stopped" >&2
    exit 0
}
trap stop INT TERM

"$bin/roost-gateway" &
pids+=($!)
for i in $(seq 1 "$workers"); do
    ROOST_WORKER_ID="${ROOST_WORKER_ID_PREFIX:-$(hostname)}-w$i" "$bin/roost-worker" &
    pids+=($!)
done
echo "up: gateway on port ${ROOST_HTTP_PORT:-8080}, $workers workers, redis $ROOST_REDIS_URL (Ctrl-C stops)" >&2
# If any process dies, stop the rest rather than run half a cluster.
wait -n "${pids[@]}" || true
echo "up: a process exited; stopping the cluster" >&2
stop
