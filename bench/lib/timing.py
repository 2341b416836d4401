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
