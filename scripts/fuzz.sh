#!/usr/bin/env bash
# Builds and runs Roost's libFuzzer targets: the parsers that read untrusted bytes.
#
#   scripts/fuzz.sh                      # build every target, make seeds, run each for FUZZ_SECONDS (60)
#   FUZZ_SECONDS=600 scripts/fuzz.sh     # what `make fuzz FUZZ_SECONDS=600` runs
#   scripts/fuzz.sh build json http      # only build (or: run, seeds) the named targets
#
# Targets (harnesses in fuzz/<target>/main.swift):
#   http       Sources/Gateway/HTTP/Parsing      request parser, fed whole and in pieces
#   multipart  Sources/Gateway/HTTP/Multipart    multipart/form-data, whole body vs streamed
#   jpeg       Sources/Shared/Imaging/JPEG*      Swift marker walk + libjpeg-turbo through Sources/CJPEG
#   onnx       Sources/Worker/Inference/Onnx     protobuf reader and ONNX model decoder
#   json       Sources/Shared/Support/JSON.swift parser and serialiser round trip
#   png        Sources/Shared/Compression, Sources/Shared/Imaging/PNG   inflate, gzip and the PNG decoder
#   audio      Sources/Shared/Audio              FLAC and WAV decoders, resampler, seeking, header reader
#
# No SwiftPM: each harness is compiled by swiftc with `-sanitize=fuzzer,address` together with the
# source files it tests (internal types included), against a small `Shared` module built from
# just the Shared files it needs; the C shim is compiled by clang with the same instrumentation.
# Everything generated (binaries, seed corpora, the growing corpus, crashes, logs) lives outside
# git under $FUZZ_DIR (default ${ROOST_CACHE_DIR:-~/.cache/roost}/fuzz/<target>/{seeds,corpus,crashes}).
# Each target runs alone under `nice -n 19` (the machine is shared) with its own -max_len and
# -rss_limit_mb=2048. A crash stops that target, keeps its input in crashes/, and the script
# exits non-zero after the remaining targets ran; reproduce with
#   ~/.cache/roost/fuzz/build/fuzz-<target> ~/.cache/roost/fuzz/<target>/crashes/crash-...
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_DIR="${FUZZ_DIR:-${ROOST_CACHE_DIR:-$HOME/.cache/roost}/fuzz}"
build="$FUZZ_DIR/build"
all_targets=(http multipart jpeg onnx json png audio)

# The longest input each target is given: a request or form a little past the parsers' limits,
# a small photo, yunet (122 KB, the smallest real model), a JSON body.
max_len() {
    case "$1" in
        http) echo 8192 ;; multipart) echo 16384 ;; jpeg) echo 32768 ;; onnx) echo 131072 ;; json) echo 4096 ;; png) echo 65536 ;; audio) echo 32768 ;;
    esac
}

swift_flags=(-O -sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -use-ld=lld)

# A `Shared` module holding just `files`, for a harness to import (the real one pulls in hiredis).
build_shared() {
    local out="$1"; shift
    mkdir -p "$out"
    swiftc "${swift_flags[@]}" -wmo -module-name Shared -I "$build/CJPEG" \
        -emit-module -emit-module-path "$out/Shared.swiftmodule" -c "$@" -o "$out/Shared.o"
}

