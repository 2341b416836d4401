#!/usr/bin/env python3
"""Times ONNX Runtime and Pillow on the photos Roost was just timed on, and prints both side by side.

Run by bench/classify (which times Roost first with `roost-worker classify --bench N` and passes
its JSON lines here). Verification venv only.
"""
import argparse
import json
import os
import pathlib
import sys

import onnxruntime as ort

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from pillow_reference import pillow_preprocess  # noqa: E402
from timing import percentile, timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--roost", required=True, help="JSON lines from roost-worker classify --bench")
    parser.add_argument("--model", required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("photos", nargs="+")
    args = parser.parse_args()

    roost = {}
    for line in open(args.roost):
        entry = json.loads(line)
        roost[entry["photo"]] = entry
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])

    all_ort, all_pil = [], []
    rows = []
    for photo in args.photos:
        data = open(photo, "rb").read()
        tensor = pillow_preprocess(data)
        pil = timed(lambda: pillow_preprocess(data), args.runs)
        inf = timed(lambda: session.run(["logits"], {"input": tensor}), args.runs)
        all_ort += inf
        all_pil += pil
        rows.append((os.path.basename(photo), roost[photo], inf, pil))
    rows.append(("ALL", roost.get("all", rows[0][1]), all_ort, all_pil))

    print(f"runs per photo: {args.runs}; times in ms (median / p90); ratio = Roost / reference")
    print(f"{'photo':16s} | {'Roost infer':>15s} {'ORT infer':>15s} {'ratio':>6s} | "
          f"{'Roost dec+prep':>15s} {'Pillow dec+prep':>15s} {'ratio':>6s}")
    for name, r, inf, pil in rows:
        ri, rp = r["inference_ms"], r["decode_preprocess_ms"]
        oi = (percentile(inf, 50), percentile(inf, 90))
        pp = (percentile(pil, 50), percentile(pil, 90))
        print(f"{name:16s} | {ri['median']:7.2f}/{ri['p90']:7.2f} {oi[0]:7.2f}/{oi[1]:7.2f} "
              f"{ri['median'] / oi[0]:6.2f} | {rp['median']:7.2f}/{rp['p90']:7.2f} "
              f"{pp[0]:7.2f}/{pp[1]:7.2f} {rp['median'] / pp[0]:6.2f}")
    r = rows[-1][1]
    print(f"Roost decode / preprocess split (ALL, median): {r['decode_ms']['median']:.2f} / "
          f"{r['preprocess_ms']['median']:.2f} ms")


if __name__ == "__main__":
    main()
