#!/usr/bin/env python3
"""Times ONNX Runtime on the inputs Roost's engine was just timed on and prints both side by side.

Run by bench/engine, which runs Roost's EngineBenchmark first and passes its `ENGINE {json}` lines.
Same model files (for YuNet and SFace the rewritten copy scripts/make_op_tests.py makes, which ONNX
Runtime 1.31 needs for their single-block DequantizeLinear), same input tensors (.cache/modeltests),
one thread unless stated. Verification venv only.
"""
import argparse
import json
import pathlib
import resource
import sys
import threading
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from timing import timed  # noqa: E402

ort.set_default_logger_severity(3)

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
MODELS = {
    "mobilenet_v2": ROOT / "models/mobilenet_v2.onnx",
    "yunet": ROOT / ".cache/modeltests/yunet/reference.onnx",
    "sface": ROOT / ".cache/modeltests/sface/reference.onnx",
}


def case_inputs(name):
    directory = ROOT / ".cache/modeltests" / name
    manifest = json.loads((directory / "case.json").read_text())
    return {e["name"]: np.fromfile(directory / e["file"], "<f4").reshape(e["shape"]) for e in manifest["inputs"]}


def session(path, threads=1, dynamic_batch=False):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if dynamic_batch:
        model = onnx.load(str(path))
        for value in list(model.graph.input) + list(model.graph.output):
            value.type.tensor_type.shape.dim[0].dim_param = "N"
        return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def timings(run, count):
    """Sorted milliseconds of `count` calls after five warm-up calls."""
    for _ in range(4):
        run()
    return sorted(timed(run, count))


def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--roost", required=True)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--ratios", help="append this round's ratios here as JSON lines (for --summary)")
    args = parser.parse_args()
    ratios = []
    roost = [json.loads(line.split("ENGINE ", 1)[1]) for line in open(args.roost) if "ENGINE " in line]

    print(f"\n{'model':<14}{'Roost median/p90 ms':>22}{'ORT median/p90 ms':>22}{'ratio':>8}{'min ratio':>11}"
          f"{'Roost model / session MB':>26}{'ORT MB':>9}")
    for name, path in MODELS.items():
        ours = next((r for r in roost if r["figure"] == "latency" and r["model"] == name), None)
        if ours is None or not path.exists():
            continue
        before = rss_mb()
        s = session(path)
        feeds = case_inputs(name)
        t = timings(lambda: s.run(None, feeds), args.runs)
        after = rss_mb()
        median, p90 = t[len(t) // 2], t[len(t) * 9 // 10]
        ratios.append({"figure": f"{name} latency (Roost/ORT)", "median": ours["median_ms"] / median,
                       "min": ours["min_ms"] / t[0]})
        print(f"{name:<14}{ours['median_ms']:>12.2f} / {ours['p90_ms']:<7.2f}{median:>12.2f} / {p90:<7.2f}"
              f"{ours['median_ms'] / median:>8.2f}{ours['min_ms'] / t[0]:>11.2f}"
              f"{ours['model_mb']:>17.1f} / {ours['session_mb']:<6.1f}{after - before:>9.1f}")

    print(f"\nMobileNetV2 photos/s on one core by batch size (one forward pass of N photos)")
    print(f"{'batch':<8}{'Roost photos/s':>16}{'ORT photos/s':>14}{'ratio':>8}{'Roost session MB':>18}")
    feeds = case_inputs("mobilenet_v2")
    batched = session(MODELS["mobilenet_v2"], dynamic_batch=True)
    for ours in [r for r in roost if r["figure"] == "batch"]:
        n = int(ours["batch"])
        x = {"input": np.repeat(feeds["input"], n, axis=0)}
        t = timings(lambda: batched.run(None, x), max(3, args.runs * 2 // n))
        theirs = n * 1000 / t[len(t) // 2]
        ratios.append({"figure": f"mobilenet_v2 batch {n} photos/s (Roost/ORT)", "median": ours["photos_per_s"] / theirs})
        print(f"{n:<8}{ours['photos_per_s']:>16.1f}{theirs:>14.1f}{ours['photos_per_s'] / theirs:>8.2f}{ours['session_mb']:>18.1f}")

    print(f"\nMobileNetV2 photos/s with two threads on this machine's {len(__import__('os').sched_getaffinity(0))} cores")
    per = args.runs * 2
    sessions = [session(MODELS["mobilenet_v2"]) for _ in range(2)]
    for s in sessions:
        s.run(None, feeds)
    start = time.perf_counter()
    workers = [threading.Thread(target=lambda s=s: [s.run(None, feeds) for _ in range(per)]) for s in sessions]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    two_sessions = 2 * per / (time.perf_counter() - start)
    split = session(MODELS["mobilenet_v2"], threads=2)
    t = timings(lambda: split.run(None, feeds), per)
    intra = 1000 / t[len(t) // 2]
    labels = {0: ("2 sessions x 1 thread", two_sessions), 1: ("1 session x 2 threads", intra)}
    for ours in [r for r in roost if r["figure"] == "threads"]:
        label, theirs = labels[int(ours["mode"])]
        ratios.append({"figure": f"mobilenet_v2 {label} photos/s (Roost/ORT)", "median": ours["photos_per_s"] / theirs})
        print(f"{label:<24}{ours['photos_per_s']:>10.1f} Roost {theirs:>10.1f} ORT   ratio {ours['photos_per_s'] / theirs:.2f}")
    print(f"\npeak RSS of the ORT process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
    if args.ratios:
        with open(args.ratios, "a") as out:
            for entry in ratios:
                out.write(json.dumps(entry) + "\n")


def summary(path):
    """Median over the rounds of each ratio (rounds alternate Roost and ORT, so load drifts hit both)."""
    rows = [json.loads(line) for line in open(path)]
    print(f"\n{'median over rounds':<52}{'ratio':>8}{'ratio of minima':>17}{'rounds':>8}")
    for figure in dict.fromkeys(r["figure"] for r in rows):
        mine = [r for r in rows if r["figure"] == figure]
        med = float(np.median([r["median"] for r in mine]))
        mins = [r["min"] for r in mine if "min" in r]
        low = f"{float(np.median(mins)):>17.2f}" if mins else f"{'':>17}"
        print(f"{figure:<52}{med:>8.2f}{low}{len(mine):>8}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        sys.exit(summary(sys.argv[2]))
    sys.exit(main())
