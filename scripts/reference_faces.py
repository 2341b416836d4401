#!/usr/bin/env python3
"""OpenCV's face detection and identity on Roost's test photos, for FaceReferenceTests.

    python="$(scripts/venv.sh)"; "$python" scripts/reference_faces.py [NAME...]

Runs cv2.FaceDetectorYN (score 0.9, NMS 0.3, top_k 5000) and cv2.FaceRecognizerSF
(alignCrop + feature) with models/face_detection_yunet_2023mar_int8bq.onnx and
models/face_recognition_sface_2021dec_int8bq.onnx on .cache/fixtures/NAME.jpg, fed exactly as
Roost feeds its own detector: the photo decoded upright (cv2.imread applies EXIF orientation),
and only when its longer side exceeds 1920 (ROOST_FACE_MAX_SIDE's default), DCT-scaled by libjpeg
(IMREAD_REDUCED_COLOR_2/4/8 at the scale Roost's decoder picks, or full size) and area-resized
(INTER_AREA) to a longer side of 1920; the input size is set to that image's size (for all the
photos here: the photo's own size, FaceDetectorYN's usual use). Boxes and landmarks are scaled
back to photo pixels. Writes .cache/reference/faces-1920/NAME.json (the folder is named after the
size cap, so references made for an older cap are never mistaken for these):
    {photo, width, height, detector_input: [w, h], approximate_input: bool,
     faces: [{box: [x, y, w, h], score, landmarks: [[x, y] x 5], embedding: [128, unit length]}]}
approximate_input is true when the DCT scale is not one OpenCV can decode at (never, as Roost only
uses 1/8, 1/4, 1/2 and 1).
"""
import json
import math
import pathlib
import sys

import cv2
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / ".cache" / "fixtures"
OUT = ROOT / ".cache" / "reference" / "faces-1920"
YUNET = ROOT / "models" / "face_detection_yunet_2023mar_int8bq.onnx"
SFACE = ROOT / "models" / "face_recognition_sface_2021dec_int8bq.onnx"
DETECTOR_SIDE = 1920
DEFAULT_PHOTOS = ["grace_hopper_512x512", "messi5", "person", "astronaut", "eagle", "kite", "dog",
                  "messi5_large", "grace_hopper_orient6", "group_1280x886", "messi5_huge"]
# Photos derived here (written to .cache/reference/faces-1920/photos/): a face photo larger than
# 640 px (it used to be shrunk; now it is detected at its own size, and faces are scaled back
# correctly), one whose pixels are stored rotated with EXIF orientation 6 (so orientation handling
# is checked), messi5 enlarged 4x (2192x1368, above the 1920 cap: shrunk, faces scaled back),
# and a 1280x886 group photo of six small faces (issue 7, defect 10: detected at
# 640 px wide only three are found; at the photo's own size all six).
DERIVED = OUT / "photos"


