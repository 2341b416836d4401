"""Load client of bench/dogapi.sh: upload → labelled times, then read routes beside /heartbeat."""
import argparse, http.client, json, os, statistics, threading, time, uuid


def multipart(photo, name):
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return head + photo + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def unique(photo, i):
    # A COM segment after SOI makes distinct bytes (a distinct SHA-256, so no cache hit) of the same picture.
    text = f"roost bench {i}".encode()
    return photo[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + photo[2:]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def load(port, path, headers, requests, clients):
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(requests))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if response.status == 200 else errors).append(elapsed if response.status == 200 else response.status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--gateway-pid", type=int, required=True)
    parser.add_argument("photos", nargs="+")
    args = parser.parse_args()
    deadline = time.time() + 120
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/ops/workers")
            workers = json.loads(conn.getresponse().read()).get("workers", [])
            if sum(1 for w in workers if "classify" in (w.get("results") or {})) >= 2:
                break
        except OSError:
            pass
        if time.time() > deadline:
            raise SystemExit("bench/dogapi: workers did not come up")
        time.sleep(0.2)
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    conn.request("POST", "/v1/admin/accounts", body=json.dumps({"name": "bench"}), headers={"Content-Type": "application/json"})
    key = json.loads(conn.getresponse().read())["api_key"]
    headers = {"x-api-key": key}

    # Upload → reviewed: all uploads at once from 8 clients, then poll each status until it ends.
    photos = [open(p, "rb").read() for p in args.photos]
    submitted, lock = {}, threading.Lock()
    counter = iter(range(args.uploads))

    def uploader():
        c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body, ctype = multipart(unique(photos[i % len(photos)], i), f"p{i}.jpg")
            start = time.perf_counter()
            c.request("POST", "/v1/images/upload", body=body, headers={**headers, "Content-Type": ctype})
            image = json.loads(c.getresponse().read())
            with lock:
                submitted[image["id"]] = start
        c.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=uploader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done, statuses = {}, {}
    c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    while len(done) < len(submitted):
        for image_id, start in submitted.items():
            if image_id in done:
                continue
            c.request("GET", f"/v1/images/{image_id}/status", headers=headers)
            status = json.loads(c.getresponse().read())["status"]
            if status != "to_be_reviewed":
                done[image_id] = time.perf_counter() - start
                statuses[status] = statuses.get(status, 0) + 1
        time.sleep(0.01)
    wall = time.perf_counter() - started
    reviewed = list(done.values())
    print(f"  upload -> reviewed: {len(reviewed)} images in {wall:.2f} s = {len(reviewed) / wall:.1f} images/s; "
          f"p50 {statistics.median(reviewed) * 1000:.0f} ms, p99 {percentile(reviewed, 99) * 1000:.0f} ms ({statuses})")

    rows = []
    for name, path, h in [("GET /heartbeat (floor)", "/heartbeat", {}),
                          ("GET /v1/images/search", "/v1/images/search?limit=10", headers),
                          ("GET /v1/images/search ASC p3", "/v1/images/search?limit=10&order=ASC&page=3", headers),
                          ("GET /v1/breeds", "/v1/breeds?limit=20", {})]:
        load(args.port, path, h, min(500, args.requests), args.clients)  # warm-up
        cpu0 = cpu_seconds(args.gateway_pid)
        wall, latencies, errors = load(args.port, path, h, args.requests, args.clients)
        cpu = cpu_seconds(args.gateway_pid) - cpu0
        rows.append((name, len(latencies) / wall, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000,
                     cpu / max(1, len(latencies)) * 1e6, len(errors)))
    floor = rows[0][1]
    print(f"  {'route':32s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'gw CPU µs/req':>14s} {'vs floor':>9s} {'errors':>7s}")
    for name, rate, p50, p99, cpu, errors in rows:
        print(f"  {name:32s} {rate:9.0f} {p50:8.2f} {p99:8.2f} {cpu:14.0f} {rate / floor:9.2f} {errors:7d}")


if __name__ == "__main__":
    main()
