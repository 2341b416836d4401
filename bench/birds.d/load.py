"""Load client of bench/birds.sh: keep-alive HTTP clients posting photos to the bird endpoint.

Waits for the gateway and for a worker heartbeat with the birds result version, then runs the
"computed" phase (a fresh X-Api-Key per request: every request runs the model), primes one key
with every photo, and runs the "cached" phase from that key. Prints one table.
"""
import argparse, http.client, json, os, statistics, threading, time, uuid

def multipart(photo, name):
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{name}\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return head + photo + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"

def cpu_seconds(pids):
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total

def run_phase(port, bodies, requests, clients, key_for):
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(requests))
    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body, ctype = bodies[i % len(bodies)]
            start = time.perf_counter()
            conn.request("POST", "/birds/identification/classify?version=2", body=body,
                         headers={"Content-Type": ctype, "X-Api-Key": key_for(i)})
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - start
            with lock:
                if response.status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append((response.status, data[:200]))
        conn.close()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    return time.perf_counter() - start, latencies, errors

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--pids", required=True)
    parser.add_argument("photos", nargs="+")
    args = parser.parse_args()
    groups = {}
    for part in args.pids.split(","):
        name, value = part.split("=")
        groups[name] = [int(p) for p in value.split("+")]
    bodies = [multipart(open(p, "rb").read(), os.path.basename(p)) for p in args.photos]
    deadline = time.time() + 120
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/ops/workers")
            workers = json.loads(conn.getresponse().read()).get("workers", [])
            if sum(1 for w in workers if "birds" in (w.get("results") or {})) >= 2:
                break
        except OSError:
            pass
        if time.time() > deadline:
            raise SystemExit("bench/birds: workers did not come up")
        time.sleep(0.2)
    run_phase(args.port, bodies, 2 * len(bodies), args.clients, lambda i: f"warm-{i}")
    rows = []
    for phase in ("computed", "cached"):
        if phase == "computed":
            run_id = uuid.uuid4().hex
            key_for = lambda i: f"bench-{run_id}-{i}"
        else:
            key = f"bench-cached-{uuid.uuid4().hex}"
            run_phase(args.port, bodies, len(bodies), 1, lambda i: key)  # prime: each photo computed once
            key_for = lambda i: key
        before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        elapsed, latencies, errors = run_phase(args.port, bodies, args.requests, args.clients, key_for)
        after = {name: cpu_seconds(pids) for name, pids in groups.items()}
        if errors:
            print(f"  {phase}: {len(errors)} errors, first: {errors[0]}")
        done = max(1, len(latencies))
        latencies.sort()
        cpu = {name: (after[name] - before[name]) * 1000 / done for name in groups}
        rows.append((phase, len(latencies) / elapsed, latencies[len(latencies) // 2] * 1000,
                     latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, cpu))
    print(f"  {'phase':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   CPU ms per request")
    for phase, rate, p50, p99, cpu in rows:
        parts = ", ".join(f"{name} {value:.2f}" for name, value in cpu.items())
        print(f"  {phase:<10} {rate:8.1f} {p50:8.2f} {p99:8.2f}   {parts}")
    computed, cached = rows
    print(f"  cached / computed: {cached[1] / computed[1]:.1f}x requests/s, p50 {cached[2] / computed[2]:.2f}x")

main()
