"""bench/peers.sh's driver: Roost's whole classify path beside the Celery service a Python team would
build instead (bench/peers.d/peer_tasks.py), same photos, same client shape, alternating rounds, each
round on fresh private processes and a fresh redis-server.

- Roost: `workers` roost-workers (`--roost-threads` each) and a gateway, result cache off;
  `clients` keep-alive HTTP clients (threads of this process) `POST /jobs/classify` then long-poll
  until the job ended (bench/lib/roost_cluster.py, as bench/e2e.sh does).
- Celery: `workers` `--pool solo` workers, then one `--pool prefork --concurrency workers` worker;
  `clients` client processes (Celery's result consumer is not thread-safe) each `apply_async` the
  photo's bytes and wait for the result from the Redis backend.
Every client runs one job first (connections made, models loaded), then all start together.

Prints per stack the medians over rounds of photos/s, p50/p99 upload->result latency and CPU per
photo by process group (user + system from /proc; the Celery clients' from getrusage), the top-1
agreement per photo and, last, `photos/s ratio Roost/Celery: X.XX` against the best Celery pool.
"""
import multiprocessing, os, pathlib, queue, resource, shutil, statistics, subprocess, sys, tempfile, time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))
from roost_cluster import Cluster, bench_arguments, cpu, free_port, http_clients, percentile_ms, process_tree, start_redis  # noqa: E402

GROUPS = ("workers", "redis", "gateway", "client")


def roost_round(args, work, bodies, bin):
    c = Cluster(work, "classify", bin=bin, models=args.models, workers=args.workers, threads=args.roost_threads,
                log_level=args.log_level)
    try:
        http_clients(c.http_port, "classify", bodies, args.clients, args.clients, args.key)   # warm-up: one job per client
        before = {k: cpu(v) for k, v in c.groups().items()}
        client = time.process_time()
        elapsed, done, errors = http_clients(c.http_port, "classify", bodies, args.jobs, args.clients, args.key)
        client = time.process_time() - client
        after = {k: cpu(v) for k, v in c.groups().items()}
    finally:
        c.stop()
    used = {k: after[k] - before[k] for k in before}
    used["client"] = client
    top1 = [(photo, status["result"]["top"][0]["index"]) for photo, _, _, status in done if status.get("state") == "succeeded"]
    return summary(elapsed, [d[2] for d in done], used, top1, errors)


def celery_client(number, photos, redis_url, jobs, counter, ready, go, results):
    """One Celery client process: a warm-up job, then jobs from the shared counter until none are left."""
    os.environ["PEERS_REDIS_URL"] = redis_url
    sys.path.insert(0, str(HERE))
    from peer_tasks import classify
    bodies = [open(p, "rb").read() for p in photos]
    classify.apply_async((bodies[number % len(bodies)],)).get(timeout=300)
    ready.put(number)
    go.wait()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    done = []
    while True:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        if i >= jobs: break
        t0 = time.perf_counter()
        top = classify.apply_async((bodies[i % len(bodies)],)).get(timeout=120)
        done.append((i % len(bodies), time.perf_counter() - t0, top))
    end = resource.getrusage(resource.RUSAGE_SELF)
    results.put((done, end.ru_utime + end.ru_stime - usage.ru_utime - usage.ru_stime))


def celery_round(args, work, pool):
    folder = tempfile.mkdtemp(dir=work)
    port, procs = free_port(), []

    def start(argv, name, env=None):
        log = open(os.path.join(folder, name + ".log"), "wb")
        procs.append(subprocess.Popen(argv, env=env, stdout=log, stderr=log))
        return procs[-1]

    try:
        redis = start_redis(port, folder, start)
        url = f"redis://127.0.0.1:{port}/0"
        # C_FORCE_ROOT: Celery refuses pickled messages as root; this bench's Redis is private to it.
        env = dict(os.environ, C_FORCE_ROOT="1", PEERS_REDIS_URL=url, PEERS_MODEL=os.path.join(args.models, "mobilenet_v2.onnx"), PYTHONPATH=str(HERE))
        worker = [sys.executable, "-m", "celery", "-A", "peer_tasks", "worker", "--loglevel", "warning",
                  "--without-heartbeat", "--without-gossip", "--without-mingle"]
        if pool == "solo":
            workers = [start(worker + ["--pool", "solo", "-n", f"solo{i}@peers"], f"worker{i}", env) for i in range(args.workers)]
        else:
            workers = [start(worker + ["--pool", "prefork", "--concurrency", str(args.workers), "-n", "prefork@peers"], "worker", env)]
        spawn = multiprocessing.get_context("spawn")
        counter, ready, go, results = spawn.Value("l", 0), spawn.Queue(), spawn.Event(), spawn.Queue()
        clients = [spawn.Process(target=celery_client, args=(n, args.photos, url, args.jobs, counter, ready, go, results), daemon=True)
                   for n in range(args.clients)]
        for c in clients: c.start()
        deadline = time.time() + 300
        for _ in clients:
            while True:
                dead = [w for w in workers if w.poll() is not None] + [c for c in clients if c.exitcode is not None]
                if dead or time.time() > deadline:
                    raise SystemExit(f"celery {pool}: a worker or client stopped or nothing answered (logs in {folder})")
                try:
                    ready.get(timeout=0.5)
                    break
                except queue.Empty:
                    pass
        groups = {"redis": [redis.pid], "workers": [p for w in workers for p in process_tree(w.pid)]}
        before = {k: cpu(v) for k, v in groups.items()}
        start_time = time.perf_counter()
        go.set()
        outcomes = [results.get(timeout=600) for _ in clients]
        elapsed = time.perf_counter() - start_time
        after = {k: cpu(v) for k, v in groups.items()}
        for c in clients: c.join()
    finally:
        for p in reversed(procs): p.terminate()
        for p in procs:
            try: p.wait(timeout=30)
            except subprocess.TimeoutExpired: p.kill()
    done = [d for o in outcomes for d in o[0]]
    used = {k: after[k] - before[k] for k in before}
    used["client"] = sum(o[1] for o in outcomes)
    return summary(elapsed, [d[1] for d in done], used, [(d[0], d[2]) for d in done], [])


