import Foundation
import Testing
@testable import Shared
@testable import Inference
@testable import Worker

/// Roost's MobileNetV2 against ONNX Runtime on the same input tensors, and what a user sees.
///
/// Reference logits come from scripts/reference_classify.py (ONNX Runtime on the exact tensor
/// Roost's preprocessing produced, so only the engine is compared). When they are missing this
/// suite writes Roost's inputs and runs the script with the verification venv's python; without
/// the venv it fails with the command to run:
///
///     .build/release/roost-worker classify --dump-input .cache/reference/classify/inputs \
///         .cache/fixtures/{eagle,dog,person,messi5,chicky_512,chelsea}.jpg
///     "$(scripts/venv.sh)" scripts/reference_classify.py
@Suite("Classification against ONNX Runtime")
struct ClassificationReferenceTests {
    static let photos = ["eagle", "dog", "person", "messi5", "chicky_512", "chelsea"]

    @Test("logits match ONNX Runtime within 1e-3 with the same top-5 order", arguments: photos)
    func logitsMatchReference(photo: String) throws {
        let classifier = try ClassifierFixture.classifier()
        let reference = try ClassifierFixture.reference()
        let input = try ClassifierFixture.floats(reference.appendingPathComponent("inputs/\(photo).f32"))
        let expected = try ClassifierFixture.floats(reference.appendingPathComponent("\(photo).f32"))
        #expect(input.count == 3 * 224 * 224)
        #expect(expected.count == 1000)

        // The stored input must still be what Roost's preprocessing makes of the photo.
        let current = try classifier.input(jpeg: try Fixtures.bytes(photo)).tensor.data
        let inputDrift = zip(current, input).map { abs($0 - $1) }.max() ?? .infinity
        #expect(inputDrift <= 1e-5, "stale reference input for \(photo): delete .cache/reference/classify and rerun")

        let logits = try classifier.logits(input: Tensor(shape: [1, 3, 224, 224], data: input))
        let maxDiff = zip(logits, expected).map { abs($0 - $1) }.max() ?? .infinity
        print("classify reference \(photo): max abs logit diff \(maxDiff)")
        #expect(maxDiff <= 1e-3, "\(photo): max abs logit difference \(maxDiff)")
        #expect(Self.top5(logits) == Self.top5(expected))
    }

    @Test("eagle.jpg is a bald eagle, category bird")
    func eagle() throws {
        let result = try ClassifierFixture.classifier().classify(jpeg: try Fixtures.bytes("eagle"))
        #expect(result.top.first?.label == "bald eagle")
        #expect(result.top.first?.index == 22)
        #expect(result.category == "bird")
        #expect(result.top.count == 5)
        #expect(zip(result.top, result.top.dropFirst()).allSatisfy { $0.probability >= $1.probability })
    }

    @Test("chelsea.jpg is a cat")
    func chelsea() throws {
        let result = try ClassifierFixture.classifier().classify(jpeg: try Fixtures.bytes("chelsea"))
        #expect(result.category == "cat")
    }

    @Test("chicky_512.jpg is a dog, top-1 Pekinese")
    func chicky() throws {
        let result = try ClassifierFixture.classifier().classify(jpeg: try Fixtures.bytes("chicky_512"))
        #expect(result.category == "dog")
        #expect(result.top.first?.label == "Pekinese")
    }

