import Foundation
import Inference
import Shared

/// BirdNET 2.4 over a recording: decodes FLAC or WAV as a stream (never the whole file at once),
/// resamples to 48 kHz mono, cuts 3-s chunks every `3 − overlap` seconds and scores each with
/// the model. A last chunk shorter than 1.5 s is skipped (as BirdNET does) unless it is the only
/// one; shorter chunks are zero-padded to 3 s.
final class BirdSoundAnalyzer: Sendable {
    /// The model file under the models directory.
    static let modelFile = "birdnet/BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite"
    /// Its labels, `Scientific_Common` per line.
    static let labelsFile = "birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt"
    /// BirdNET's location/week species prior (optional: without it, requests with a location are not filtered and say so).
    static let priorFile = "birdnet/BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite"
    /// The name results carry.
    static let modelName = "birdnet-2.4"

    private let model: BirdNETModel
    private let labels: [(scientific: String, common: String)]
    private let maxSeconds: Double
    private let prior: SpeciesPrior?
    /// The files results depend on (model, labels, and the prior when installed): the result cache's fingerprint.
    var files: [String] { [Self.modelFile, Self.labelsFile] + (prior == nil ? [] : [Self.priorFile]) }
    private let sessions: SessionPool<BirdNETSession>

    /// Loads the model and labels from `modelsDirectory`.
    init(modelsDirectory: URL, maxSeconds: Double) throws {
        let model = try BirdNETModel(contentsOf: modelsDirectory.appendingPathComponent(Self.modelFile))
        self.model = model
        sessions = SessionPool(make: { model.makeSession() })
        let text = try String(contentsOf: modelsDirectory.appendingPathComponent(Self.labelsFile), encoding: .utf8)
        labels = text.split(separator: "\n").map { line in
            let parts = line.split(separator: "_", maxSplits: 1).map(String.init)
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
        guard labels.count == model.classCount else {
            throw JobError.permanent(JobErrorCode.internal, "\(Self.labelsFile) has \(labels.count) names for \(model.classCount) classes")
        }
        self.maxSeconds = maxSeconds
        let priorURL = modelsDirectory.appendingPathComponent(Self.priorFile)
        prior = FileManager.default.fileExists(atPath: priorURL.path) ? try SpeciesPrior(contentsOf: priorURL) : nil
    }

    /// Analyses `bytes` as `params` say.
    /// - Throws: `JobError` (`bad_audio`, permanent) for recordings that cannot be decoded.
    func analyse(_ bytes: [UInt8], params: AudioParams) throws -> AudioResult {
        let rate = BirdNETModel.sampleRate, length = model.chunkLength
        var reader: AudioReader
        do {
            reader = try AudioReader(bytes: bytes, targetRate: rate, maxSeconds: maxSeconds)
        } catch { throw JobError.permanent(JobErrorCode.badAudio, error.description) }   // AudioDecodeError (typed throws)
        let duration = reader.sourceFrames.map { Double($0) / Double(max(1, reader.sourceRate)) }
        let first = Int((params.start * Double(rate)).rounded())
        let stop = params.end.map { Int(($0 * Double(rate)).rounded()) } ?? Int.max
        let step = max(1, Int(((AudioParams.chunkSeconds - params.overlap) * Double(rate)).rounded()))
        var chunks: [AudioResult.Chunk] = []
        var inferenceMs = 0.0
        var allowed: [Bool]?
        var filter: JSON?
        if let latitude = params.latitude, let longitude = params.longitude, let prior {
            let occurrence = try prior.occurrence(latitude: latitude, longitude: longitude, week: params.week ?? -1)
            let keep = occurrence.map { Double($0) >= params.locationThreshold }
            allowed = keep
            filter = ["lat": .double(latitude), "lon": .double(longitude), "week": params.week.map { .int($0) } ?? .null,
                      "threshold": .double(params.locationThreshold), "species": .int(keep.filter { $0 }.count),
                      "method": "BirdNET 2.4 location/week prior (MData V2): species below the threshold are left out"]
        }
        var window: [Float] = []
        var position = first, finished = false
        do {
            try reader.seek(toOutputSample: first)
            try sessions.withSession { session in
                while position < stop {
                    while !finished && window.count < length {
                        let more = try reader.read(maxSamples: max(length - window.count, 4096))
                        if more.isEmpty { finished = true } else { window += more }
                    }
                    let available = min(window.count, length)
                    if available == 0 || (available < length / 2 && position > 0) { break }   // the recording's own first chunk is always kept
                    var chunk = Array(window.prefix(length))
                    if chunk.count < length { chunk += [Float](repeating: 0, count: length - chunk.count) }
                    let started = ContinuousClock.now
                    let logits = try session.logits(for: chunk)
                    inferenceMs += ImageClassifier.milliseconds(since: started)
                    chunks.append(AudioResult.Chunk(start: Double(position) / Double(rate), end: Double(position + length) / Double(rate),
                                                    species: species(logits, params, allowed: allowed)))
                    if available < length && finished { break }
                    window.removeFirst(min(step, window.count))
                    position += step
                }
            }
        } catch let error as AudioDecodeError {
            throw JobError.permanent(JobErrorCode.badAudio, error.description)
        }
        let end = params.end.map { min($0, duration ?? $0) } ?? duration ?? Double(position) / Double(rate)
        return AudioResult(model: Self.modelName,
                           method: "BirdNET 2.4 on Roost's engine: sigmoid(sensitivity × logit) per 3-s chunk, an independent score per species",
                           sampleRate: reader.sourceRate, channels: reader.channels, duration: duration ?? end,
                           start: params.start, end: end, chunks: chunks, inferenceMs: inferenceMs, locationFilter: filter)
    }

    /// The species of one chunk scoring at least the minimum confidence, best first, at most `top`.
    private func species(_ logits: [Float], _ params: AudioParams, allowed: [Bool]?) -> [AudioResult.Species] {
        let sensitivity = Float(params.sensitivity), threshold = Float(params.minConfidence)
        var heard: [(Int, Float)] = []
        for (index, logit) in logits.enumerated() where allowed?[index] ?? true {
            let score = 1 / (1 + expf(-sensitivity * min(max(logit, -15), 15)))
            if score >= threshold { heard.append((index, score)) }
        }
        heard.sort { $0.1 > $1.1 }
        return heard.prefix(params.top).map { index, score in
            AudioResult.Species(classIndex: index, scientificName: labels[index].scientific, commonName: labels[index].common,
                                score: Double(score))
        }
    }
}
