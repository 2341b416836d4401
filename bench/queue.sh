#!/usr/bin/env bash
# Queue benchmark: Roost's enqueue rate, processing rate and enqueue→done latency beside Redis's
# raw XADD rate and Sidekiq, on one private Redis, in one run.
#
#   bench/queue.sh [ROUNDS]          # ROUNDS of every measurement (default 3); the table shows medians
#
# Settings (environment): BENCH_WORKER_BIN (a roost-worker binary to measure instead of building
# this tree's, e.g. an older build kept for an A/B run), BENCH_JOBS (20000 no-op jobs), BENCH_PREFETCH (Roost worker prefetch, 64),
# BENCH_RATE / BENCH_SECONDS (latency load: 1000 jobs/s for 5 s), BENCH_LIMIT (whole-run bound,
# 900 s), BENCH_SKIP_SIDEKIQ=1 (Roost and Redis only), BENCH_CLUSTER=1 (Roost on a private Redis
# Cluster of 3 masters + 3 replicas instead of one Redis: enqueue, processing and latency only — no
# raw XADD, no Sidekiq, which does not run on a cluster — with Redis CPU per job for all six nodes
# and for the master of the lane's slot, and a check that every job succeeded exactly once),
# BENCH_SHARDS (ROOST_QUEUE_SHARDS for every process, default 1: with BENCH_CLUSTER=1 the lane's
# shards spread over the masters, and the table adds the busiest master's CPU per job).
#
# Per round, each on a FLUSHALLed redis-server started here on a free loopback port without persistence:
#   1. redis-benchmark XADD, 50 clients, unpipelined and -P 16;
#   2. Roost enqueue: `roost-worker bench-queue enqueue` (one `enqueue` script call per job), 1 and 4 clients;
#      Sidekiq enqueue: NoopJob.perform_async from one client;
#   3. processing: BENCH_JOBS queued and parked under another key, 2 `roost-worker` processes
#      (ROOST_WORKER_KINDS=noop, 1 and 2 threads) / 2 `sidekiq` processes (-c 1 and -c 2) started
#      and idle; `bench-queue drain` renames the queue into place and times it to empty (XLEN of
#      the lane stream / LLEN of queue:default);
#   4. latency: 2 Roost workers running, `bench-queue latency` at BENCH_RATE jobs/s.
# Everything started here is stopped on exit (trap). Record results in docs/PERFORMANCE.md (## Queue).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
jobs="${BENCH_JOBS:-20000}"
prefetch="${BENCH_PREFETCH:-64}"
rate="${BENCH_RATE:-1000}"
lat_seconds="${BENCH_SECONDS:-5}"
limit="${BENCH_LIMIT:-900}"
skip_sidekiq="${BENCH_SKIP_SIDEKIQ:-}"