    @Test("a truncated JPEG fails with the decoder's permanent error")
    func truncated() throws {
        let bytes = try Fixtures.bytes("eagle")
        let error = #expect(throws: ImageError.self) {
            try ClassifierFixture.classifier().classify(jpeg: Array(bytes.prefix(bytes.count / 3)))
        }
        #expect(error?.code == "truncated_jpeg")
        #expect(error?.isPermanent == true)
    }

    @Test("the job result JSON has exactly model, top, category and inference_ms")
    func json() throws {
        let result = try ClassifierFixture.classifier().classify(jpeg: try Fixtures.bytes("eagle"))
        let parsed = try JSON.parse(result.json.serialized())
        #expect(parsed.objectValue?.map(\.0) == ["model", "top", "category", "inference_ms"])
        #expect(parsed["model"]?.stringValue == "mobilenet_v2-imagenet1k (torchvision b0353104)")
        #expect(parsed["top"]?.arrayValue?.count == 5)
        #expect(parsed["top"]?[0]?.objectValue?.map(\.0) == ["index", "label", "probability"])
        #expect(parsed["top"]?[0]?["label"]?.stringValue == "bald eagle")
        #expect(parsed["category"]?.stringValue == "bird")
        #expect((parsed["inference_ms"]?.doubleValue ?? -1) > 0)
    }

    @Test("classifying from several threads at once gives the serial results")
    func concurrent() throws {
        let classifier = try ClassifierFixture.classifier()
        let inputs = try Self.photos.map { try Fixtures.bytes($0) }
        let serial = try inputs.map { try classifier.classify(jpeg: $0).top.map(\.index) }
        let results = ConcurrentResults(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            results.set(i, (try? classifier.classify(jpeg: inputs[i]))?.top.map(\.index))
        }
        #expect(results.values == serial.map { Optional($0) })
    }

    static func top5(_ values: [Float]) -> [Int] {
        Array(values.indices.sorted { values[$0] > values[$1] }.prefix(5))
    }
}

/// Per-index results written from concurrent threads.
private final class ConcurrentResults: @unchecked Sendable {
    // @unchecked Sendable: `storage` is only touched while holding `lock`.
    private let lock = NSLock()
    private var storage: [[Int]?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: [Int]?) { lock.withLock { storage[index] = value } }
    var values: [[Int]?] { lock.withLock { storage } }
}

/// The classifier and reference files the classification tests share, made once per run.
enum ClassifierFixture {
    /// The repository root, from this file's location.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let loaded: Result<ImageClassifier, Error> = Result {
        let models = root.appendingPathComponent("models")
        guard FileManager.default.fileExists(atPath: models.appendingPathComponent(ImageClassifier.modelFile).path) else {
            throw SetupError(description: "models/mobilenet_v2.onnx is missing: run scripts/fetch-models.sh")
        }
        return try ImageClassifier(modelsDirectory: models, threads: 1)
    }

    /// The shared classifier over `models/` (throws with the fetch command when it is missing).
    static func classifier() throws -> ImageClassifier { try loaded.get() }

    private static let referenceFolder: Result<URL, Error> = Result {
        let folder = root.appendingPathComponent(".cache/reference/classify")
        let needed = ClassificationReferenceTests.photos.flatMap { ["\($0).f32", "inputs/\($0).f32"] }
        if needed.allSatisfy({ FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            return folder
        }
        let shared = try classifier()
        let inputs = folder.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for photo in ClassificationReferenceTests.photos {
            let tensor = try shared.input(jpeg: try Fixtures.bytes(photo)).tensor
            try tensor.data.withUnsafeBufferPointer { Data(buffer: $0) }
                .write(to: inputs.appendingPathComponent("\(photo).f32"))
        }
        let python = root.appendingPathComponent(".venv-verify/bin/python")
        let command = "\"$(scripts/venv.sh)\" scripts/reference_classify.py"
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw SetupError(description: "reference logits missing and no .venv-verify: run \(command)")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [root.appendingPathComponent("scripts/reference_classify.py").path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SetupError(description: "scripts/reference_classify.py failed (status \(process.terminationStatus)); run \(command)")
        }
        return folder
    }

    /// The folder of reference logits and inputs, generated first when missing.
    static func reference() throws -> URL { try referenceFolder.get() }

    /// A raw little-endian float32 file.
    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Why the shared fixtures could not be set up, with the command that fixes it.
    struct SetupError: Error, CustomStringConvertible {
        /// What is missing and what to run.
        let description: String
    }
}
