#!/usr/bin/env python3
"""BirdNET 2.4 through the TFLite runtime (ai-edge-litert, XNNPACK, one thread): the reference
Roost's own engine is checked against (verification venv only; Roost never runs Python).

    reference_birdnet.py MODEL.tflite OUT_DIR RECORDING_48K.wav [...]

For each recording (mono, 48 kHz, float32 or 16-bit PCM WAV) it splits the samples as birdnetlib
does (3-s chunks, no overlap; a last chunk shorter than 1.5 s is dropped, a longer one zero-padded),
except that a recording shorter than 1.5 s still gives its one zero-padded chunk (as Roost does)
and writes into OUT_DIR:
  <name>.input.f32        the chunks' samples, float32 little-endian, chunks × 144000
  <name>.logits.f32       the model's output per chunk, chunks × 6522
  <name>.spectrogram.f32  chunk 0's spectrogram tensor (`model/concatenate/concat`, NHWC 1×96×511×2)
  <name>.top.tsv          chunk, rank, class index, score = sigmoid(clip(logit, -15, 15))
"""
import struct
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

RATE = 48_000
CHUNK = 3 * RATE
MIN_LENGTH = int(1.5 * RATE)


def read_wav(path: Path) -> np.ndarray:
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SystemExit(f"{path}: not a WAV file")
    offset, fmt, samples = 12, None, None
    while offset + 8 <= len(data):
        tag, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        body = data[offset + 8:offset + 8 + size]
        if tag == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif tag == b"data":
            samples = body
        offset += 8 + size + (size & 1)
    code, channels, rate, _, _, bits = fmt
    if rate != RATE or channels != 1:
        raise SystemExit(f"{path}: {rate} Hz × {channels} channels; want 48 kHz mono")
    if bits == 32:
        return np.frombuffer(samples, dtype="<f4").astype(np.float32)
    if bits == 16:
        return np.frombuffer(samples, dtype="<i2").astype(np.float32) / 32768.0
    raise SystemExit(f"{path}: {bits}-bit samples are not handled here")


def chunks_of(signal: np.ndarray) -> list:
    chunks = []
    for start in range(0, len(signal), CHUNK):
        piece = signal[start:start + CHUNK]
        if len(piece) < MIN_LENGTH and start > 0:
            break
        if len(piece) < CHUNK:
            piece = np.concatenate([piece, np.zeros(CHUNK - len(piece), dtype=np.float32)])
        chunks.append(piece.astype(np.float32))
    return chunks


def main() -> None:
    model, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    interpreter = Interpreter(model_path=str(model), num_threads=1, experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]["index"]
    target = interpreter.get_output_details()[0]["index"]
    spectrogram = next(d["index"] for d in interpreter.get_tensor_details() if d["name"] == "model/concatenate/concat")
    for wav in map(Path, sys.argv[3:]):
        name = wav.name.split(".")[0].removesuffix("_48k")
        chunks = chunks_of(read_wav(wav))
        logits = []
        for index, chunk in enumerate(chunks):
            interpreter.set_tensor(source, chunk[np.newaxis, :])
            interpreter.invoke()
            logits.append(interpreter.get_tensor(target)[0].copy())
            if index == 0:
                interpreter.get_tensor(spectrogram).astype("<f4").tofile(out / f"{name}.spectrogram.f32")
        np.stack(chunks).astype("<f4").tofile(out / f"{name}.input.f32")
        logits = np.stack(logits).astype(np.float32)
        logits.astype("<f4").tofile(out / f"{name}.logits.f32")
        scores = 1 / (1 + np.exp(-np.clip(logits, -15, 15)))
        with open(out / f"{name}.top.tsv", "w") as table:
            table.write("chunk\trank\tclass\tscore\n")
            for index, row in enumerate(scores):
                for rank, cls in enumerate(np.argsort(-row)[:5]):
                    table.write(f"{index}\t{rank}\t{cls}\t{row[cls]:.6f}\n")
        print(f"{name}: {len(chunks)} chunks, top {np.argmax(scores[0])} {scores[0].max():.4f}")


if __name__ == "__main__":
    main()
