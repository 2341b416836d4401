import Foundation
import Inference
import Shared

/// Classifies photos with torchvision's MobileNetV2 (ImageNet-1k) and reports the top five
/// classes plus a coarse category (bird, dog, cat, other).
///
/// Load once and share: the model is read when the classifier is created, and each thread that
/// calls `classify` gets its own inference session from a pool. Decoder errors (`ImageError`)
/// are thrown unchanged; they are permanent job errors. Every call is blocking CPU work: call it
/// from the worker's own threads, never from Swift's cooperative pool.
///
/// ```swift
/// let classifier = try ImageClassifier(modelsDirectory: URL(fileURLWithPath: "models"), threads: 1)
/// let result = try classifier.classify(jpeg: bytes)
/// print(result.json.serialized())   // {"model":"mobilenet_v2-imagenet1k (torchvision b0353104)",...}
/// ```
public final class ImageClassifier: Sendable {
    /// The model name reported in every result.
    public static let modelName = "mobilenet_v2-imagenet1k (torchvision b0353104)"
    /// The ONNX file loaded from the models directory.
    public static let modelFile = "mobilenet_v2.onnx"
    /// The label file loaded from the models directory.
    public static let labelsFile = "imagenet_labels.txt"
    /// Shorter side the JPEG decoder may DCT-scale down to (the resize target, so no detail the
    /// resize keeps is lost).
    public static let decodeShortSide = 256

    /// The 1000 class names, index-aligned with the logits: the first name on each line of the
    /// label file ("bald eagle" from "bald eagle, American eagle, Haliaeetus leucocephalus").
    public let labels: [String]
    /// The preprocessing applied to decoded images.
    public let preprocessor: ImagePreprocessor
    private let inputName: String
    private let outputName: String
    private let sessions: SessionPool<InferenceSession>

    /// Loads `mobilenet_v2.onnx` and `imagenet_labels.txt` from `modelsDirectory`.
    /// - Parameters:
    ///   - modelsDirectory: The folder `scripts/fetch-models.sh` fills (`models/`).
    ///   - threads: Threads each inference may use (1 = single-threaded; run several workers
    ///     for throughput).
    public init(modelsDirectory: URL, threads: Int = 1) throws {
        let labelsURL = modelsDirectory.appendingPathComponent(Self.labelsFile)
        let modelURL = modelsDirectory.appendingPathComponent(Self.modelFile)
        guard let text = try? String(contentsOf: labelsURL, encoding: .utf8) else {
            throw ClassifierError.missingFile(labelsURL)
        }
        let labels = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                (line.split(separator: ",").first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
            }
            .filter { !$0.isEmpty }
        guard labels.count == 1000 else {
            throw ClassifierError.badLabels("\(labelsURL.path) has \(labels.count) labels, expected 1000")
        }
        guard FileManager.default.fileExists(atPath: modelURL.path) else {
            throw ClassifierError.missingFile(modelURL)
        }
        let model = try InferenceModel(contentsOf: modelURL, threads: max(1, threads))
        guard let input = model.inputNames.first, let output = model.outputNames.first else {
            throw ClassifierError.badModel("\(modelURL.path) has no input or no output")
        }
        self.labels = labels
        self.preprocessor = ImagePreprocessor()
        self.inputName = input
        self.outputName = output
        self.sessions = SessionPool(model: model)
    }

    /// Decodes a JPEG (DCT-scaled so its shorter side stays ≥ 256) and classifies it.
    /// - Throws: `ImageError` from the decoder, `InferenceError` from the engine.
    public func classify(jpeg bytes: [UInt8]) throws -> Classification {
        let (input, decodeMs, preprocessMs) = try input(jpeg: bytes)
        return try classify(input: input, decodeMs: decodeMs, preprocessMs: preprocessMs)
    }

    /// Classifies an already decoded image.
    public func classify(image: RGBImage) throws -> Classification {
        let start = ContinuousClock.now
        let input = preprocessor.tensor(from: image)
        return try classify(input: input, decodeMs: 0, preprocessMs: Self.milliseconds(since: start))
    }

    /// The model input for a JPEG, with the decode and preprocessing times in milliseconds.
    public func input(jpeg bytes: [UInt8]) throws -> (tensor: Tensor, decodeMs: Double, preprocessMs: Double) {
        let start = ContinuousClock.now
        let decoded = try ImageDecoder.decode(bytes, options: Self.decodeOptions)
        let decodedAt = ContinuousClock.now
        let tensor = preprocessor.tensor(from: decoded.image)
        return (tensor, Self.milliseconds(from: start, to: decodedAt), Self.milliseconds(since: decodedAt))
    }

    /// The raw logits (1000 floats) for a prepared input tensor.
    public func logits(input: Tensor) throws -> [Float] {
        let outputs = try sessions.withSession { try $0.run([inputName: input]) }
        guard let logits = outputs[outputName], logits.data.count == labels.count else {
            throw ClassifierError.badModel("output \(outputName) is not \(labels.count) class scores")
        }
        return logits.data
    }

    /// Classifies a prepared input tensor.
    public func classify(input: Tensor, decodeMs: Double = 0, preprocessMs: Double = 0) throws -> Classification {
        let start = ContinuousClock.now
        let scores = try logits(input: input)
        return classification(logits: scores, inferenceMs: Self.milliseconds(since: start),
                              decodeMs: decodeMs, preprocessMs: preprocessMs)
    }

    /// The result for logits already computed (softmax, top five, category).
    public func classification(logits: [Float], inferenceMs: Double, decodeMs: Double = 0,
                               preprocessMs: Double = 0) -> Classification {
        Classification(logits: logits, labels: labels, model: Self.modelName,
                       inferenceMs: inferenceMs, decodeMs: decodeMs, preprocessMs: preprocessMs)
    }

    /// How photos are decoded for classification: DCT-scaled to a shorter side ≥ 256, upright.
    public static var decodeOptions: DecodeOptions {
        DecodeOptions(minimumShortSide: decodeShortSide, applyOrientation: true)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        milliseconds(from: start, to: .now)
    }

    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
