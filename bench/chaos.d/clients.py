"""Chaos-run clients: upload N small photos with Idempotency-Keys over HTTP, retrying every error,
then poll each job until it is terminal. Standard library only.

usage: clients.py PORT N CLIENTS PHOTO OUT_DIR
Writes OUT_DIR/accepted.tsv (key, id), OUT_DIR/uploads.done when every upload has an id, and
OUT_DIR/final.tsv (id, state, first terminal state seen, changed-after-terminal flag) at the end.
"""
import http.client, json, os, sys, threading, time

port, total, clients, photo_path, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
photo = open(photo_path, "rb").read()
HEAD = {"X-Api-Key": "chaos"}
lock = threading.Lock()
ids = {}          # key -> id (every answer for the same key must carry the same id)
mismatched = []   # keys answered with two different ids
retries = [0]


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={**HEAD, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def upload(i):
    key = f"chaos-{i}"
    boundary = f"chaos{i}"
    # Distinct photos: bytes after the JPEG's end-of-image marker are ignored by decoders, not by SHA-256.
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p{i}.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + photo + f"#{i}".encode() + f"\r\n--{boundary}--\r\n".encode()
    while True:
        try:
            status, data = request("POST", "/jobs/probe", body,
                                   {"Content-Type": f"multipart/form-data; boundary={boundary}", "Idempotency-Key": key})
            if status in (200, 202):
                return key, json.loads(data)["id"]
        except Exception:
            pass
        with lock:
            retries[0] += 1
        time.sleep(0.05)


def uploader(start):
    for i in range(start, total, clients):
        key, job = upload(i)
        with lock:
            if ids.setdefault(key, job) != job:
                mismatched.append(key)


threads = [threading.Thread(target=uploader, args=(c,)) for c in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
with open(os.path.join(out, "accepted.tsv"), "w") as f:
    for key, job in sorted(ids.items()):
        f.write(f"{key}\t{job}\n")
open(os.path.join(out, "uploads.done"), "w").write(f"{retries[0]} {len(mismatched)}\n")

# Poll until every job is terminal (or the deadline the script gives passes); note any state change after terminal.
deadline = time.time() + float(os.environ.get("CHAOS_DRAIN_SECONDS", "300"))
TERMINAL = {"succeeded", "failed", "dead", "cancelled"}
first_terminal, last = {}, {}
pending = set(ids.values())
while pending and time.time() < deadline:
    for job in list(pending):
        try:
            status, data = request("GET", f"/jobs/{job}")
            if status != 200:
                continue
            doc = json.loads(data)
        except Exception:
            continue
        last[job] = doc["state"]
        if doc["state"] in TERMINAL:
            first_terminal[job] = (doc["state"], json.dumps(doc.get("result"), sort_keys=True))
            pending.discard(job)
    if pending:
        time.sleep(0.5)
# Every terminal job read once more: its state and result must not have changed.
flipped = 0
for job, seen in first_terminal.items():
    try:
        status, data = request("GET", f"/jobs/{job}")
        doc = json.loads(data)
        if (doc["state"], json.dumps(doc.get("result"), sort_keys=True)) != seen:
            flipped += 1
    except Exception:
        pass
with open(os.path.join(out, "final.tsv"), "w") as f:
    for job in ids.values():
        f.write(f"{job}\t{first_terminal.get(job, (last.get(job, 'unknown'),))[0]}\n")
open(os.path.join(out, "clients.done"), "w").write(f"{retries[0]} {len(mismatched)} {flipped}\n")
