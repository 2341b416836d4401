"""The Python half of the private Roost clusters the end-to-end benchmarks start (bench/e2e.d,
bench/peers.d): fresh redis-server, roost-gateway and roost-worker processes on free loopback ports,
CPU read from /proc per process group, and the HTTP client that uploads a photo and long-polls its
job until it ended."""
import argparse, http.client, json, os, socket, subprocess, tempfile, threading, time

TICK = os.sysconf("SC_CLK_TCK")
TERMINAL = ("succeeded", "failed", "dead", "cancelled")


def process_tree(pid):
    """`pid` and all its descendants (read from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def cpu(pids):
    """Seconds of CPU (user + system) the processes `pids` have used so far (exited ones: 0)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
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


def start_redis(port, folder, start):
    """A redis-server without persistence on `port`, started with `start(argv, name)`; returns
    the process once it answers PING."""
    p = start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", folder, "--logfile", os.path.join(folder, "redis.log")], "redis")
    deadline = time.time() + 30
    while True:
        try:
            if redis_call(port, "PING") == b"PONG": return p
        except OSError:
            pass
        if time.time() > deadline: raise SystemExit("redis did not start")
        time.sleep(0.05)


class Cluster:
    """redis-server, `workers` roost-workers of `kind` (`threads` each) and, when `gateway`, a
    roost-gateway, all private to `work`; the result cache off so every job runs. `settings` adds
    or overrides ROOST_* variables."""

    def __init__(self, work, kind, *, bin, models, workers, threads=1, gateway=True, log_level="info", settings=None):
        self.kind, self.procs = kind, []
        self.redis_port, self.http_port = free_port(), free_port()
        self.data = tempfile.mkdtemp(dir=work)
        self.env = dict(os.environ, ROOST_REDIS_URL=f"redis://127.0.0.1:{self.redis_port}", ROOST_HTTP_PORT=str(self.http_port),
                        ROOST_HTTP_HOST="127.0.0.1", ROOST_DATA_DIR=self.data, ROOST_LOG_LEVEL=log_level,
                        ROOST_WORKER_KINDS=kind, ROOST_WORKER_THREADS=str(threads), ROOST_MODELS_DIR=models,
                        ROOST_MAX_DEPTH_INTERACTIVE="0", ROOST_RESULT_CACHE="off", **(settings or {}))
        self.redis = start_redis(self.redis_port, self.data, self.start)
        self.gateway = self.start([os.path.join(bin, "roost-gateway")], "gateway") if gateway else None
        self.workers = [self.start([os.path.join(bin, "roost-worker")], f"worker{i}", ROOST_WORKER_ID=f"bench-w{i}")
                        for i in range(workers)]
        deadline = time.time() + 120
        while redis_call(self.redis_port, "SCARD", "roost:workers") < workers:
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
        """Process ids by group: redis, workers and (when started) gateway."""
        g = {"redis": [self.redis.pid], "workers": [w.pid for w in self.workers]}
        if self.gateway: g["gateway"] = [self.gateway.pid]
        return g

    def done(self):
        """(finished, failed) jobs of the cluster's kind on the interactive lane."""
        stats = redis_call(self.redis_port, "HMGET", "roost:{roost:interactive}:stats", f"succeeded:{self.kind}", f"failed:{self.kind}")
        return sum(int(v) for v in stats if v), int(stats[1] or 0)

    def stop(self):
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try: p.wait(timeout=30)
            except subprocess.TimeoutExpired: p.kill()


def http_clients(port, kind, bodies, jobs, clients, key, timeout=120):
    """`clients` keep-alive HTTP clients share `jobs` uploads (job i posts `bodies[i % len]` as a raw
    `image/jpeg` body to `POST /jobs/{kind}`, then `GET /jobs/{id}?wait=30&until=ended` until the job ended:
    one request per result, as a Celery client waits on its result).
    Returns (elapsed s, [(photo index, upload s, upload->end s, final status document)], errors)."""
    lock = threading.Lock()
    counter = iter(range(jobs))
    done, errors = [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            with lock:
                i = next(counter, None)
            if i is None: break
            t0 = time.perf_counter()
            conn.request("POST", f"/jobs/{kind}", body=bodies[i % len(bodies)], headers={"Content-Type": "image/jpeg", "X-Api-Key": key})
            r = conn.getresponse()
            data = r.read()
            t1 = time.perf_counter()
            if r.status not in (200, 202):
                with lock: errors.append((r.status, data[:200]))
                continue
            job = json.loads(data)["id"]
            status = {}
            while status.get("state") not in TERMINAL:
                conn.request("GET", f"/jobs/{job}?wait=30&until=ended", headers={"X-Api-Key": key})
                status = json.loads(conn.getresponse().read())
            t2 = time.perf_counter()
            with lock:
                done.append((i % len(bodies), t1 - t0, t2 - t0, status))
                if status["state"] != "succeeded": errors.append((status["state"], job))
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    return time.perf_counter() - start, done, errors


def percentile_ms(seconds, p):
    """Nearest-rank percentile of `seconds`, in ms (0 when empty)."""
    s = sorted(seconds)
    return s[min(len(s) - 1, int(len(s) * p / 100))] * 1000 if s else 0.0


def start_perf(groups, folder):
    """When `folder` is set (BENCH_PERF), `perf record` with call graphs (BENCH_PERF_CALL_GRAPH, default
    fp; dwarf sees through libc) on every process of `groups` into `folder/<group>.data` for the
    phase; returns what `stop_perf` ends."""
    if not folder: return []
    os.makedirs(folder, exist_ok=True)
    graph = os.environ.get("BENCH_PERF_CALL_GRAPH", "fp")
    return [subprocess.Popen(["perf", "record", "--call-graph", graph, "-q", "-o", os.path.join(folder, f"{name}.data"), "-p", ",".join(map(str, pids))],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for name, pids in groups.items()]


def stop_perf(recorders):
    for r in recorders: r.send_signal(2)
    for r in recorders: r.wait(timeout=60)


def bench_arguments(key):
    """The command line the cluster benchmarks share: --jobs, --clients, --workers, --rounds,
    --log-level, --bin, --models, --key (default `key`) and the photos; add your own, then parse."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=600)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--log-level", default="info")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--key", default=key)
    ap.add_argument("photos", nargs="+")
    return ap