def make_derived():
    from PIL import Image
    DERIVED.mkdir(parents=True, exist_ok=True)
    large = DERIVED / "messi5_large.jpg"
    if not large.exists():
        image = Image.open(FIXTURES / "messi5.jpg").convert("RGB")
        image.resize((image.width * 5 // 2, image.height * 5 // 2), Image.BICUBIC).save(large, quality=95)
    rotated = DERIVED / "grace_hopper_orient6.jpg"
    if not rotated.exists():
        image = Image.open(FIXTURES / "grace_hopper_512x512.jpg").convert("RGB")
        exif = Image.Exif()
        exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
        # Stored turned a quarter anticlockwise, so that turning it clockwise shows it upright.
        image.transpose(Image.Transpose.ROTATE_90).save(rotated, quality=95, exif=exif)
    huge = DERIVED / "messi5_huge.jpg"
    if not huge.exists():
        image = Image.open(FIXTURES / "messi5.jpg").convert("RGB")
        image.resize((image.width * 4, image.height * 4), Image.BICUBIC).save(huge, quality=95)
    group = DERIVED / "group_1280x886.jpg"
    if not group.exists():
        make_group(group)


def make_group(path):
    """Six faces 26-70 px wide (grace_hopper, messi5, astronaut, then the same three mirrored),
    cut from the fixtures with a margin around OpenCV's box, pasted in a row on kite.jpg shrunk
    to 1280x886."""
    detector = cv2.FaceDetectorYN.create(str(YUNET), "", (320, 320), 0.9, 0.3, 5000)
    crops = []
    for name in ("grace_hopper_512x512", "messi5", "astronaut"):
        image = cv2.imread(str(FIXTURES / f"{name}.jpg"))
        detector.setInputSize((image.shape[1], image.shape[0]))
        x, y, w, h = (int(v) for v in detector.detect(image)[1][0][:4])
        margin = int(0.6 * w)
        crop = image[max(0, y - margin):y + h + margin, max(0, x - margin):x + w + margin]
        crops.append((crop, w / crop.shape[1]))
    canvas = cv2.resize(cv2.imread(str(FIXTURES / "kite.jpg")), (1280, 886), interpolation=cv2.INTER_AREA)
    for index, (face_width, left) in enumerate(zip((26, 30, 34, 46, 56, 70), (60, 260, 460, 680, 900, 1090))):
        crop, fraction = crops[index % 3]
        if index >= 3:
            crop = crop[:, ::-1]
        side = int(face_width / fraction)
        crop = cv2.resize(crop, (side, int(side * crop.shape[0] / crop.shape[1])), interpolation=cv2.INTER_AREA)
        top = 300 + (index % 2) * 40
        canvas[top:top + crop.shape[0], left:left + crop.shape[1]] = crop
    cv2.imwrite(str(path), canvas, [cv2.IMWRITE_JPEG_QUALITY, 95])


def photo_path(name):
    derived = DERIVED / f"{name}.jpg"
    return derived if derived.exists() else FIXTURES / f"{name}.jpg"


def detector_size(width, height):
    """Roost's FaceAnalyzer.detectorSize: no enlarging, longer side at most 1920 (rounded)."""
    longer = max(width, height)
    if longer <= DETECTOR_SIDE:
        return width, height
    scale = DETECTOR_SIDE / longer
    return max(1, round(width * scale)), max(1, round(height * scale))


def scale_numerator(width, height, minimum_short_side):
    """Roost's DCT scale (FaceAnalyzer.decodeShortSide): the smallest of 1/8, 1/4, 1/2 whose
    short side ceil(short * M / 8) covers the detector input's short side, else full size."""
    short = min(width, height)
    for m in (1, 2, 4):
        if (short * m + 7) // 8 >= minimum_short_side:
            return m
    return 8


def detector_input(path):
    full = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if full is None:
        raise SystemExit(f"reference_faces: cannot decode {path}")
    height, width = full.shape[:2]
    target = detector_size(width, height)
    if target == (width, height):
        return full, width, height, target, False
    m = scale_numerator(width, height, min(target))
    reduced = {4: cv2.IMREAD_REDUCED_COLOR_2, 2: cv2.IMREAD_REDUCED_COLOR_4, 1: cv2.IMREAD_REDUCED_COLOR_8}
    approximate = False
    if m == 8:
        source = full
    elif m in reduced:
        source = cv2.imread(str(path), reduced[m])
    else:
        source, approximate = full, True
    image = cv2.resize(source, target, interpolation=cv2.INTER_AREA)
    return image, width, height, target, approximate


def analyse(name, detector, recognizer):
    path = photo_path(name)
    image, width, height, target, approximate = detector_input(path)
    detector.setInputSize(target)
    _, faces = detector.detect(image)
    sx, sy = width / target[0], height / target[1]
    result = []
    for face in ([] if faces is None else faces):
        aligned = recognizer.alignCrop(image, face)
        feature = recognizer.feature(aligned).flatten().astype(np.float64)
        feature /= np.linalg.norm(feature)
        result.append({
            "box": [float(face[0] * sx), float(face[1] * sy), float(face[2] * sx), float(face[3] * sy)],
            "score": float(face[14]),
            "landmarks": [[float(face[4 + 2 * n] * sx), float(face[5 + 2 * n] * sy)] for n in range(5)],
            "embedding": [float(v) for v in feature],
        })
    return {"photo": f"{name}.jpg", "width": width, "height": height, "detector_input": list(target),
            "approximate_input": approximate, "faces": result}


def main():
    for model in (YUNET, SFACE):
        if not model.exists():
            raise SystemExit(f"reference_faces: {model} missing: run scripts/fetch-models.sh")
    cv2.setNumThreads(1)
    detector = cv2.FaceDetectorYN.create(str(YUNET), "", (320, 320), 0.9, 0.3, 5000)
    recognizer = cv2.FaceRecognizerSF.create(str(SFACE), "")
    OUT.mkdir(parents=True, exist_ok=True)
    make_derived()
    for name in sys.argv[1:] or DEFAULT_PHOTOS:
        document = analyse(name, detector, recognizer)
        (OUT / f"{name}.json").write_text(json.dumps(document))
        boxes = ", ".join("[" + ", ".join(f"{v:.1f}" for v in f["box"]) + f"] {f['score']:.3f}" for f in document["faces"])
        print(f"{name}: {document['width']}x{document['height']} -> {document['detector_input']}: "
              f"{len(document['faces'])} faces {boxes}")


if __name__ == "__main__":
    main()
