"""bench/e2e.sh's driver: the whole path (HTTP upload -> queue -> worker -> result -> client) beside
the workers alone (jobs written straight into Redis: no HTTP, no gateway, no ingester), for one job
kind, on private processes started here. Prints one block of figures per kind.

CPU is read from /proc/<pid>/stat (user + system) of each process group before and after a phase.
With BENCH_PERF=DIR, the whole-path phase is also recorded by `perf record -g` per process group
(DIR/gateway.data, redis.data, workers.data; the last round's).
"""
import os, pathlib, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from roost_cluster import Cluster, bench_arguments, cpu, http_clients, percentile_ms, start_perf, stop_perf  # noqa: E402


def cluster(args, work, kind, gateway):
    return Cluster(work, kind, bin=args.bin, models=args.models, workers=args.workers, threads=args.threads,
                   gateway=gateway, log_level=args.log_level)


def workers_alone(args, work, kind, photos):
    c = cluster(args, work, kind, gateway=False)
    try:
        before = {k: cpu(v) for k, v in c.groups().items()}
        start = time.perf_counter()
        argv = [os.path.join(args.bin, "roost-worker"), "bench-queue", "enqueue", "--kind", kind, "--jobs", str(args.jobs), "--clients", "2"]
        for p in photos: argv += ["--photo", p]
        subprocess.run(argv, env=c.env, check=True, stdout=subprocess.DEVNULL)
        deadline = time.time() + args.timeout
        while c.done()[0] < args.jobs:
            if time.time() > deadline: raise SystemExit(f"workers alone: {c.done()[0]} of {args.jobs} done")
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        after = {k: cpu(v) for k, v in c.groups().items()}
        failed = c.done()[1]
    finally:
        c.stop()
    return {"jobs_per_s": args.jobs / elapsed, "failed": failed,
            "cpu_ms": {k: (after[k] - before[k]) * 1000 / args.jobs for k in before}}


def whole_path(args, work, kind, photos):
    c = cluster(args, work, kind, gateway=True)
    bodies = [open(p, "rb").read() for p in photos]
    try:
        perf = start_perf(c.groups(), os.environ.get("BENCH_PERF"))
        before = {k: cpu(v) for k, v in c.groups().items()}
        elapsed, done, errors = http_clients(c.http_port, kind, bodies, args.jobs, args.clients, args.key)
        after = {k: cpu(v) for k, v in c.groups().items()}
        stop_perf(perf)
    finally:
        c.stop()
    n = max(1, len(done))
    latencies = [d[2] for d in done]
    return {"jobs_per_s": len(done) / elapsed, "errors": errors[:3], "error_count": len(errors),
            "p50_ms": percentile_ms(latencies, 50), "p99_ms": percentile_ms(latencies, 99),
            "upload_p50_ms": percentile_ms([d[1] for d in done], 50),
            "cpu_ms": {k: (after[k] - before[k]) * 1000 / n for k in before}}


def main():
    ap = bench_arguments("e2e-bench")
    ap.add_argument("--kind", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="roost-e2e.")
    alone, path = [], []
    for _ in range(args.rounds):   # interleaved, so drift hits both alike
        alone.append(workers_alone(args, work, args.kind, args.photos))
        path.append(whole_path(args, work, args.kind, args.photos))
    subprocess.run(["rm", "-rf", work])

    def med(rows, f): return statistics.median(f(r) for r in rows)
    a_rate, p_rate = med(alone, lambda r: r["jobs_per_s"]), med(path, lambda r: r["jobs_per_s"])
    a_cpu = {k: med(alone, lambda r, k=k: r["cpu_ms"][k]) for k in ("workers", "redis")}
    p_cpu = {k: med(path, lambda r, k=k: r["cpu_ms"][k]) for k in ("workers", "redis", "gateway")}
    a_total, p_total = sum(a_cpu.values()), sum(p_cpu.values())
    errors = sum(r["error_count"] for r in path) + sum(r["failed"] for r in alone)
    print(f"  {args.kind}: {args.jobs} jobs x {args.rounds} rounds, {args.workers} workers x {args.threads} thread(s), "
          f"{args.clients} keep-alive clients; medians" + (f"; {errors} errors (first: {next((r['errors'] for r in path if r['errors']), [])})" if errors else ""))
    print(f"  {'':<22}{'jobs/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'upload p50':>12}   CPU ms per job: workers / redis / gateway = total")
    print(f"  {'workers alone':<22}{a_rate:9.1f}{'':>9}{'':>9}{'':>12}   {a_cpu['workers']:.3f} / {a_cpu['redis']:.3f} / - = {a_total:.3f}")
    print(f"  {'whole path (HTTP)':<22}{p_rate:9.1f}{med(path, lambda r: r['p50_ms']):9.2f}{med(path, lambda r: r['p99_ms']):9.2f}"
          f"{med(path, lambda r: r['upload_p50_ms']):12.2f}   {p_cpu['workers']:.3f} / {p_cpu['redis']:.3f} / {p_cpu['gateway']:.3f} = {p_total:.3f}")
    print(f"  whole path / workers alone: CPU per job {p_total / a_total:.2f}x (+{(p_total / a_total - 1) * 100:.0f}%), jobs/s {p_rate / a_rate:.2f}x; "
          f"gateway {1000 / max(p_cpu['gateway'], 1e-9):,.0f} jobs per CPU-second (upload + its long-poll)")


if __name__ == "__main__":
    main()