work="$(mktemp -d /tmp/roost-bench-queue.XXXXXX)"
pids=()           # every process started here, stopped by cleanup
redis_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    [ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null || true
    for pid in "${pids[@]}" $redis_pid; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'echo "bench/queue.sh: interrupted" >&2; exit 130' INT TERM
# The whole run is bounded: a watchdog interrupts the script (and so runs cleanup) after $limit s.
# It is itself stopped by cleanup (its trap takes its sleep with it).
( trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep "$limit" & nap=$!; wait "$nap"
  echo "bench/queue.sh: over the ${limit} s limit, stopping" >&2; kill -TERM $$ ) &
pids+=($!)

log() { echo "bench/queue.sh: $*" >&2; }

# Build: incremental, with the flags `make test` uses, so nothing is rebuilt twice.
if [ -n "${BENCH_WORKER_BIN:-}" ]; then
    :
elif [ ! -x .build/release/roost-worker ] || [ "${BENCH_BUILD:-1}" = 1 ]; then
    log "building (swift build -c release -Xswiftc -enable-testing)"
    swift build -c release -Xswiftc -enable-testing --build-tests 2>&1 | grep -E "error|Build complete" >&2 || true
fi
worker="${BENCH_WORKER_BIN:-$root/.build/release/roost-worker}"
[ -x "$worker" ] || { log "no $worker after the build"; exit 1; }
cluster="${BENCH_CLUSTER:-}"
[ -z "$cluster" ] || skip_sidekiq=1
if [ -z "$skip_sidekiq" ] && ! command -v sidekiq >/dev/null; then
    log "installing ruby-sidekiq from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q ruby-sidekiq >&2 || { log "cannot install Sidekiq: skipping it"; skip_sidekiq=1; }
fi

if [ -n "$cluster" ]; then
    # shellcheck source=bench/queue.d/cluster.sh
    . bench/queue.d/cluster.sh
else
    # A private Redis on a free loopback port, no persistence.
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes \
        --logfile "$work/redis.log" --dir "$work" &
    redis_pid=$!
    rcli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
    for _ in $(seq 100); do [ "$(rcli ping 2>/dev/null)" = PONG ] && break; sleep 0.05; done
    [ "$(rcli ping)" = PONG ] || { log "redis-server did not start"; exit 1; }
    flush_all() { rcli flushall >/dev/null; }
    export ROOST_REDIS_URL="redis://127.0.0.1:$port"
fi
export REDIS_URL="redis://127.0.0.1:$port"
# 20,000 queued jobs exceed the interactive lane's default depth limit (10,000): lift it here.
export ROOST_MAX_DEPTH_INTERACTIVE=0 ROOST_LOG_LEVEL=warning ROOST_DRAIN_TIMEOUT=10
shards="${BENCH_SHARDS:-1}"
export ROOST_QUEUE_SHARDS="$shards"
# The interactive lane's partitions' hash-tagged bases (shard 0 keeps the one-shard keys).
lane_bases=('roost:{roost:interactive}')
for s in $(seq 1 $((shards - 1))); do lane_bases+=("roost:{roost:interactive:$s}"); done
# The noop kind's streams of the interactive lane, comma-separated.
lane_stream=$(printf '%s:jobs:noop,' "${lane_bases[@]}" | sed 's/,$//')
results="$work/results.tsv"

record() { printf '%s\t%s\n' "$1" "$2" >> "$results"; }
json_field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }

# Starts N background processes of "$@" (with per-process log files), leaving their pids in $group.
start_group() {
    local count=$1 name=$2; shift 2
    group=()
    for i in $(seq "$count"); do
        "$@" > "$work/$name-$i.log" 2>&1 &
        group+=($!); pids+=($!)
    done
}
stop_group() {
    for pid in "${group[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${group[@]}"; do wait "$pid" 2>/dev/null || true; done
}

raw_xadd() {  # $1: extra redis-benchmark options
    flush_all
    # shellcheck disable=SC2086
    redis-benchmark -h 127.0.0.1 -p "$port" -n 200000 -q $1 XADD benchstream '*' f v 2>/dev/null |
        tr '\r' '\n' | grep -oE '[0-9.]+ requests per second' | tail -1 | cut -d' ' -f1
}

# CPU seconds used so far by the processes in $group (utime + stime from /proc) and by Redis.
group_cpu() {
    local ticks=0 pid
    for pid in "${group[@]}"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    python3 -c "print($ticks / $(getconf CLK_TCK))"
}
[ -n "$cluster" ] || redis_cpu() { rcli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s }'; }

