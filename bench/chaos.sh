#!/usr/bin/env bash
# Chaos run: nothing accepted is lost, nothing runs into two results, while processes die.
#
#   bench/chaos.sh [JOBS] [CLIENTS]      # default 10000 photos from 8 client threads
#
# Starts, on free loopback ports, a private redis-server with AOF (appendonly yes, appendfsync
# everysec), one roost-gateway and three roost-worker processes (ROOST_WORKER_KINDS=probe) from
# .build/release (build first: swift build -c release). bench/chaos.d/clients.py uploads JOBS small
# distinct photos (fixture pixel-1x1.jpg plus a suffix after its end-of-image marker) with
# Idempotency-Keys, retrying on every error, then polls each job until it is terminal. Meanwhile:
#   - a random worker is kill -9'ed and restarted every 2-5 s, until every upload is accepted;
#   - Redis is kill -9'ed once (CHAOS_REDIS_AT s after the start, default 8) and restarted on its AOF;
#   - the gateway is kill -9'ed once (CHAOS_GATEWAY_AT s, default 16) and restarted.
# The gateway runs with ROOST_STALE_AFTER=10 and ROOST_JANITOR_INTERVAL=2, so jobs Redis lost are
# queued again from their kept originals within ~12 s.
# Prints accepted, terminal, succeeded, lost (accepted, never terminal), duplicated and times.
# "duplicated": upload keys that got two different job ids, plus jobs with more than one row per
# idempotency key in SQLite, plus jobs whose terminal state or result changed after a client saw it
# terminal. Everything started here is stopped on exit. Figures go in docs/RELIABILITY.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${1:-10000}"
clients="${2:-8}"
redis_at="${CHAOS_REDIS_AT:-8}"
gateway_at="${CHAOS_GATEWAY_AT:-16}"
bin="$root/.build/release"
python="$root/.venv-verify/bin/python3"; [ -x "$python" ] || python=python3
for b in roost-gateway roost-worker; do [ -x "$bin/$b" ] || { echo "missing $bin/$b: swift build -c release" >&2; exit 1; }; done
work="$(mktemp -d /tmp/roost-chaos.XXXXXX)"
mkdir -p "$work/redis" "$work/data" "$work/out"
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port="$(free_port)"; http_port="$(free_port)"
export ROOST_REDIS_URL="redis://127.0.0.1:$redis_port" ROOST_HTTP_PORT="$http_port" ROOST_HTTP_HOST=127.0.0.1 \
       ROOST_DATA_DIR="$work/data" ROOST_LOG_LEVEL=warning ROOST_STALE_AFTER=10 ROOST_JANITOR_INTERVAL=2 \
       ROOST_WORKER_KINDS=probe ROOST_MAX_DEPTH_INTERACTIVE=0
declare -a workers
redis_pid=""; gateway_pid=""; clients_pid=""
cleanup() {
  for p in "${workers[@]:-}" "$gateway_pid" "$redis_pid" "$clients_pid"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${CHAOS_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync everysec \
    --save "" --daemonize no --logfile "$work/redis.log" &
  redis_pid=$!
  until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
}
start_gateway() {
  "$bin/roost-gateway" >>"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  until curl -fs "http://127.0.0.1:$http_port/heartbeat" >/dev/null 2>&1; do sleep 0.1; done
}
start_worker() { ROOST_WORKER_ID="chaos-w$1" "$bin/roost-worker" >>"$work/worker-$1.log" 2>&1 & workers[$1]=$!; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start_redis; start_gateway
for i in 0 1 2; do start_worker "$i"; done
t0="$(now)"
"$python" bench/chaos.d/clients.py "$http_port" "$jobs" "$clients" "$root/.cache/fixtures/pixel-1x1.jpg" "$work/out" &
clients_pid=$!
redis_done=""; gateway_done=""; worker_kills=0; last_fault="$t0"
while [ ! -e "$work/out/uploads.done" ] || [ -z "$redis_done" ] || [ -z "$gateway_done" ]; do
  sleep "$(( RANDOM % 4 + 2 ))"
  t="$(elapsed "$t0" "$(now)")"
  if [ -z "$redis_done" ] && awk -v t="$t" -v a="$redis_at" 'BEGIN { exit !(t >= a) }'; then
    kill -9 "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; start_redis; redis_done="$t"; last_fault="$(now)"
    echo "t=${t}s redis killed -9 and restarted (AOF)"
  elif [ -z "$gateway_done" ] && awk -v t="$t" -v a="$gateway_at" 'BEGIN { exit !(t >= a) }'; then
    kill -9 "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; start_gateway; gateway_done="$t"; last_fault="$(now)"
    echo "t=${t}s gateway killed -9 and restarted"
  elif [ ! -e "$work/out/uploads.done" ]; then
    w=$(( RANDOM % 3 )); kill -9 "${workers[$w]}"; wait "${workers[$w]}" 2>/dev/null || true; start_worker "$w"
    worker_kills=$(( worker_kills + 1 )); last_fault="$(now)"
  fi
done
uploaded="$(now)"
echo "uploads accepted after $(elapsed "$t0" "$uploaded") s; $worker_kills worker kills; waiting for every job to finish"
wait "$clients_pid" || true; clients_pid=""
done_at="$(now)"
read -r retries mismatched flipped < "$work/out/clients.done"
accepted=$(wc -l < "$work/out/accepted.tsv")
terminal=$(awk -F'\t' '$2 ~ /^(succeeded|failed|dead|cancelled)$/' "$work/out/final.tsv" | wc -l)
succeeded=$(awk -F'\t' '$2 == "succeeded"' "$work/out/final.tsv" | wc -l)
db="$work/data/roost.sqlite"
rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM jobs WHERE idempotency_key LIKE 'chaos-%'")
dup_rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM (SELECT idempotency_key FROM jobs WHERE idempotency_key LIKE 'chaos-%' GROUP BY idempotency_key HAVING COUNT(*) > 1)")
last_finish=$(sqlite3 "$db" "SELECT MAX(finished_at) FROM jobs WHERE idempotency_key LIKE 'chaos-%'")
last_fault_s=$(awk -v t="$last_fault" 'BEGIN { printf "%.3f", t }')
requeued=$(grep -c 're-enqueued from its original' "$work/gateway.log" || true)
echo "accepted:     $accepted (SQLite rows $rows; client retries $retries)"
echo "terminal:     $terminal"
echo "succeeded:    $succeeded"
echo "lost:         $(( accepted - terminal ))"
echo "duplicated:   $(( mismatched + dup_rows + flipped )) (keys with two ids $mismatched, keys with two rows $dup_rows, results changed after terminal $flipped)"
echo "re-enqueued:  $requeued (jobs Redis lost, queued again from their originals)"
echo "elapsed:      $(elapsed "$t0" "$done_at") s (uploads $(elapsed "$t0" "$uploaded") s; clients saw every job terminal $(elapsed "$last_fault" "$done_at") s after the last fault)"
echo "last finish:  $(elapsed "$last_fault_s" "$last_finish") s after the last fault (SQLite MAX(finished_at))"
