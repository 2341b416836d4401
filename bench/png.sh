#!/usr/bin/env bash
# The PNG decoder beside Pillow, and its inflate beside zlib, on the same files, in one run.
#
#   bench/png.sh [RUNS] [FILE.png…]     # default 21 runs; default files: every PNG fixture
#
# Files: .cache/fixtures/png/*.png (`make fixtures`): the real photos (scikit-image astronaut,
# camera, chelsea, coffee; opencv-doc chicky_512) and the variants scripts/make_png_fixtures.py
# derives from them (every colour type, bit depth, Adam7, tRNS). For each file, back to back:
# Roost decodes the bytes to 8-bit RGB in-process (`roost-worker bench-png`, one thread) and
# Pillow does `Image.open(...).convert("RGB")`; then Roost's inflate and `zlib.decompress` each
# take the file's concatenated IDAT data. Medians of RUNS runs after a warm-up; ratios < 1 mean
# Roost is faster. The summary line gives the geometric means of the real photos and of all files.
# Figures go in docs/PERFORMANCE.md ("PNG decoding (issue 8)").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${1:-21}"
shift || true
worker="$root/.build/release/roost-worker"
[ -x "$worker" ] || { echo "missing $worker: swift build -c release" >&2; exit 1; }
python="$root/.venv-verify/bin/python3"
[ -x "$python" ] || python="$("$root/scripts/venv.sh")"
files=("$@")
real_count=0
if [ ${#files[@]} -eq 0 ]; then
    real=(astronaut camera chelsea chicky_512 coffee)
    for name in "${real[@]}"; do files+=(".cache/fixtures/png/$name.png"); done
    real_count=${#real[@]}
    for f in .cache/fixtures/png/*.png; do
        case " ${real[*]} " in *" $(basename "$f" .png) "*) ;; *) files+=("$f") ;; esac
    done
fi
[ -s "${files[0]}" ] || { echo "no PNG fixtures: make fixtures" >&2; exit 1; }
OMP_NUM_THREADS=1 exec "$python" bench/png.d/compare.py --worker "$worker" --runs "$runs" --real "$real_count" "${files[@]}"
