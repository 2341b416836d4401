import Foundation
import Inference
import Shared

/// `roost-worker bench-audio [--models DIR] [--runs N] recording...`: times BirdNET's whole path
/// on each recording as the `audio` job runs it — decode + resample to 48 kHz (streamed), then per
/// 3-s chunk the spectrogram and the network — and prints one JSON line per recording with
/// per-chunk medians (milliseconds) over N runs and the real-time factor (seconds of audio per
/// second of one core). bench/audio puts the figures beside the TFLite runtime's.
func runBenchAudioCommand(_ arguments: [String]) -> Int32 {
    var models = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ROOST_MODELS_DIR"] ?? "models")
    var runs = 5
    var files: [String] = []
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--models": models = URL(fileURLWithPath: rest.popFirst() ?? "models")
        case "--runs": runs = max(1, Int(rest.popFirst() ?? "") ?? 5)
        default: files.append(argument)
        }
    }
    let model: BirdNETModel
    do { model = try BirdNETModel(contentsOf: models.appendingPathComponent(BirdSoundAnalyzer.modelFile)) } catch {
        FileHandle.standardError.write(Data("roost-worker bench-audio: \(error)\n".utf8))
        return 2
    }
    let session = model.makeSession()
    func milliseconds(_ start: ContinuousClock.Instant) -> Double { ImageClassifier.milliseconds(since: start) }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    for file in files {
        do {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            var decode: [Double] = [], spectrogram: [Double] = [], network: [Double] = []
            var chunkCount = 0, seconds = 0.0
            for _ in 0..<runs {
                var started = ContinuousClock.now
                var reader = try AudioReader(bytes: bytes, targetRate: BirdNETModel.sampleRate)
                var samples: [Float] = []
                while true {
                    let more = try reader.read(maxSamples: 65_536)
                    if more.isEmpty { break }
                    samples += more
                }
                let decodeMs = milliseconds(started)
                seconds = Double(samples.count) / Double(BirdNETModel.sampleRate)
                // BirdNET's chunks: every 3 s, the last one zero-padded when at least 1.5 s long (or the only one).
                var chunks: [[Float]] = []
                var position = 0
                while position < samples.count {
                    var chunk = Array(samples[position..<min(position + model.chunkLength, samples.count)])
                    if chunk.count < model.chunkLength / 2 && position > 0 { break }
                    chunk += [Float](repeating: 0, count: model.chunkLength - chunk.count)
                    chunks.append(chunk)
                    position += model.chunkLength
                }
                chunkCount = chunks.count
                decode.append(decodeMs / Double(max(1, chunks.count)))
                for chunk in chunks {
                    started = ContinuousClock.now
                    let tensor = try session.spectrogram(for: chunk)
                    spectrogram.append(milliseconds(started))
                    started = ContinuousClock.now
                    _ = try session.logits(spectrogram: tensor)
                    network.append(milliseconds(started))
                }
            }
            let perChunk = median(decode) + median(spectrogram) + median(network)
            let line: JSON = ["file": .string((file as NSString).lastPathComponent), "seconds": .double(seconds), "chunks": .int(chunkCount),
                              "runs": .int(runs), "decode_resample_ms": .double(median(decode)), "spectrogram_ms": .double(median(spectrogram)),
                              "network_ms": .double(median(network)), "per_chunk_ms": .double(perChunk),
                              "realtime_factor": .double(3000 / perChunk)]
            print(line.serialized())
        } catch {
            FileHandle.standardError.write(Data("roost-worker bench-audio: \(file): \(error)\n".utf8))
            return 1
        }
    }
    return 0
}
