import Foundation
import Inference
import Shared

/// Timing samples from `roost-worker classify --bench N`, in milliseconds.
struct ClassifyTimings {
    /// JPEG decode (with DCT scaling) per run.
    var decode: [Double] = []
    /// Resize, crop and normalise per run.
    var preprocess: [Double] = []
    /// Decode plus preprocess per run (what a job pays before the network).
    var decodeAndPreprocess: [Double] = []
    /// The network alone per run.
    var inference: [Double] = []

    /// Times `runs` decode+preprocess passes and `runs` inferences of one photo, after one
    /// untimed warm-up of each (first-touch page faults and session creation are not latency).
    static func measure(_ classifier: ImageClassifier, jpeg: [UInt8], input: Tensor, runs: Int) throws -> ClassifyTimings {
        var timings = ClassifyTimings()
        _ = try classifier.input(jpeg: jpeg)
        for _ in 0..<runs {
            let (_, decodeMs, preprocessMs) = try classifier.input(jpeg: jpeg)
            timings.decode.append(decodeMs)
            timings.preprocess.append(preprocessMs)
            timings.decodeAndPreprocess.append(decodeMs + preprocessMs)
        }
        _ = try classifier.logits(input: input)
        for _ in 0..<runs {
            let start = ContinuousClock.now
            _ = try classifier.logits(input: input)
            timings.inference.append(ImageClassifier.milliseconds(since: start))
        }
        return timings
    }

    /// Adds another photo's samples to these.
    mutating func append(_ other: ClassifyTimings) {
        decode += other.decode
        preprocess += other.preprocess
        decodeAndPreprocess += other.decodeAndPreprocess
        inference += other.inference
    }

    /// `{photo, runs, decode_ms, preprocess_ms, decode_preprocess_ms, inference_ms}`, each
    /// timing as `{median, p90}`.
    func json(photo: String, runs: Int) -> JSON {
        .object([
            ("photo", .string(photo)),
            ("runs", .int(runs)),
            ("decode_ms", Self.summary(decode)),
            ("preprocess_ms", Self.summary(preprocess)),
            ("decode_preprocess_ms", Self.summary(decodeAndPreprocess)),
            ("inference_ms", Self.summary(inference)),
        ])
    }

    private static func summary(_ samples: [Double]) -> JSON {
        .object([("median", .double(rounded(percentile(samples, 50)))), ("p90", .double(rounded(percentile(samples, 90))))])
    }

    /// Nearest-rank percentile (0 for no samples).
    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
