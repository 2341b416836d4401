import Foundation
import Testing
@testable import Inference
@testable import Worker

/// Reference cases written by scripts/make_op_tests.py: a model, input tensors and ONNX Runtime's outputs.
struct ReferenceCase {
    struct Entry: Decodable { let name: String; let shape: [Int]; let file: String }
    struct Manifest: Decodable { let model: String; let inputs: [Entry]; let outputs: [Entry] }

    let directory: URL
    let manifest: Manifest

    /// The repository root (this file lives in Tests/RoostTests).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the reference script (at most once per test process) when a case's data is missing.
    /// Command: python="$(scripts/venv.sh)"; "$python" scripts/make_op_tests.py all
    static let generation: Result<Void, InferenceError> = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "python=\"$(scripts/venv.sh)\" && \"$python\" scripts/make_op_tests.py all"]
        process.currentDirectoryURL = root
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(InferenceError(code: "reference_script", message: "\(error)"))
        }
        return process.terminationStatus == 0
            ? .success(())
            : .failure(InferenceError(code: "reference_script", message: "make_op_tests.py exited \(process.terminationStatus)"))
    }()

    /// Loads `.cache/<group>/<name>`, generating reference data first if needed.
    init(group: String, name: String) throws {
        directory = Self.root.appendingPathComponent(".cache/\(group)/\(name)")
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("case.json").path) {
            try Self.generation.get()
        }
        let data = try Data(contentsOf: directory.appendingPathComponent("case.json"))
        manifest = try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// The model file the case was made from.
    var modelURL: URL {
        manifest.model.hasPrefix("/") ? URL(fileURLWithPath: manifest.model) : Self.root.appendingPathComponent(manifest.model)
    }

    func tensor(_ entry: Entry) throws -> Tensor {
        let bytes = try Data(contentsOf: directory.appendingPathComponent(entry.file))
        let values = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return Tensor(shape: entry.shape, data: values)
    }

    var inputs: [String: Tensor] {
        get throws { try Dictionary(uniqueKeysWithValues: manifest.inputs.map { ($0.name, try tensor($0)) }) }
    }

    /// Runs the model in a session and returns, per output, (max |ours − ORT|, max |ORT|).
    func compare(threads: Int = 1) throws -> [String: (diff: Float, scale: Float)] {
        let model = try InferenceModel(contentsOf: modelURL, threads: threads)
        let outputs = try model.makeSession().run(try inputs)
        var result: [String: (Float, Float)] = [:]
        for entry in manifest.outputs {
            let expected = try tensor(entry)
            guard let actual = outputs[entry.name] else {
                throw InferenceError(code: "missing_output", message: entry.name)
            }
            #expect(actual.shape == expected.shape, "\(entry.name) shape")
            var diff: Float = actual.data.count == expected.data.count ? 0 : .infinity
            var scale: Float = 0
            for (a, e) in zip(actual.data, expected.data) {
                diff = max(diff, abs(a - e).isNaN ? .infinity : abs(a - e))
                scale = max(scale, abs(e))
            }
            result[entry.name] = (diff, scale)
            if ProcessInfo.processInfo.environment["INFERENCE_VERBOSE"] != nil { print("DIFF \(directory.lastPathComponent).\(entry.name) diff=\(diff) scale=\(scale) n=\(actual.data.count)") }
        }
        return result
    }
}
