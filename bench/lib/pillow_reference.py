"""The Python stack's MobileNetV2 input, as a team would write it with Pillow and NumPy: shared by
bench/classify (timed against Roost's preprocessing) and bench/peers (the Celery task)."""
import io

import numpy as np
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def pillow_preprocess(data):
    """Decode (DCT-scaled with draft) + resize + centre crop + normalise, as a numpy NCHW tensor."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (256, 256))
    image = image.convert("RGB")
    w, h = image.size
    size = (256, max(256, 256 * h // w)) if w <= h else (max(256, 256 * w // h), 256)
    image = image.resize(size, Image.BILINEAR)
    left, top = (size[0] - 224) // 2, (size[1] - 224) // 2
    a = np.asarray(image.crop((left, top, left + 224, top + 224)), np.float32) / 255.0
    return np.ascontiguousarray(((a - MEAN) / STD).transpose(2, 0, 1)[None])
