import Foundation
import Inference
import Shared

/// `roost-worker classify [--models DIR] [--threads N] [--bench N] [--dump-input DIR]
/// [--dump-logits DIR] photo.jpg...`: classifies photos from the command line.
///
/// Prints one JSON line per photo: the job result (`Classification.json`) with a `photo` member
/// first, or `{"photo", "error": {code, message}}` when the photo cannot be read. With
/// `--bench N` it prints, per photo and then for all photos together, the median and p90 of
/// decode+preprocess and of inference over N runs (after one warm-up run). `--dump-input` and
/// `--dump-logits` write `<photo name>.f32` files of raw little-endian float32 (the
/// [1,3,224,224] input tensor, the 1000 logits) for scripts/reference_classify.py.
///
/// The models folder defaults to `$ROOST_MODELS_DIR`, else `models`. Exit status: 0 when every
/// photo was classified, 1 when one failed, 2 on a usage or model-loading error.
func runClassifyCommand(_ arguments: [String]) -> Int32 {
    let options: ClassifyOptions
    do {
        options = try ClassifyOptions(arguments)
    } catch {
        FileHandle.standardError.write(Data("roost-worker classify: \(error)\n\(ClassifyOptions.usage)\n".utf8))
        return 2
    }
    let classifier: ImageClassifier
    do {
        classifier = try ImageClassifier(modelsDirectory: options.models, threads: options.threads)
    } catch {
        FileHandle.standardError.write(Data("roost-worker classify: \(error)\n".utf8))
        return 2
    }
    var status: Int32 = 0
    var allTimings = ClassifyTimings()
    for photo in options.photos {
        do {
            let bytes = try readPhoto(photo)
            let (input, decodeMs, preprocessMs) = try classifier.input(jpeg: bytes)
            let start = ContinuousClock.now
            let logits = try classifier.logits(input: input)
            let result = classifier.classification(
                logits: logits, inferenceMs: ImageClassifier.milliseconds(since: start),
                decodeMs: decodeMs, preprocessMs: preprocessMs)
            let name = URL(fileURLWithPath: photo).deletingPathExtension().lastPathComponent
            if let folder = options.dumpInput { try writeFloats(input.data, to: folder, name: name) }
            if let folder = options.dumpLogits { try writeFloats(logits, to: folder, name: name) }
            if let runs = options.benchRuns {
                let timings = try ClassifyTimings.measure(classifier, jpeg: bytes, input: input, runs: runs)
                allTimings.append(timings)
                printLine(timings.json(photo: photo, runs: runs))
            } else {
                printLine(.object([("photo", .string(photo))] + (result.json.objectValue ?? [])))
            }
        } catch {
            status = 1
            printLine(.object([("photo", .string(photo)), ("error", errorJSON(error))]))
        }
    }
    if let runs = options.benchRuns, options.photos.count > 1 {
        printLine(allTimings.json(photo: "all", runs: runs))
    }
    return status
}

/// The parsed command line of `roost-worker classify`.
struct ClassifyOptions {
    static let usage = "usage: roost-worker classify [--models DIR] [--threads N] [--bench N] "
        + "[--dump-input DIR] [--dump-logits DIR] photo.jpg..."

    var models = URL(fileURLWithPath: Environment().string("ROOST_MODELS_DIR", default: "models"))
    var threads = 1
    var benchRuns: Int?
    var dumpInput: URL?
    var dumpLogits: URL?
    var photos: [String] = []

    /// Parses `arguments` (everything after `classify`).
    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func count(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number >= 1 else {
                throw UsageError(description: "\(flag) needs a positive integer, got \(text)")
            }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--models": models = URL(fileURLWithPath: try value(argument))
            case "--threads": threads = try count(argument)
            case "--bench": benchRuns = try count(argument)
            case "--dump-input": dumpInput = URL(fileURLWithPath: try value(argument))
            case "--dump-logits": dumpLogits = URL(fileURLWithPath: try value(argument))
            case let flag where flag.hasPrefix("--"): throw UsageError(description: "unknown option \(flag)")
            default: photos.append(argument)
            }
        }
        if photos.isEmpty { throw UsageError(description: "no photos given") }
    }
}

/// A command-line mistake.
struct UsageError: Error, CustomStringConvertible {
    /// What was wrong.
    let description: String
}

private func readPhoto(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ClassifierError(code: "unreadable_photo", message: "cannot read \(path)")
    }
    return [UInt8](data)
}

private func writeFloats(_ values: [Float], to folder: URL, name: String) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // Little-endian on every platform Roost runs on (x86-64, arm64).
    let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
    try data.write(to: folder.appendingPathComponent(name + ".f32"))
}

private func errorJSON(_ error: Error) -> JSON {
    switch error {
    case let e as ImageError: return ["code": .string(e.code), "message": .string(e.message)]
    case let e as ClassifierError: return ["code": .string(e.code), "message": .string(e.message)]
    case let e as InferenceError: return ["code": .string(e.code), "message": .string(e.message)]
    default: return ["code": "internal", "message": .string(String(describing: error))]
    }
}

private func printLine(_ json: JSON) {
    print(json.serialized())
}
