"""bench/png.sh's driver: Roost's PNG decoder beside Pillow, and Roost's inflate beside zlib, per file.

For each file, back to back (so both sides see the same machine load):
  - Roost: `roost-worker bench-png --runs N FILE` (in-process timing, one thread, JSON line);
  - Pillow: Image.open(BytesIO(bytes)).convert("RGB") (the same 8-bit RGB Roost returns), and
    zlib.decompress of the file's concatenated IDAT data; N runs after one warm-up, median.
Prints a table and the geometric means of the Roost/Pillow and Roost/zlib ratios (< 1: Roost faster).
"""
import argparse, io, json, math, os, platform, struct, subprocess, sys, time, warnings, zlib

from PIL import Image

warnings.filterwarnings("ignore", category=UserWarning)  # Pillow on palette + tRNS images

parser = argparse.ArgumentParser()
parser.add_argument("--worker", required=True)
parser.add_argument("--runs", type=int, default=21)
parser.add_argument("--real", type=int, default=0, help="the first REAL files are the real photos (own geomean)")
parser.add_argument("--json", help="also write the per-file figures here")
parser.add_argument("files", nargs="+")
args = parser.parse_args()


def idat(data):
    """The concatenated IDAT payloads of a PNG."""
    out, offset = [], 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            out.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    return b"".join(out)


def median_ms(fn, runs):
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


rows = []
for path in args.files:
    roost = json.loads(subprocess.run([args.worker, "bench-png", "--runs", str(args.runs), path],
                                      check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    data = open(path, "rb").read()
    compressed = idat(data)
    pillow = median_ms(lambda: Image.open(io.BytesIO(data)).convert("RGB"), args.runs)
    zlib_ms = median_ms(lambda: zlib.decompress(compressed), args.runs)
    image = Image.open(io.BytesIO(data))
    rows.append(dict(name=os.path.basename(path)[:-4], mode=image.mode + ("/adam7" if image.info.get("interlace") else ""),
                     size=f"{image.width}x{image.height}", roost=roost["decode_ms"], pillow=pillow,
                     inflate=roost["inflate_ms"], zlib=zlib_ms))

print(f"bench/png: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, {os.cpu_count()} cores, "
      f"Pillow {Image.__version__}, zlib {zlib.ZLIB_RUNTIME_VERSION}, Python {platform.python_version()}, "
      f"median of {args.runs} runs, one thread")
header = f"{'file':<28} {'mode':<12} {'size':>9} {'Roost ms':>9} {'Pillow ms':>9} {'ratio':>6}   {'inflate':>8} {'zlib ms':>8} {'ratio':>6}"
print(header)
print("-" * len(header))
for r in rows:
    print(f"{r['name']:<28} {r['mode']:<12} {r['size']:>9} {r['roost']:>9.3f} {r['pillow']:>9.3f} {r['roost'] / r['pillow']:>6.2f}"
          f"   {r['inflate']:>8.3f} {r['zlib']:>8.3f} {r['inflate'] / r['zlib']:>6.2f}")
print("-" * len(header))


def summary(label, subset):
    decode = [r["roost"] / r["pillow"] for r in subset]
    inflate = [r["inflate"] / r["zlib"] for r in subset]
    worst = max(subset, key=lambda r: r["roost"] / r["pillow"])
    print(f"{label} ({len(subset)} files): geomean Roost/Pillow decode {geomean(decode):.2f} (worst {worst['name']} "
          f"{max(decode):.2f}), geomean Roost/zlib inflate {geomean(inflate):.2f} (worst {max(inflate):.2f})")


if 0 < args.real < len(rows):
    summary("real photos", rows[:args.real])
summary("all files", rows)
if args.json:
    with open(args.json, "w") as f:
        json.dump(rows, f, indent=1)
