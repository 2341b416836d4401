import Foundation
import Shared

/// The result of classifying one photo with MobileNetV2.
public struct Classification: Sendable {
    /// One of the most probable classes.
    public typealias Prediction = (index: Int, label: String, probability: Double)

    /// Which model and weights produced this result.
    public let model: String
    /// The five most probable classes, most probable first (softmax probabilities).
    public let top: [Prediction]
    /// "bird", "dog", "cat" or "other" (see `ImageNetCategories`).
    public let category: String
    /// Wall time of the network alone, in milliseconds.
    public let inferenceMs: Double
    /// Wall time of JPEG decoding, in milliseconds (0 when classifying a decoded image).
    public let decodeMs: Double
    /// Wall time of resizing, cropping and normalising, in milliseconds.
    public let preprocessMs: Double

    /// The job result: `{model, top: [{index, label, probability}], category, inference_ms}`.
    public var json: JSON {
        .object([
            ("model", .string(model)),
            ("top", .array(top.map { prediction in
                .object([
                    ("index", .int(prediction.index)),
                    ("label", .string(prediction.label)),
                    ("probability", .double(Self.rounded(prediction.probability, places: 6))),
                ])
            })),
            ("category", .string(category)),
            ("inference_ms", .double(Self.rounded(inferenceMs, places: 3))),
        ])
    }

    /// Builds a result from the network's raw logits.
    /// - Parameters:
    ///   - logits: The 1000 class scores.
    ///   - labels: The class names, indexed like `logits`.
    ///   - model: The model description to report.
    ///   - inferenceMs: Network time.
    ///   - decodeMs: Decode time.
    ///   - preprocessMs: Preprocessing time.
    init(logits: [Float], labels: [String], model: String,
         inferenceMs: Double, decodeMs: Double, preprocessMs: Double) {
        let probabilities = Self.softmax(logits)
        // Partial selection of the top five: cheaper and clearer than sorting 1000 entries.
        var best: [Int] = []
        for index in probabilities.indices {
            if best.count < 5 || probabilities[index] > probabilities[best[best.count - 1]] {
                let position = best.firstIndex { probabilities[index] > probabilities[$0] } ?? best.count
                best.insert(index, at: position)
                if best.count > 5 { best.removeLast() }
            }
        }
        self.model = model
        self.top = best.map { (index: $0, label: labels[$0], probability: probabilities[$0]) }
        self.category = best.isEmpty
            ? "other" : ImageNetCategories.category(forTop: best[0], probabilities: probabilities)
        self.inferenceMs = inferenceMs
        self.decodeMs = decodeMs
        self.preprocessMs = preprocessMs
    }

    /// Numerically stable softmax, in Double so small probabilities keep their digits.
    static func softmax(_ logits: [Float]) -> [Double] {
        guard let maximum = logits.max() else { return [] }
        let exponentials = logits.map { exp(Double($0 - maximum)) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    private static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10.0, Double(places))
        return (value * scale).rounded() / scale
    }
}
