#!/usr/bin/env python3
"""Reference logits for Roost's MobileNetV2 classifier, from ONNX Runtime.

Verification only (the .venv-verify python: onnxruntime, numpy, Pillow). Usage:

    .build/release/roost-worker classify --dump-input .cache/reference/classify/inputs \
        .cache/fixtures/{eagle,dog,person,messi5,chicky_512,chelsea}.jpg
    "$(scripts/venv.sh)" scripts/reference_classify.py            # or: --worker .build/release/roost-worker

For each photo it reads the input tensor Roost produced (inputs/<photo>.f32, raw float32
[1,3,224,224]), runs models/mobilenet_v2.onnx on exactly that tensor in ONNX Runtime (one
thread) and writes the logits to .cache/reference/classify/<photo>.f32, so comparing them with
Roost's logits tests the inference engine alone (ClassificationReferenceTests does).

It also reports how Roost's preprocessing compares with a Pillow pipeline (draft decode to
>= 256, resize to shorter side 256, centre crop 224, normalise) as the mean and max absolute
difference of the two input tensors, and writes everything to summary.json.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = ["eagle", "dog", "person", "messi5", "chicky_512", "chelsea"]
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def pillow_input(path, resample):
    """The ImageNet preprocessing done with Pillow, geometry as Roost does it."""
    image = Image.open(path)
    image.draft("RGB", (256, 256))
    image = image.convert("RGB")
    w, h = image.size
    size = (256, max(256, 256 * h // w)) if w <= h else (max(256, 256 * w // h), 256)
    image = image.resize(size, resample)
    left, top = (size[0] - 224) // 2, (size[1] - 224) // 2
    a = np.asarray(image.crop((left, top, left + 224, top + 224)), np.float32) / 255.0
    return ((a - MEAN) / STD).transpose(2, 0, 1)[None].astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, ".cache/reference/classify"))
    parser.add_argument("--inputs", help="folder of Roost's dumped inputs (default: OUT/inputs)")
    parser.add_argument("--fixtures", default=os.path.join(ROOT, ".cache/fixtures"))
    parser.add_argument("--model", default=os.path.join(ROOT, "models/mobilenet_v2.onnx"))
    parser.add_argument("--labels", default=os.path.join(ROOT, "models/imagenet_labels.txt"))
    parser.add_argument("--worker", help="roost-worker binary: run it first to dump the inputs")
    parser.add_argument("photos", nargs="*", default=PHOTOS)
    args = parser.parse_args()
    inputs = args.inputs or os.path.join(args.out, "inputs")
    os.makedirs(args.out, exist_ok=True)
    paths = [os.path.join(args.fixtures, p + ".jpg") for p in args.photos]
    if args.worker:
        subprocess.run([args.worker, "classify", "--models", os.path.dirname(args.model),
                        "--dump-input", inputs] + paths, check=True, stdout=subprocess.DEVNULL)

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    labels = [line.split(",")[0].strip() for line in open(args.labels).read().splitlines()]

    summary = {}
    for name, path in zip(args.photos, paths):
        input_file = os.path.join(inputs, name + ".f32")
        if not os.path.exists(input_file):
            sys.exit(f"reference_classify: {input_file} is missing: run roost-worker classify "
                     f"--dump-input {inputs} {path} (or pass --worker)")
        roost = np.fromfile(input_file, np.float32).reshape(1, 3, 224, 224)
        logits = session.run(["logits"], {"input": roost})[0][0].astype(np.float32)
        logits.tofile(os.path.join(args.out, name + ".f32"))
        top5 = [int(i) for i in np.argsort(-logits, kind="stable")[:5]]
        entry = {"top5": top5, "top1_label": labels[top5[0]]}
        for resample_name, resample in (("bilinear", Image.BILINEAR), ("box", Image.BOX)):
            diff = np.abs(pillow_input(path, resample) - roost)
            entry[f"pillow_{resample_name}_mean_abs_diff"] = round(float(diff.mean()), 5)
            entry[f"pillow_{resample_name}_max_abs_diff"] = round(float(diff.max()), 5)
            pillow_logits = session.run(["logits"], {"input": pillow_input(path, resample)})[0][0]
            entry[f"pillow_{resample_name}_top1"] = labels[int(np.argmax(pillow_logits))]
        summary[name] = entry
        print(f"{name:12s} ORT top-1 {top5[0]:4d} {labels[top5[0]]:22s} "
              f"input vs Pillow bilinear: mean {entry['pillow_bilinear_mean_abs_diff']:.4f} "
              f"max {entry['pillow_bilinear_max_abs_diff']:.3f} (top-1 {entry['pillow_bilinear_top1']}); "
              f"vs Pillow box: mean {entry['pillow_box_mean_abs_diff']:.4f}")
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
