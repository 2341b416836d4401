#!/usr/bin/env python3
"""Times OpenCV's FaceDetectorYN and FaceRecognizerSF on the photos Roost was just timed on and
prints both side by side with ratios (Roost / OpenCV; below 1 means Roost is faster).

Run by bench/faces, which times Roost first (FaceBenchmarkTests) and passes its JSON lines here.
Same model files, same detector input (scripts/reference_faces.py's detector_input: the image
Roost feeds its detector), cv2.setNumThreads(1). Verification venv only.
"""
import argparse
import json
import pathlib
import sys
import time

import cv2
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import reference_faces  # noqa: E402
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from timing import percentile, timed  # noqa: E402


def opencv_decode_resize(path, target):
    """What an OpenCV user does: full-size imread, then INTER_AREA to the detector size."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if (image.shape[1], image.shape[0]) != tuple(target):
        image = cv2.resize(image, tuple(target), interpolation=cv2.INTER_AREA)
    return image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--roost", required=True, help="JSON lines from FaceBenchmarkTests")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    detector = cv2.FaceDetectorYN.create(str(reference_faces.YUNET), "", (320, 320), 0.9, 0.3, 5000)
    recognizer = cv2.FaceRecognizerSF.create(str(reference_faces.SFACE), "")

    rows = [json.loads(line) for line in pathlib.Path(args.roost).read_text().splitlines() if line.strip()]
    totals = {"detect": ([], []), "embed": ([], [])}
    header = f"{'photo':<22} {'input':>8} {'stage':<13} {'Roost med/p90 ms':>18} {'OpenCV med/p90 ms':>18} {'ratio med':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        name = row["photo"]
        path = reference_faces.photo_path(name)
        image, _, _, target, _ = reference_faces.detector_input(path)
        detector.setInputSize(target)
        _, faces = detector.detect(image)
        stages = {
            "decode+resize": timed(lambda: opencv_decode_resize(path, target), args.runs),
            "detect": timed(lambda: detector.detect(image), args.runs),
        }
        if faces is not None and len(faces) and row.get("embed_ms"):
            face = faces[0]
            stages["embed"] = timed(lambda: recognizer.feature(recognizer.alignCrop(image, face)), args.runs)
        keys = {"decode+resize": "decode_resize_ms", "detect": "detect_ms", "embed": "embed_ms"}
        for stage, samples in stages.items():
            roost = row[keys[stage]]
            ours = (roost["median"], roost["p90"])
            theirs = (percentile(samples, 50), percentile(samples, 90))
            print(f"{name:<22} {target[0]:>4}x{target[1]:<4} {stage:<13} {ours[0]:>8.2f} / {ours[1]:<8.2f} "
                  f"{theirs[0]:>8.2f} / {theirs[1]:<8.2f} {ours[0] / theirs[0]:>9.2f}")
            if stage in totals:
                totals[stage][0].append(ours[0])
                totals[stage][1].append(theirs[0])
    for stage, (ours, theirs) in totals.items():
        if ours:
            print(f"{'all (sum of medians)':<22} {'':>9} {stage:<13} {sum(ours):>8.2f} {'':<10} {sum(theirs):>8.2f} "
                  f"{'':<10} {sum(ours) / sum(theirs):>9.2f}")


if __name__ == "__main__":
    main()
