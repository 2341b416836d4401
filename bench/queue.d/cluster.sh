# Sourced by bench/queue.sh when BENCH_CLUSTER=1: a private Redis Cluster instead of one Redis —
# three masters and three replicas on free loopback ports, made with `redis-cli --cluster create`,
# no persistence. Defines what queue.sh uses for one Redis: $port (a seed), rcli (follows
# redirections), flush_all (every master), redis_cpu (every node), plus lane_master_cpu (the
# master holding the interactive lane's slot), masters_cpu (each master) and cluster_ports. Appends the server pids to $pids.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cluster_ports=()
for _ in $(seq 6); do cluster_ports+=("$(free_port)"); done
for p in "${cluster_ports[@]}"; do
    mkdir -p "$work/node-$p"
    # The bus port is chosen too (by default port + 10000, past 65535 for many free ports); replicas
    # sync at once instead of after 5 s.
    redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes --cluster-enabled yes \
        --cluster-port "$(free_port)" --cluster-config-file nodes.conf --cluster-node-timeout 2000 --repl-diskless-sync-delay 0 \
        --logfile "$work/node-$p/redis.log" --dir "$work/node-$p" &
    pids+=($!)
done
for p in "${cluster_ports[@]}"; do
    for _ in $(seq 100); do [ "$(redis-cli -p "$p" ping 2>/dev/null)" = PONG ] && break; sleep 0.05; done
done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${cluster_ports[@]}") --cluster-replicas 1 --cluster-yes > "$work/create.log" 2>&1 ||
    { log "redis-cli --cluster create failed: $(tail -5 "$work/create.log")"; exit 1; }
for _ in $(seq 200); do
    ok=0
    for p in "${cluster_ports[@]}"; do redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' && ok=$((ok + 1)); done
    [ "$ok" = 6 ] && break
    sleep 0.05
done
[ "$ok" = 6 ] || { log "the cluster did not become ready"; exit 1; }
port="${cluster_ports[0]}"
rcli() { redis-cli -c -h 127.0.0.1 -p "$port" "$@"; }
masters() { redis-cli -p "$port" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "[:@]"); print a[2] }'; }
flush_all() { for p in $(masters); do redis-cli -p "$p" flushall >/dev/null; done; }
node_cpu() { redis-cli -p "$1" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s }'; }
redis_cpu() { local p s=0; for p in "${cluster_ports[@]}"; do s=$(python3 -c "print($s + $(node_cpu "$p"))"); done; echo "$s"; }
lane_port() {  # the master serving the interactive lane's slot
    local slot; slot=$(redis-cli -p "$port" cluster keyslot 'roost:interactive')
    redis-cli -p "$port" cluster nodes | awk -v s="$slot" '$3 ~ /master/ { split($2, a, "[:@]");
        for (i = 9; i <= NF; i++) { n = split($i, r, "-"); lo = r[1]; hi = (n > 1 ? r[2] : r[1]); if (s >= lo && s <= hi) print a[2] } }'
}
lane_master_cpu() { node_cpu "$(lane_port)"; }
# Every master's CPU seconds so far, in a fixed order (the masters at start-up), space-separated.
initial_masters=$(masters | sort -n)
masters_cpu() { local p; for p in $initial_masters; do printf '%s ' "$(node_cpu "$p")"; done; }
export ROOST_REDIS_URL="redis+cluster://$(printf '127.0.0.1:%s,' "${cluster_ports[@]}" | sed 's/,$//')"
