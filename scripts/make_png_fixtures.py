"""Derives PNG test fixtures from the real photos and writes what Pillow decodes them to.

Verification-only (the .venv-verify python: Pillow, numpy, pypng). Usage:
    make_png_fixtures.py FIXTURES_DIR
Reads FIXTURES_DIR/raw/*.png (scikit-image and opencv-doc photos); writes FIXTURES_DIR/png/*.png
(the real ones plus variants covering every colour type, bit depth, interlacing and tRNS, written
by pypng, which unlike Pillow writes Adam7 and low bit depths) and, for each,
FIXTURES_DIR/reference/png/<name>.rgb (8-bit RGB, row-major) and <name>.alpha (when it has alpha).

The reference is Pillow's Image.open(...).convert("RGB") / .getchannel("A"), except for 16-bit
gray (Pillow opens it as I;16 and clips instead of scaling): there numpy's `>> 8` of the samples.
"""
import os, shutil, sys
import numpy as np
import png
from PIL import Image

fixtures = sys.argv[1]
raw, out, ref = (os.path.join(fixtures, d) for d in ("raw", "png", os.path.join("reference", "png")))
os.makedirs(out, exist_ok=True)
os.makedirs(ref, exist_ok=True)

def write(name, array, **info):
    """Writes `array` (rows × (width·channels)) with pypng under `name`.png."""
    target = os.path.join(out, name + ".png")
    with open(target + ".part", "wb") as f:
        png.Writer(**info).write(f, array.tolist())
    os.replace(target + ".part", target)

real = ["astronaut", "camera", "chelsea", "chicky_512", "coffee"]
for name in real:
    shutil.copyfile(os.path.join(raw, name + ".png"), os.path.join(out, name + ".png"))

chelsea = np.asarray(Image.open(os.path.join(raw, "chelsea.png")).convert("RGB"))
h, w, _ = chelsea.shape
camera = np.asarray(Image.open(os.path.join(raw, "camera.png")).convert("L"))[:300, :451]
chicky = np.asarray(Image.open(os.path.join(raw, "chicky_512.png")).convert("RGBA"))
flat = chelsea.reshape(h, w * 3)
write("chelsea-adam7", flat, width=w, height=h, greyscale=False, bitdepth=8, interlace=True)
# 16 bits: the photo in the high byte, a pattern in the low byte that the 8-bit result must drop.
rgb16 = flat.astype(np.uint16) << 8 | (np.arange(w * 3, dtype=np.uint16)[None, :] * 7 % 256)
write("chelsea-rgb16", rgb16, width=w, height=h, greyscale=False, bitdepth=16)
write("chelsea-rgb16-adam7", rgb16, width=w, height=h, greyscale=False, bitdepth=16, interlace=True)
for depth in (1, 2, 4):
    levels = (camera.astype(np.uint16) * ((1 << depth) - 1) + 127) // 255
    write(f"camera-gray{depth}", levels, width=451, height=300, greyscale=True, bitdepth=depth)
    write(f"camera-gray{depth}-adam7", levels, width=451, height=300, greyscale=True, bitdepth=depth, interlace=True)
gray16 = camera.astype(np.uint16) << 8 | 0x5A
write("camera-gray16", gray16, width=451, height=300, greyscale=True, bitdepth=16)
write("camera-gray-trns", camera, width=451, height=300, greyscale=True, bitdepth=8, transparent=0)
write("chicky-la8-adam7", chicky[:, :, [0, 3]].reshape(512, 512 * 2), width=512, height=512, greyscale=True, alpha=True,
      bitdepth=8, interlace=True)
rgba16 = chicky.astype(np.uint16) << 8 | 0x33
write("chicky-rgba16", rgba16.reshape(512, 512 * 4), width=512, height=512, greyscale=False, alpha=True, bitdepth=16)
write("chelsea-rgb-trns", flat, width=w, height=h, greyscale=False, bitdepth=8, transparent=tuple(int(v) for v in chelsea[0, 0]))
quantized = Image.fromarray(chelsea).quantize(colors=200)
palette = np.asarray(quantized.getpalette()[:600], dtype=np.uint8).reshape(200, 3)
alphas = [255 if i % 3 else 128 for i in range(150)]  # tRNS shorter than the palette, as usual
entries = [tuple(int(v) for v in palette[i]) + ((alphas[i],) if i < 150 else (255,)) for i in range(200)]
indices = np.asarray(quantized)
write("chelsea-palette-trns", indices, width=w, height=h, palette=entries, bitdepth=8)
write("chelsea-palette-trns-adam7", indices, width=w, height=h, palette=entries, bitdepth=8, interlace=True)
small = Image.fromarray(camera).quantize(colors=16)
write("camera-palette4", np.asarray(small), width=451, height=300,
      palette=[tuple(v) for v in np.asarray(small.getpalette()[:48]).reshape(16, 3).tolist()], bitdepth=4)

for file in sorted(os.listdir(out)):
    name = file[:-4]
    image = Image.open(os.path.join(out, file))
    if name in ("camera-gray16",):
        rgb = np.repeat((gray16 >> 8).astype(np.uint8)[:, :, None], 3, axis=2).tobytes()
    else:
        rgb = image.convert("RGB").tobytes()
    open(os.path.join(ref, name + ".rgb"), "wb").write(rgb)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if has_alpha and name not in ("camera-gray16",):
        open(os.path.join(ref, name + ".alpha"), "wb").write(image.convert("RGBA").getchannel("A").tobytes())
print(f"png fixtures: {len(os.listdir(out))}")
