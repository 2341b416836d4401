#!/usr/bin/env python3
"""Times the Python/TFLite path on the recordings bench/audio gives Roost, and prints both side by side."""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import soundfile
import soxr
from ai_edge_litert.interpreter import Interpreter

RATE, CHUNK = 48_000, 144_000


def chunks_of(signal):
    out = []
    for start in range(0, len(signal), CHUNK):
        piece = signal[start:start + CHUNK]
        if len(piece) < CHUNK // 2 and start > 0:
            break
        if len(piece) < CHUNK:
            piece = np.concatenate([piece, np.zeros(CHUNK - len(piece), dtype=np.float32)])
        out.append(piece.astype(np.float32))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--roost", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("recordings", nargs="+")
    args = parser.parse_args()
    roost = {row["file"]: row for row in map(json.loads, Path(args.roost).read_text().splitlines())}
    interpreter = Interpreter(model_path=args.model, num_threads=1)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]["index"]
    target = interpreter.get_output_details()[0]["index"]
    print(f"{'recording':<16}{'s':>6}{'chunks':>7} | {'Roost decode':>12}{'spectro+net':>12}{'per chunk':>10}{'RTF':>7} |"
          f" {'TFLite decode':>13}{'model':>8}{'per chunk':>10}{'RTF':>7} | {'Roost/TFLite':>12}")
    ratios = []
    total_roost = total_tflite = 0.0
    for path in args.recordings:
        name = Path(path).name
        decode, model = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            data, rate = soundfile.read(path, dtype="float32", always_2d=True)
            mono = data.mean(axis=1)
            signal = soxr.resample(mono, rate, RATE) if rate != RATE else mono
            chunks = chunks_of(signal.astype(np.float32))
            decode.append((time.perf_counter() - started) * 1000 / max(1, len(chunks)))
            for chunk in chunks:
                interpreter.set_tensor(source, chunk[np.newaxis, :])
                started = time.perf_counter()
                interpreter.invoke()
                model.append((time.perf_counter() - started) * 1000)
                interpreter.get_tensor(target)
        theirs = float(np.median(decode) + np.median(model))
        ours = roost[name]
        ratio = ours["per_chunk_ms"] / theirs
        ratios.append(ratio)
        total_roost += ours["per_chunk_ms"] * ours["chunks"]
        total_tflite += theirs * len(chunks)
        print(f"{name:<16}{ours['seconds']:>6.1f}{ours['chunks']:>7} | {ours['decode_resample_ms']:>12.2f}"
              f"{ours['spectrogram_ms'] + ours['network_ms']:>12.2f}{ours['per_chunk_ms']:>10.2f}{ours['realtime_factor']:>7.0f} |"
              f" {np.median(decode):>13.2f}{np.median(model):>8.2f}{theirs:>10.2f}{3000 / theirs:>7.0f} | {ratio:>12.2f}")
    print(f"geometric mean time ratio Roost/TFLite: {float(np.exp(np.mean(np.log(ratios)))):.2f}"
          f"  (Roost spectrogram {np.median([roost[Path(p).name]['spectrogram_ms'] for p in args.recordings]):.2f} ms,"
          f" network {np.median([roost[Path(p).name]['network_ms'] for p in args.recordings]):.2f} ms per chunk)")
    print(f"real-time factor (audio s per core s), all recordings: Roost {3000 * sum(roost[Path(p).name]['chunks'] for p in args.recordings) / total_roost:.0f},"
          f" TFLite {3000 * sum(roost[Path(p).name]['chunks'] for p in args.recordings) / total_tflite:.0f}")


if __name__ == "__main__":
    main()
