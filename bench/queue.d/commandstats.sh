#!/usr/bin/env bash
# Redis's work per processed job, by command: one drain as bench/queue.sh measures it (20,000 no-op
# jobs queued by 4 clients, parked, then drained by 2 worker processes × 1 thread, prefetch 64), on
# a private redis-server, with `CONFIG RESETSTAT` before the drain; prints Redis CPU per job
# (`INFO cpu`) and `INFO commandstats` per job (a command called from Lua counts on its own line
# and inside `evalsha`). Compare two builds by alternating them in the same hour:
#
#   bench/queue.d/commandstats.sh .build/release/roost-worker [JOBS]
#   PERF=1 bench/queue.d/commandstats.sh …   # also `perf record` Redis during the drain (perf.data here)
set -euo pipefail
bin=$1; jobs=${2:-20000}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/roost-commandstats.XXXXXX)
redis-server --port $port --bind 127.0.0.1 --save '' --appendonly no --logfile $dir/redis.log --dir $dir & rpid=$!
trap 'kill $rpid ${w1:-} ${w2:-} 2>/dev/null; wait 2>/dev/null; rm -rf $dir' EXIT
for _ in $(seq 100); do [ "$(redis-cli -p $port ping 2>/dev/null)" = PONG ] && break; sleep 0.05; done
export ROOST_REDIS_URL=redis://127.0.0.1:$port ROOST_MAX_DEPTH_INTERACTIVE=0 ROOST_LOG_LEVEL=warning ROOST_DRAIN_TIMEOUT=10
key='roost:{roost:interactive}:jobs:noop'
$bin bench-queue enqueue --jobs $jobs --clients 4 >/dev/null
redis-cli -p $port rename "$key" "$key:parked" >/dev/null
ROOST_WORKER_KINDS=noop ROOST_WORKER_THREADS=1 ROOST_WORKER_PREFETCH=64 $bin > $dir/w1.log 2>&1 & w1=$!
ROOST_WORKER_KINDS=noop ROOST_WORKER_THREADS=1 ROOST_WORKER_PREFETCH=64 $bin > $dir/w2.log 2>&1 & w2=$!
for _ in $(seq 300); do [ "$(redis-cli -p $port scard roost:workers)" -ge 2 ] && break; sleep 0.05; done
sleep 0.5
redis-cli -p $port config resetstat >/dev/null
cpu() { redis-cli -p $port info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s }'; }
c0=$(cpu)
if [ -n "${PERF:-}" ]; then perf record -F 4000 -g -o perf.data -p $rpid 2>/dev/null & ppid=$!; sleep 0.3; fi
$bin bench-queue drain --total $jobs --key "$key" --parked "$key:parked" --type xlen --timeout 120 > $dir/drain.json
c1=$(cpu)
if [ -n "${PERF:-}" ]; then kill -INT $ppid; wait $ppid 2>/dev/null || true; fi
python3 - "$c0" "$c1" "$jobs" "$dir/drain.json" <<'PY'
import sys, json
c0, c1, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
d = json.loads(open(sys.argv[4]).read().strip().splitlines()[-1])
print("redis cpu %.2f us/job, %s jobs/s" % ((c1 - c0) * 1e6 / n, d["jobs_per_s"]))
PY
redis-cli -p $port info commandstats | tr -d '\r' | python3 -c "
import sys
n = $jobs
rows = []
for line in sys.stdin:
    if not line.startswith('cmdstat_'): continue
    name, rest = line[8:].strip().split(':', 1)
    f = dict(x.split('=') for x in rest.split(','))
    rows.append((int(f['usec']) / n, int(f['calls']) / n, name))
for us, calls, name in sorted(rows, reverse=True):
    if us >= 0.02: print('   %-14s %6.2f us/job  %6.3f calls/job' % (name, us, calls))
"
echo "succeeded: $(redis-cli -p $port hget 'roost:{roost:interactive}:stats' succeeded:noop), xlen $(redis-cli -p $port xlen $key)"