build_target() {
    local target="$1"
    local dir="$build/$target"
    mkdir -p "$dir"
    echo "fuzz: building $target" >&2
    case "$target" in
        http)
            build_shared "$dir" Sources/Shared/Support/JSON.swift
            swiftc "${swift_flags[@]}" -module-name FuzzHTTP -I "$dir" \
                fuzz/http/main.swift Sources/Gateway/HTTP/Parsing/*.swift Sources/Gateway/HTTP/HTTPError.swift \
                Sources/Gateway/HTTP/HTTPHeaders.swift Sources/Gateway/HTTP/HTTPResponse.swift \
                "$dir/Shared.o" -o "$build/fuzz-http" ;;
        multipart)
            build_shared "$dir" Sources/Shared/Support/JSON.swift
            swiftc "${swift_flags[@]}" -module-name FuzzMultipart -I "$dir" \
                fuzz/multipart/main.swift Sources/Gateway/HTTP/Multipart/*.swift Sources/Gateway/HTTP/Parsing/*.swift \
                Sources/Gateway/HTTP/HTTPError.swift Sources/Gateway/HTTP/HTTPHeaders.swift \
                Sources/Gateway/HTTP/HTTPResponse.swift "$dir/Shared.o" -o "$build/fuzz-multipart" ;;
        jpeg)
            mkdir -p "$build/CJPEG"
            printf 'module CJPEG {\n    header "%s"\n    export *\n}\n' "$root/Sources/CJPEG/include/cjpeg.h" \
                > "$build/CJPEG/module.modulemap"
            clang -O2 -g -fsanitize=fuzzer-no-link,address -I Sources/CJPEG/include -c Sources/CJPEG/shim.c -o "$dir/shim.o"
            build_shared "$dir" Sources/Shared/Imaging/*.swift
            swiftc "${swift_flags[@]}" -module-name FuzzJPEG -I "$dir" -I "$build/CJPEG" \
                fuzz/jpeg/main.swift "$dir/Shared.o" "$dir/shim.o" -ljpeg -o "$build/fuzz-jpeg" ;;
        onnx)
            swiftc "${swift_flags[@]}" -module-name FuzzOnnx \
                fuzz/onnx/main.swift Sources/Worker/Inference/Onnx/*.swift Sources/Worker/Inference/InferenceError.swift \
                -o "$build/fuzz-onnx" ;;
        json)
            build_shared "$dir" Sources/Shared/Support/JSON.swift
            swiftc "${swift_flags[@]}" -module-name FuzzJSON -I "$dir" \
                fuzz/json/main.swift "$dir/Shared.o" -o "$build/fuzz-json" ;;
        png)
            mkdir -p "$build/CJPEG"
            printf 'module CJPEG {\n    header "%s"\n    export *\n}\n' "$root/Sources/CJPEG/include/cjpeg.h" \
                > "$build/CJPEG/module.modulemap"
            clang -O2 -g -fsanitize=fuzzer-no-link,address -I Sources/CJPEG/include -c Sources/CJPEG/shim.c -o "$dir/shim.o"
            build_shared "$dir" Sources/Shared/Imaging/*.swift Sources/Shared/Imaging/PNG/*.swift Sources/Shared/Compression/*.swift
            swiftc "${swift_flags[@]}" -module-name FuzzPNG -I "$dir" -I "$build/CJPEG" \
                fuzz/png/main.swift "$dir/Shared.o" "$dir/shim.o" -ljpeg -o "$build/fuzz-png" ;;
        audio)
            build_shared "$dir" Sources/Shared/Audio/*.swift Sources/Shared/Crypto/MD5.swift Sources/Shared/Crypto/HexString.swift
            swiftc "${swift_flags[@]}" -module-name FuzzAudio -I "$dir" \
                fuzz/audio/main.swift "$dir/Shared.o" -o "$build/fuzz-audio" ;;
        *) echo "fuzz: unknown target $target (targets: ${all_targets[*]})" >&2; exit 2 ;;
    esac
}

# Writes `text` (printf escapes allowed) to a seed file.
seed() { printf "$2" > "$1"; }

make_seeds() {
    local target="$1"
    local seeds="$FUZZ_DIR/$target/seeds"
    rm -rf "$seeds"
    mkdir -p "$seeds"
    case "$target" in
        http)
            # First byte: the piece size the harness feeds with (byte % 16 + 1); then the stream.
            seed "$seeds/get" '\x03GET /v1/jobs/abc?wait=1 HTTP/1.1\r\nHost: roost\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n'
            seed "$seeds/post-length" '\x07POST /v1/classify HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: application/json\r\nContent-Length: 27\r\nIdempotency-Key: k-1\r\n\r\n{"image":"aGVsbG8=","k":5}'
            seed "$seeds/post-chunked" '\x01POST /v1/probe HTTP/1.1\r\nHost: roost\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n'
            seed "$seeds/pipelined" '\x05GET / HTTP/1.1\r\nHost: a\r\n\r\nDELETE /jobs/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
            seed "$seeds/absolute-form" '\x0fOPTIONS * HTTP/1.1\r\nHost: x\r\n\r\nGET http://roost:8080/ops/workers?token=a%%20b&x=+1 HTTP/1.1\r\nHost: roost\r\nContent-Length: 0, 0\r\n\r\n'
            seed "$seeds/bare-lf" '\x02\r\n\nPUT /x%%2Fy HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc'
            ;;
        multipart)
            # First line: the Content-Type value; the rest: the body.
            local jpeg=".cache/fixtures/pixel-1x1.jpg"
            { printf 'multipart/form-data; boundary=----roost7MA4YWxk\n'
              printf -- '------roost7MA4YWxk\r\nContent-Disposition: form-data; name="photo"; filename="pixel.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
              cat "$jpeg"
              printf -- '\r\n------roost7MA4YWxk\r\nContent-Disposition: form-data; name="kind"\r\n\r\nclassify\r\n------roost7MA4YWxk--\r\n'
            } > "$seeds/curl-upload"
            seed "$seeds/quoted-boundary" 'multipart/form-data; charset=utf-8; boundary="a;b \\"c"\n--a;b "c\nContent-Disposition: form-data; name="f"; filename*=UTF-8'"''"'%%C3%%A9t%%C3%%A9.jpg\n\ndata\n--a;b "c--\nepilogue'
            seed "$seeds/preamble-padding" 'Multipart/Form-Data;boundary=x\npreamble\r\n--x  \t\r\ncontent-disposition: form-data; name=a\r\n\r\n\r\n--not-x\r\n--x\r\nContent-Disposition: form-data; name="b"\r\nContent-Type: text/plain\r\n\r\nB\r\n--x--'
            ;;
        jpeg)
            # Real photos, made small: baseline, progressive, grayscale, CMYK (Adobe), EXIF-rotated,
            # plus the 1x1 fixture as is. Pillow from the verification venv (scripts/venv.sh).
            local py="$root/.venv-verify/bin/python"
            cp .cache/fixtures/pixel-1x1.jpg "$seeds/"
            if [ -x "$py" ]; then
                "$py" - "$seeds" <<'PY'
import sys
from PIL import Image
out = sys.argv[1]
src = Image.open(".cache/fixtures/eagle.jpg").convert("RGB")
small = src.resize((48, 32))
small.save(f"{out}/baseline.jpg", quality=75)
small.save(f"{out}/baseline-444.jpg", quality=90, subsampling=0)
small.resize((17, 9)).save(f"{out}/odd-size.jpg", quality=50)
small.save(f"{out}/progressive.jpg", quality=75, progressive=True)
small.convert("L").save(f"{out}/gray.jpg", quality=75)
small.convert("CMYK").save(f"{out}/cmyk.jpg", quality=75)
rotated = Image.open(".cache/fixtures/eagle-orient6.jpg")
exif = rotated.getexif()
rotated.convert("RGB").resize((24, 40)).save(f"{out}/orient6.jpg", quality=60, exif=exif)
PY
            else
                echo "fuzz: no .venv-verify; jpeg seeds are the small fixtures only" >&2
                cp .cache/fixtures/HappyFish.jpg "$seeds/"
            fi
            ;;
        onnx)
            # The operator test models (a few KB each) and the smallest real model, YuNet.
            local dir
            for dir in .cache/optests/*/; do
                [ -f "$dir/model.onnx" ] && cp "$dir/model.onnx" "$seeds/$(basename "$dir").onnx"
            done
            [ -f models/face_detection_yunet_2023mar_int8bq.onnx ] && cp models/face_detection_yunet_2023mar_int8bq.onnx "$seeds/yunet.onnx"
            ;;
        json)
            seed "$seeds/job" '{"id":"01HZX5","kind":"classify","state":"succeeded","attempts":1,"result":{"labels":[{"label":"bald eagle","score":0.9731},{"label":"kite","score":0.0112}]},"error":null}'
            seed "$seeds/faces" '{"faces":[{"box":[12.5,40,96,120.25],"score":0.91,"landmarks":[[1,2],[3,4]]}],"width":1280,"height":886}'
            seed "$seeds/escapes" '["\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/","\\u0000", "caf\xc3\xa9", -0.0, 1e308, -12345678901234567890, 3.14159e-5, true, false, null]'
            seed "$seeds/nested" '{"a":{"b":{"c":[[[{"d":[1,[2,[3,{}]]]}]]]}},"e":[]}'
            seed "$seeds/login" '  {\r\n\t"email" : "a@b.c" , "password":"p\\u0041ss" }  '
            ;;
        audio)
            # The first 24 KB of real FLAC and WAV fixtures (every subframe kind, block size, depth and
            # channel layout the fixtures have), behind mode bytes 0 (48 kHz), 1 (native rate), 6 (seek).
            local mode=0
            for f in .cache/fixtures/audio/birds/{cuckoo.flac,cuckoo_b1153.flac,cuckoo_w24.flac,cuckoo_6ch.flac,owl_s24.flac,stereo16.flac,owl_u8.wav,cuckoo_3ch.wav,owl_f32.wav} \
                     .cache/fixtures/audio/front_center.flac; do
                [ -f "$f" ] || continue
                { printf "\\x0$mode"; head -c 24576 "$f"; } > "$seeds/$(basename "$f")"
                mode=$(( (mode + 1) % 7 ))
            done
            ;;
        png)
            # Odd first byte: a PNG (the harness recomputes chunk CRCs); even: raw DEFLATE (and gzip).
            # The small fixtures cover every colour type, depth and interlacing (scripts/make_png_fixtures.py).
            for f in .cache/fixtures/png/camera-*.png; do
                [ "$(stat -c %s "$f")" -le 65000 ] || continue
                { printf '\x01'; cat "$f"; } > "$seeds/$(basename "$f")"
            done
            printf '\x00' > "$seeds/deflate-stored"; printf '\x01\x05\x00\xfa\xffhello' >> "$seeds/deflate-stored"
            { printf '\x02'; python3 -c 'import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(b"roost " * 500 + bytes(range(256))) + c.flush())'; } > "$seeds/deflate-dynamic"
            ;;
    esac
}

