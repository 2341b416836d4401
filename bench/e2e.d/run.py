"""bench/e2e.sh's driver: the whole path (HTTP upload -> queue -> worker -> result -> client) beside
the workers alone (jobs written straight into Redis: no HTTP, no gateway, no ingester), for one job
kind, on private processes started here. Prints one block of figures per kind.

CPU is read from /proc/<pid>/stat (user + system) of each process group before and after a phase.
"""
import argparse, http.client, json, os, socket, statistics, subprocess, sys, tempfile, threading, time

TICK = os.sysconf("SC_CLK_TCK")


def cpu(pids):
    total = 0.0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def redis_call(port, *args):
    """One command over RESP; returns the parsed reply (ints, bytes, lists, None)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        out = f"*{len(args)}\r\n".encode()
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += f"${len(a)}\r\n".encode() + a + b"\r\n"
        s.sendall(out)
        f = s.makefile("rb")

        def read():
            line = f.readline()
            kind, rest = line[:1], line[1:-2]
            if kind == b"+": return rest
            if kind == b"-": raise RuntimeError(rest.decode())
            if kind == b":": return int(rest)
            if kind == b"$":
                n = int(rest)
                if n < 0: return None
                data = f.read(n + 2)[:-2]
                return data
            if kind == b"*":
                n = int(rest)
                return None if n < 0 else [read() for _ in range(n)]
            raise RuntimeError(f"bad reply {line!r}")
        return read()


class Cluster:
    def __init__(self, args, work, kind, gateway):
        self.args, self.kind, self.procs = args, kind, []
        self.redis_port, self.http_port = free_port(), free_port()
        self.data = tempfile.mkdtemp(dir=work)
        self.env = dict(os.environ, ROOST_REDIS_URL=f"redis://127.0.0.1:{self.redis_port}", ROOST_HTTP_PORT=str(self.http_port),
                        ROOST_HTTP_HOST="127.0.0.1", ROOST_DATA_DIR=self.data, ROOST_LOG_LEVEL=args.log_level,
                        ROOST_WORKER_KINDS=kind, ROOST_WORKER_THREADS=str(args.threads), ROOST_MODELS_DIR=args.models,
                        ROOST_MAX_DEPTH_INTERACTIVE="0", ROOST_RESULT_CACHE="off")
        self.redis = self.start(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", self.data, "--logfile", os.path.join(self.data, "redis.log")], "redis")
        deadline = time.time() + 30
        while True:
            try:
                if redis_call(self.redis_port, "PING") == b"PONG": break
            except OSError:
                pass
            if time.time() > deadline: raise SystemExit("redis did not start")
            time.sleep(0.05)
        self.gateway = self.start([os.path.join(args.bin, "roost-gateway")], "gateway") if gateway else None
        self.workers = [self.start([os.path.join(args.bin, "roost-worker")], f"worker{i}", ROOST_WORKER_ID=f"e2e-w{i}")
                        for i in range(args.workers)]
        deadline = time.time() + 120
        while redis_call(self.redis_port, "SCARD", "roost:workers") < args.workers:
            if time.time() > deadline: raise SystemExit("workers did not come up (models? see the logs in " + self.data + ")")
            time.sleep(0.05)
        if gateway:
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=2)
                    c.request("GET", "/heartbeat")
                    if c.getresponse().status == 200: break
                except OSError:
                    pass
                if time.time() > deadline: raise SystemExit("gateway did not come up")
                time.sleep(0.05)

    def start(self, argv, name, **extra):
        log = open(os.path.join(self.data, name + ".log"), "wb")
        p = subprocess.Popen(argv, env=dict(self.env, **extra), stdout=log, stderr=log)
        self.procs.append(p)
        return p

    def groups(self):
        g = {"redis": [self.redis.pid], "workers": [w.pid for w in self.workers]}
        if self.gateway: g["gateway"] = [self.gateway.pid]
        return g

    def done(self):
        stats = redis_call(self.redis_port, "HMGET", "roost:{roost:interactive}:stats", f"succeeded:{self.kind}", f"failed:{self.kind}")
        return sum(int(v) for v in stats if v), int(stats[1] or 0)

    def stop(self):
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try: p.wait(timeout=30)
            except subprocess.TimeoutExpired: p.kill()


def workers_alone(args, work, kind, photos):
    c = Cluster(args, work, kind, gateway=False)
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
    c = Cluster(args, work, kind, gateway=True)
    bodies = [open(p, "rb").read() for p in photos]
    lock = threading.Lock()
    counter = iter(range(args.jobs))
    latencies, uploads, errors = [], [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", c.http_port, timeout=120)
        while True:
            with lock:
                i = next(counter, None)
            if i is None: break
            body = bodies[i % len(bodies)]
            t0 = time.perf_counter()
            conn.request("POST", f"/jobs/{kind}", body=body, headers={"Content-Type": "image/jpeg", "X-Api-Key": args.key})
            r = conn.getresponse()
            data = r.read()
            t1 = time.perf_counter()
            if r.status not in (200, 202):
                with lock: errors.append((r.status, data[:200]))
                continue
            job = json.loads(data)["id"]
            state = None
            while state not in ("succeeded", "failed", "dead", "cancelled"):
                conn.request("GET", f"/jobs/{job}?wait=30", headers={"X-Api-Key": args.key})
                r = conn.getresponse()
                state = json.loads(r.read()).get("state")
            t2 = time.perf_counter()
            with lock:
                uploads.append(t1 - t0)
                latencies.append(t2 - t0)
                if state != "succeeded": errors.append((state, job))
        conn.close()

    try:
        before = {k: cpu(v) for k, v in c.groups().items()}
        start = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads: t.start()
        for t in threads: t.join()
        elapsed = time.perf_counter() - start
        after = {k: cpu(v) for k, v in c.groups().items()}
    finally:
        c.stop()
    n = max(1, len(latencies))
    latencies.sort()
    return {"jobs_per_s": len(latencies) / elapsed, "errors": errors[:3], "error_count": len(errors),
            "p50_ms": latencies[n // 2] * 1000 if latencies else 0, "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if latencies else 0,
            "upload_p50_ms": sorted(uploads)[len(uploads) // 2] * 1000 if uploads else 0,
            "cpu_ms": {k: (after[k] - before[k]) * 1000 / n for k in before}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True)
    ap.add_argument("--jobs", type=int, default=600)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--log-level", default="info")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--key", default="e2e-bench")
    ap.add_argument("photos", nargs="+")
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


main()
