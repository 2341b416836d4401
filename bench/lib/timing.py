"""Timing helpers shared by the Python halves of the benchmarks (the reference runtimes' side)."""
import time

import numpy as np


def percentile(samples, p):
    """Nearest-rank percentile, as Roost's bench computes it."""
    s = sorted(samples)
    rank = max(1, min(len(s), int(np.ceil(p / 100 * len(s)))))
    return s[rank - 1]


def timed(fn, runs):
    """Milliseconds of `runs` calls of `fn`, after one warm-up call (like Roost's bench)."""
    fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def wait_for_workers(port, kind, count, timeout=120):
    """Waits until `count` workers running `kind` heartbeat to the gateway on `port` (its
    /ops/workers, answered on loopback); exits the benchmark when they do not within `timeout` s."""
    import http.client, json, time
    deadline = time.time() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/ops/workers")
            workers = json.loads(conn.getresponse().read()).get("workers", [])
            if sum(1 for w in workers if kind in (w.get("results") or {})) >= count:
                return
        except OSError:
            pass
        if time.time() > deadline:
            raise SystemExit(f"{count} workers running '{kind}' did not come up within {timeout} s")
        time.sleep(0.2)