def summary(elapsed, latencies, used, top1, errors):
    n = max(1, len(latencies))
    return {"rate": len(latencies) / elapsed, "p50": percentile_ms(latencies, 50), "p99": percentile_ms(latencies, 99),
            "cpu": {k: used.get(k, 0.0) * 1000 / n for k in GROUPS}, "top1": top1, "errors": errors}


def main():
    ap = bench_arguments("peers-bench")
    ap.add_argument("--roost-threads", type=int, default=1)
    ap.add_argument("--baseline-bin", help="also run Roost from these binaries (an older build), as one more stack")
    args = ap.parse_args()
    bodies = [open(p, "rb").read() for p in args.photos]
    work = tempfile.mkdtemp(prefix="roost-peers.")
    stacks = {f"Roost ({args.workers} workers x {args.roost_threads} thread)": lambda: roost_round(args, work, bodies, args.bin),
              f"Celery --pool solo x {args.workers}": lambda: celery_round(args, work, "solo"),
              f"Celery --pool prefork -c {args.workers}": lambda: celery_round(args, work, "prefork")}
    if args.baseline_bin:
        stacks["Roost, baseline binaries"] = lambda: roost_round(args, work, bodies, args.baseline_bin)
    rows = {name: [] for name in stacks}
    try:
        for r in range(args.rounds):   # interleaved, so drift on this machine hits every stack alike
            for name, run in stacks.items():
                rows[name].append(run())
                x = rows[name][-1]
                print(f"  round {r + 1}: {name}: {x['rate']:.1f} photos/s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(name, f): return statistics.median(f(x) for x in rows[name])
    kb = sum(map(len, bodies)) / len(bodies) / 1024
    print(f"  {args.jobs} classify jobs x {args.rounds} rounds, {len(bodies)} photos (mean {kb:.0f} KB), {args.clients} clients, "
          f"{args.workers} workers; medians over rounds")
    print(f"  {'stack':<34}{'photos/s':>9}{'p50 ms':>9}{'p99 ms':>9}   CPU ms per photo: workers / redis / gateway / client  (total, client excluded)")
    totals = {}
    for name in stacks:
        c = {k: med(name, lambda x, k=k: x["cpu"][k]) for k in GROUPS}
        totals[name] = c["workers"] + c["redis"] + c["gateway"]
        print(f"  {name:<34}{med(name, lambda x: x['rate']):9.1f}{med(name, lambda x: x['p50']):9.1f}{med(name, lambda x: x['p99']):9.1f}"
              f"   {c['workers']:.2f} / {c['redis']:.2f} / {c['gateway']:.2f} / {c['client']:.2f}  ({totals[name]:.2f})")
    roost, celeries = list(stacks)[0], [name for name in stacks if name.startswith("Celery")]
    errors = sum(len(x["errors"]) for x in rows[roost])
    if errors: print(f"  Roost errors: {errors} (first: {next(x['errors'][:3] for x in rows[roost] if x['errors'])})")

    def answers(name): return {photo: top for x in rows[name] for photo, top in x["top1"]}
    ours, theirs = answers(roost), answers(celeries[0])
    agree = sum(1 for p in ours if theirs.get(p) == ours[p])
    differ = [f"{pathlib.Path(args.photos[p]).name} ({ours[p]} vs {theirs.get(p)})" for p in sorted(ours) if theirs.get(p) != ours[p]]
    print(f"  top-1 agreement Roost/Celery: {agree} of {len(ours)} photos" + (f"; differ: {', '.join(differ)}" if differ else ""))
    best = max(celeries, key=lambda name: med(name, lambda x: x["rate"]))
    print(f"  total CPU per photo (client excluded) Roost/{best}: {totals[roost] / totals[best]:.2f}")
    print(f"photos/s ratio Roost/Celery: {med(roost, lambda x: x['rate']) / med(best, lambda x: x['rate']):.2f}")


if __name__ == "__main__":
    main()