run_target() {
    local target="$1"
    local base="$FUZZ_DIR/$target"
    mkdir -p "$base/corpus" "$base/crashes"
    echo "fuzz: running $target for ${FUZZ_SECONDS}s (max_len $(max_len "$target"))" >&2
    local status=0
    nice -n 19 "$build/fuzz-$target" "$base/corpus" "$base/seeds" \
        -max_len="$(max_len "$target")" -rss_limit_mb=2048 -timeout=30 -max_total_time="$FUZZ_SECONDS" \
        -artifact_prefix="$base/crashes/" -print_final_stats=1 -print_pcs=0 \
        > "$base/last-run.log" 2>&1 || status=$?
    # One summary line: executions, rate, coverage, corpus, crashes kept so far.
    local runs rate cov
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$base/last-run.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$base/last-run.log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9]*[a-zA-Z]*' "$base/last-run.log" | tail -1)
    echo "fuzz: $target runs=${runs:-?} exec/s=${rate:-?} ${cov:-} crashes=$(ls "$base/crashes" | wc -l) exit=$status (log: $base/last-run.log)"
    return "$status"
}

command="all"
case "${1:-}" in build|seeds|run) command="$1"; shift ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

failed=()
for target in "${targets[@]}"; do
    case "$command" in
        build) build_target "$target" ;;
        seeds) make_seeds "$target" ;;
        run) run_target "$target" || failed+=("$target") ;;
        all) build_target "$target"; make_seeds "$target"; run_target "$target" || failed+=("$target") ;;
    esac
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]}; inputs under $FUZZ_DIR/<target>/crashes" >&2
    exit 1
fi
