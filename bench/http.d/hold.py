"""bench/http.sh's driver: one gateway holding many idle keep-alive connections and parked long-polls
while a client measures /heartbeat and small-upload latency. Prints one line of figures as JSON.
"""
import argparse, http.client, json, os, select, socket, statistics, subprocess, threading, time


def rss_and_threads(pid):
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"): rss = int(line.split()[1]) // 1024
            if line.startswith("Threads:"): threads = int(line.split()[1])
    return rss, threads


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def connect(port):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    return s


def still_open(sockets):
    """Connections the server has not closed (an open idle socket is not readable)."""
    poller = select.poll()
    for s in sockets:
        poller.register(s, select.POLLIN)
    readable = len(poller.poll(0))
    return len(sockets) - readable


def timed_requests(port, path, count, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, statuses = [], {}
    for _ in range(count):
        t = time.perf_counter()
        try:
            conn.request("POST" if body else "GET", path, body=body, headers=headers or {})
            r = conn.getresponse()
            r.read()
            status = r.status
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException):
            status = "error"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append((time.perf_counter() - t) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    latencies.sort()
    return latencies, statuses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--polls", type=int, default=5000)
    ap.add_argument("--uploads", type=int, default=2000)
    ap.add_argument("--upload-clients", type=int, default=8)
    ap.add_argument("--photo", required=True)
    args = ap.parse_args()
    photo = open(args.photo, "rb").read()

    # A job that stays queued (no worker takes its kind) for the long-polls to wait on.
    c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    c.request("POST", "/jobs/classify", body=photo, headers={"Content-Type": "image/jpeg"})
    job = json.loads(c.getresponse().read())["id"]
    c.close()

    idle = [connect(args.port) for _ in range(args.idle)]
    polls = []
    for _ in range(args.polls):
        s = connect(args.port)
        s.sendall(f"GET /jobs/{job}?wait=120 HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        polls.append(s)
    time.sleep(1)   # let the server accept and park everything
    rss, threads = rss_and_threads(args.pid)
    held_idle, held_polls = still_open(idle), still_open(polls)

    beat, beat_status = timed_requests(args.port, "/heartbeat", 500)
    results = {}
    lock = threading.Lock()
    per_client = args.uploads // args.upload_clients

    def uploader():
        lat, st = timed_requests(args.port, "/jobs/probe", per_client, body=photo,
                                 headers={"Content-Type": "image/jpeg", "X-Roost-Lane": "batch"})
        with lock:
            results.setdefault("lat", []).extend(lat)
            for k, v in st.items(): results.setdefault("st", {})[k] = results.get("st", {}).get(k, 0) + v

    cpu_before = cpu_seconds(args.pid)
    start = time.perf_counter()
    threads_ = [threading.Thread(target=uploader) for _ in range(args.upload_clients)]
    for t in threads_: t.start()
    for t in threads_: t.join()
    elapsed = time.perf_counter() - start
    cpu_used = cpu_seconds(args.pid) - cpu_before
    up = sorted(results.get("lat", [0]))
    ok_uploads = sum(v for k, v in results.get("st", {}).items() if k in (200, 202))
    rss_after, threads_after = rss_and_threads(args.pid)
    print(json.dumps({
        "held_idle": held_idle, "held_polls": held_polls, "rss_mb": max(rss, rss_after), "threads": max(threads, threads_after),
        "heartbeat_p50_ms": beat[len(beat) // 2], "heartbeat_p99_ms": beat[int(len(beat) * 0.99) - 1], "heartbeat_status": beat_status,
        "upload_per_s": ok_uploads / elapsed, "gateway_cpu_ms_per_upload": cpu_used * 1000 / max(1, ok_uploads), "upload_p50_ms": up[len(up) // 2], "upload_p99_ms": up[int(len(up) * 0.99) - 1],
        "upload_status": results.get("st", {}),
    }, default=str))
    for s in idle + polls: s.close()


main()