# Processing: the queue ($jobs jobs) is parked under another key, 2 processes of "$@" start and
# register ($registry: a set each process joins at start-up), then `bench-queue drain` renames
# the queue into place and times it until empty, so start-up time is left out for every system.
# Records LABEL (jobs/s) and LABEL_cpu_us: CPU microseconds per job of Redis + the workers during
# the drain, a figure that other load on the machine disturbs far less than the rate.
drain_run() {  # $1: label, $2: key, $3: xlen|llen, $4: registry set, rest: worker command
    local label=$1 key=$2 type=$3 registry=$4; shift 4
    local one parked=""
    for one in ${key//,/ }; do rcli rename "$one" "$one:parked" >/dev/null; parked+="$one:parked,"; done
    parked=${parked%,}
    start_group 2 drain "$@"
    for _ in $(seq 300); do [ "$(rcli scard "$registry")" -ge 2 ] && break; sleep 0.05; done
    [ "$(rcli scard "$registry")" -ge 2 ] || { stop_group; log "workers did not register in $registry"; return 1; }
    sleep 0.5  # let every fetcher reach its blocking read
    local workers_before redis_before lane_before=0 masters_before=""
    workers_before=$(group_cpu); redis_before=$(redis_cpu)
    [ -z "$cluster" ] || { lane_before=$(lane_master_cpu); masters_before=$(masters_cpu); }
    if ! "$worker" bench-queue drain --total "$jobs" --key "$key" --parked "$parked" --type "$type" \
            --timeout 120 > "$work/drain.json"; then
        stop_group; log "drain of $key failed"; return 1
    fi
    local workers_after redis_after
    workers_after=$(group_cpu); redis_after=$(redis_cpu)
    if [ -n "$cluster" ]; then
        record "${label}_lane_master_cpu_us" "$(python3 -c "print(($(lane_master_cpu) - $lane_before) * 1e6 / $jobs)")"
        record "${label}_busiest_master_cpu_us" "$(python3 -c "
a, b = '$masters_before'.split(), '$(masters_cpu)'.split()
print(max(float(y) - float(x) for x, y in zip(a, b)) * 1e6 / $jobs)")"
    fi
    stop_group
    record "$label" "$(json_field jobs_per_s < "$work/drain.json")"
    record "${label}_cpu_us" "$(python3 -c "print(($workers_after - $workers_before + $redis_after - $redis_before) * 1e6 / $jobs)")"
    record "${label}_redis_cpu_us" "$(python3 -c "print(($redis_after - $redis_before) * 1e6 / $jobs)")"
}

# `exec` so the pid start_group keeps is the worker itself, which SIGTERM drains.
roost_worker() { exec env ROOST_WORKER_KINDS=noop ROOST_WORKER_THREADS="$threads" ROOST_WORKER_PREFETCH="$prefetch" "$worker"; }

log "$(date -u +%FT%TZ): $rounds rounds, $jobs jobs, prefetch $prefetch, redis $(redis-server --version | grep -oE 'v=[0-9.]+'), port $port"
for round in $(seq "$rounds"); do
    log "round $round/$rounds"
    if [ -z "$cluster" ]; then
        record raw_xadd "$(raw_xadd "")"
        record raw_xadd_p16 "$(raw_xadd "-P 16")"
    fi

    flush_all
    record roost_enqueue_1 "$("$worker" bench-queue enqueue --jobs "$jobs" --clients 1 | json_field jobs_per_s)"
    flush_all
    record roost_enqueue_4 "$("$worker" bench-queue enqueue --jobs "$jobs" --clients 4 | json_field jobs_per_s)"

    for threads in 1 2; do
        flush_all
        "$worker" bench-queue enqueue --jobs "$jobs" --clients 4 > /dev/null
        drain_run "roost_process_t$threads" "$lane_stream" xlen roost:workers roost_worker || true
        # Correctness: every job succeeded once (the lane's counters), none retried or dead.
        succeeded=0 others=0
        for base in "${lane_bases[@]}"; do
            succeeded=$((succeeded + $(rcli hget "$base:stats" succeeded:noop | grep -E '^[0-9]+$' || echo 0)))
            others=$((others + $(rcli hgetall "$base:stats" | grep -cE '^(retried|dead|failed):' || true)))
        done
        record "roost_process_t${threads}_correct" "$([ "${succeeded:-0}" = "$jobs" ] && [ "$others" = 0 ] && echo 1 || echo 0)"
    done

    flush_all
    threads=1
    start_group 2 latency roost_worker
    for _ in $(seq 100); do [ "$(rcli scard roost:workers)" -ge 2 ] && break; sleep 0.05; done
    "$worker" bench-queue latency --rate "$rate" --seconds "$lat_seconds" --timeout 60 > "$work/latency.json"
    stop_group
    record roost_p50_ms "$(json_field p50_ms < "$work/latency.json")"
    record roost_p99_ms "$(json_field p99_ms < "$work/latency.json")"

    if [ -z "$skip_sidekiq" ]; then
        flush_all
        record sidekiq_enqueue_1 "$(ruby bench/queue.d/push.rb "$jobs" single | json_field jobs_per_s)"
        for threads in 1 2; do
            flush_all
            ruby bench/queue.d/push.rb "$jobs" bulk > /dev/null
            drain_run "sidekiq_process_t$threads" queue:default llen processes \
                sidekiq -c "$threads" -t 2 -q default -r "$root/bench/queue.d/noop_job.rb" || true
        done
    fi
done

echo "bench/queue.sh: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
     "redis $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-), sidekiq $( [ -z "$skip_sidekiq" ] && ruby -e 'require "sidekiq"; print Sidekiq::VERSION' || echo skipped)," \
     "$jobs jobs, 2 worker processes, prefetch $prefetch, $shards shard(s) per lane, medians of $rounds rounds"
python3 bench/queue.d/table.py "$results"
