# A private Roost cluster for the end-to-end benchmarks, sourced by bench/*.sh after they set
# `root` and cd into it:
#
#   . bench/lib/cluster.sh
#   cluster_start NAME KINDS WORKERS [VAR=VALUE...]   # extra ROOST_* settings for every process
#
# Starts, on free loopback ports, a redis-server (no persistence), one roost-gateway and WORKERS
# roost-worker processes (1 analysis thread each, KINDS) from .build/release, in a temporary
# folder removed on exit. Sets: bin, python, work, http_port, redis_port, gateway (its pid),
# worker_pids, pids (every process; redis first).
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3

cluster_start() {
    local name="$1" kinds="$2" workers="$3"; shift 3
    for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
    [ -f "$root/models/mobilenet_v2.onnx" ] || { echo "models missing: make models" >&2; exit 1; }
    work="$(mktemp -d "/tmp/roost-$name.XXXXXX")"
    mkdir -p "$work/data"
    redis_port="$(cluster_free_port)"; http_port="$(cluster_free_port)"
    export ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
           ROOST_DATA_DIR="$work/data" ROOST_LOG_LEVEL=warning ROOST_WORKER_KINDS="$kinds" ROOST_WORKER_THREADS=1 \
           ROOST_MODELS_DIR="$root/models"
    local setting
    for setting in "$@"; do export "${setting?}"; done
    pids=(); worker_pids=()
    trap cluster_stop EXIT
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
    pids+=($!)
    for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    "$bin/roost-gateway" 2>"$work/gateway.log" &
    gateway=$!; pids+=($gateway)
    local i
    for i in $(seq 1 "$workers"); do
        ROOST_WORKER_ID="bench-w$i" "$bin/roost-worker" 2>"$work/worker$i.log" & worker_pids+=($!); pids+=($!)
    done
}

cluster_stop() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}

cluster_free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
