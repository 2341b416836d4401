"""Reference outputs for Roost's audio decoders and resampler (AudioDecoderTests, ResamplerTests).

    python scripts/reference_audio.py .cache/fixtures/audio/birds     # run by scripts/fetch-fixtures.sh

Reads the fixtures that fetch-fixtures.sh made with Debian's oggdec, flac and sox, and writes:
  reference/<file>.f32          what numpy reads from each WAV, and from Debian `flac -d` of each FLAC:
                                mono (channels averaged), integers divided by 2^(bits-1)
  reference/<wav>.soxr48k.f32   soxr 1.1.0 (VHQ) resampling of that mono signal to 48 kHz
  <bird>_48k.wav                the same soxr output as a 32-bit float WAV (what BirdNET is fed)
All .f32 files are raw little-endian float32. Prints one line per file.
"""
import glob
import os
import struct
import subprocess
import sys

import numpy as np
import soxr

# Sources the resampler is compared on: a native 22.05 kHz call, 44.1 kHz calls and a 16 kHz copy.
RESAMPLED = ["heron", "cuckoo", "tucan", "blackbird", "owl", "blackbird_16k"]
BIRDNET_INPUTS = ["cuckoo", "tucan", "blackbird", "owl"]
TARGET_RATE = 48_000


def read_wav(data):
    """(mono float64 signal, sample rate) of RIFF WAVE bytes: PCM 8/16/24/32-bit, float 32/64, extensible."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", "not a WAV"
    offset, fmt = 12, None
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        body = data[offset + 8:offset + 8 + size]
        if chunk == b"fmt ":
            code, channels, rate, _, align, bits = struct.unpack("<HHIIHH", body[:16])
            if code == 0xFFFE:
                code = struct.unpack("<H", body[24:26])[0]  # the sub-format GUID starts with the format code
            fmt = (code, channels, rate, align, bits)
        elif chunk == b"data":
            code, channels, rate, align, bits = fmt
            frames = len(body) // align
            raw = np.frombuffer(body[:frames * align], dtype=np.uint8).reshape(frames, channels, align // channels)
            if code == 3:
                samples = raw.copy().view("<f4" if bits == 32 else "<f8")[..., 0].astype(np.float64)
            elif bits == 8:
                samples = raw[..., 0].astype(np.float64) - 128
            else:
                width = bits // 8
                padded = np.zeros((frames, channels, 4), dtype=np.uint8)
                padded[..., 4 - width:] = raw  # left-justify, then an arithmetic shift sign-extends
                samples = (padded.view("<i4")[..., 0] >> (32 - bits)).astype(np.float64)
            if code != 3:
                samples = samples / 2.0 ** (bits - 1)
            return samples.mean(axis=1), rate
        offset += 8 + size + (size & 1)
    raise ValueError("no data chunk")


def write_f32(path, signal):
    with open(path + ".part", "wb") as f:
        f.write(np.asarray(signal, dtype="<f4").tobytes())
    os.replace(path + ".part", path)


def write_float_wav(path, signal, rate):
    body = np.asarray(signal, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    header = b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(body)) + b"WAVE"
    with open(path + ".part", "wb") as f:
        f.write(header + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(body)) + body)
    os.replace(path + ".part", path)


def main(folder):
    reference = os.path.join(folder, "reference")
    os.makedirs(reference, exist_ok=True)
    decoded = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.wav")) + glob.glob(os.path.join(folder, "*.flac"))):
        name = os.path.basename(path)
        if name.endswith("_48k.wav") or name == "long.flac":  # long.flac: the tests count its samples
            continue
        if name.endswith(".flac"):
            data = subprocess.run(["flac", "-d", "-s", "-c", path], check=True, capture_output=True).stdout
        else:
            data = open(path, "rb").read()
        signal, rate = read_wav(data)
        decoded[name] = (signal, rate)
        write_f32(os.path.join(reference, name + ".f32"), signal)
        print(f"{name}\t{rate} Hz\t{len(signal)} frames")
    for stem in RESAMPLED:
        signal, rate = decoded[stem + ".wav"]
        out = soxr.resample(signal, rate, TARGET_RATE, quality="VHQ")
        write_f32(os.path.join(reference, stem + ".wav.soxr48k.f32"), out)
        print(f"{stem}.wav\t{rate} -> {TARGET_RATE} Hz (soxr VHQ)\t{len(out)} samples")
        if stem in BIRDNET_INPUTS:
            write_float_wav(os.path.join(folder, stem + "_48k.wav"), out, TARGET_RATE)


if __name__ == "__main__":
    main(sys.argv[1])
