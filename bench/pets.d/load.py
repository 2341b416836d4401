"""Client of bench/pets.sh: creates pets with photos and times each analysis, per photo."""
import argparse, http.client, json, pathlib, statistics, sys, time, uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from timing import wait_for_workers  # noqa: E402


def unique(photo, i):
    # A COM segment after SOI makes distinct bytes (a distinct SHA-256, so no cache hit) of the same picture.
    text = f"roost pets bench {i}".encode()
    return photo[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + photo[2:]


def request(conn, method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pets", type=int, default=6)
    parser.add_argument("--photos", type=int, default=4)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    wait_for_workers(args.port, "pet", 2)
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
    status, body = request(conn, "POST", "/v1/admin/accounts", {"Content-Type": "application/json"}, json.dumps({"name": "bench"}))
    assert status == 201, body
    key = {"x-api-key": json.loads(body)["api_key"]}
    photos = [open(f, "rb").read() for f in args.files]
    analyses = ["genealogy", "body-condition-score", "muscle-condition-score", "estimated-age"]
    times = {name: [] for name in analyses + ["portrait"]}
    serial = 0
    for p in range(args.pets):
        boundary = uuid.uuid4().hex
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\npet {p}\r\n".encode(),
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"poses\"\r\n\r\n{{\"0\":\"side\"}}\r\n".encode()]
        for i in range(args.photos):
            serial += 1
            head = f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"{i}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            parts.append(head.encode() + unique(photos[(p + i) % len(photos)], serial) + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        status, text = request(conn, "POST", "/v1/pets", {**key, "Content-Type": f"multipart/form-data; boundary={boundary}"}, body)
        assert status == 201, text
        pet = json.loads(text)["id"]
        for name in analyses:
            start = time.perf_counter()
            status, text = request(conn, "POST", f"/v1/pets/{pet}/{name}", key)
            times[name].append((time.perf_counter() - start) / args.photos)
            assert status == 200, (name, status, text[:300])
        start = time.perf_counter()
        status, text = request(conn, "POST", f"/v1/pets/{pet}/portrait", {**key, "Content-Type": "application/json"},
                               json.dumps({"style": "studio"}))
        times["portrait"].append(time.perf_counter() - start)
        assert status in (201, 400), (status, text[:300])
    print(f"  {'analysis':<40}{'median ms':>10}{'mean ms':>15}   (per photo; portrait: per portrait)")
    for name, values in times.items():
        label = name + (" (first: runs the photos)" if name == "genealogy" else "")
        print(f"  {label:<40}{statistics.median(values) * 1000:>10.1f}{statistics.mean(values) * 1000:>15.1f}")


if __name__ == "__main__":
    main()
