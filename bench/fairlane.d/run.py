"""Load client of bench/fairlane.sh: two owners submitting to the batch lane, one large, one small.

Phase "alone": the small import (SMALL jobs, key B) on an idle cluster. Phase "shared": the large
import (LARGE jobs, key A) is submitted as fast as the gateway takes it, then, once the lane holds a
backlog, the small one; the small import's time is from its first upload to its last result.
Each job's photo is the same small JPEG with distinct trailing bytes (no cache hits, no dedup).
Prints one JSON line: {"alone_s", "shared_small_s", "shared_large_s", "small_jobs", "large_jobs"}.
"""
import argparse, http.client, json, threading, time

def submit_all(port, bodies, key, threads):
    ids, lock = [None] * len(bodies), threading.Lock()
    counter = iter(range(len(bodies)))
    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            while True:
                conn.request("POST", "/jobs/classify", body=bodies[i],
                             headers={"Content-Type": "image/jpeg", "X-Api-Key": key, "X-Roost-Lane": "batch"})
                response = conn.getresponse()
                data = response.read()
                if response.status in (200, 201, 202):
                    ids[i] = json.loads(data)["id"]
                    break
                if response.status == 503:
                    time.sleep(float(response.getheader("Retry-After") or 1))
                    continue
                raise SystemExit(f"upload failed: {response.status} {data[:200]!r}")
        conn.close()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers: t.start()
    for t in workers: t.join()
    return ids

def wait_all(port, ids, key, threads):
    """Long-polls every job to its end; returns the time the last one was seen finished."""
    last, lock = [0.0], threading.Lock()
    counter = iter(ids)
    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                job = next(counter, None)
            if job is None:
                break
            while True:
                conn.request("GET", f"/jobs/{job}?wait=30", headers={"X-Api-Key": key})
                response = conn.getresponse()
                state = json.loads(response.read()).get("state")
                if state in ("succeeded", "failed", "dead", "cancelled"):
                    if state != "succeeded":
                        raise SystemExit(f"job {job} ended {state}")
                    with lock:
                        last[0] = max(last[0], time.perf_counter())
                    break
        conn.close()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers: t.start()
    for t in workers: t.join()
    return last[0]

def batch_depth(port, token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/ops/queues", headers={"Authorization": f"Bearer {token}"})
    lanes = json.loads(conn.getresponse().read())["lanes"]
    conn.close()
    return next(l["depth"] for l in lanes if l["lane"] == "batch")

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--photo", required=True)
    p.add_argument("--small", type=int, default=100)
    p.add_argument("--large", type=int, default=3000)
    p.add_argument("--tag", required=True)
    a = p.parse_args()
    photo = open(a.photo, "rb").read()
    body = lambda i, who: photo + f"{a.tag}-{who}-{i:08d}".encode()

    start = time.perf_counter()
    ids = submit_all(a.port, [body(i, "alone") for i in range(a.small)], "key-small", 8)
    alone = wait_all(a.port, ids, "key-small", 16) - start

    large_bodies = [body(i, "large") for i in range(a.large)]
    large_start = time.perf_counter()
    large_ids = []
    submitter = threading.Thread(target=lambda: large_ids.extend(submit_all(a.port, large_bodies, "key-large", 8)))
    submitter.start()
    deadline = time.time() + 120
    while batch_depth(a.port, a.token) < a.large // 2:
        if time.time() > deadline:
            raise SystemExit("no backlog built up")
        time.sleep(0.05)
    small_start = time.perf_counter()
    small_ids = submit_all(a.port, [body(i, "small") for i in range(a.small)], "key-small", 8)
    small_end = wait_all(a.port, small_ids, "key-small", 16)
    submitter.join()
    large_end = wait_all(a.port, large_ids, "key-large", 16)
    print(json.dumps({"alone_s": round(alone, 3), "shared_small_s": round(small_end - small_start, 3),
                      "shared_large_s": round(large_end - large_start, 3),
                      "small_jobs": a.small, "large_jobs": a.large}))

main()
