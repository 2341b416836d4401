"""Splits a `perf record --call-graph dwarf` profile of the gateway (bench/e2e's BENCH_PERF) the way
docs/PERFORMANCE.md (## Whole path) reports it: by what the samples do, then by component.

    python3 bench/lib/perf_split.py /tmp/prof/gateway.data

Each sample goes to the first class whose pattern matches any frame of its stack.
"""
import collections, re, subprocess, sys

ACTIVITIES = [
    ("SQLite (library)", r"^sqlite3|sqlite3_"),
    ("SHA-256", r"roost_sha256"),
    ("socket send/recv (kernel)", r"tcp_sendmsg|tcp_recvmsg|sock_recvmsg|sock_write_iter|__sys_sendto|__sys_recvfrom|do_writev|sock_sendmsg|ksys_write|ksys_read"),
    ("file writes + fsync", r"vfs_fsync|do_fsync|ext4|xfs|ovl_|vfs_write|do_sys_open|unlink|rename"),
    ("thread hand-offs (futex, eventfd, epoll, scheduler)", r"futex|eventfd|ep_poll|epoll_wait|schedule"),
    ("page faults", r"asm_exc_page_fault"),
    ("memcpy/memmove", r"memmove|memcpy"),
    ("malloc/free", r"malloc|_int_free|cfree"),
    ("Swift runtime (retain/release, allocation)", r"swift_retain|swift_release|swift_alloc|swift_bridgeObject"),
]
COMPONENTS = [
    ("result ingester", r"ResultIngester"),
    ("long-polls", r"JobRoutes.*status|JobService.*(park|woken|find|current)"),
    ("hashing and checks (ImageUpload)", r"ImageUpload"),
    ("originals", r"OriginalStore"),
    ("acceptance (SQLite)", r"JobStore"),
    ("enqueue (Redis)", r"enqueue"),
    ("rest of submit", r"submit"),
    ("access log", r"Log"),
    ("receive + parse", r"readable"),
    ("write answers", r"EventLoop.*(write|flush|writable)"),
    ("dispatch", r"dispatch"),
    ("handler-pool wake-ups", r"HandlerPool"),
    ("event loop", r"EventLoop"),
]


def stacks(path):
    out = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym"], capture_output=True, text=True, check=True).stdout
    for block in out.split("\n\n"):
        frames = [line.strip().split(None, 1)[-1] for line in block.strip().split("\n") if line.strip()]
        if frames: yield frames


def split(samples, classes, rest):
    counts = collections.Counter()
    for frames in samples:
        counts[next((name for name, rx in classes if any(re.search(rx, f) for f in frames)), rest)] += 1
    return counts


def main():
    samples = list(stacks(sys.argv[1]))
    for title, classes, rest in (("by activity", ACTIVITIES, "other Roost code"), ("by component", COMPONENTS, "other")):
        print(f"{title} ({len(samples)} samples):")
        for name, n in split(samples, classes, rest).most_common():
            print(f"  {100 * n / len(samples):5.1f}%  {name}")


if __name__ == "__main__":
    main()
