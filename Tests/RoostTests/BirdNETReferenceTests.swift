import Foundation
import Testing
@testable import Inference
import Shared

/// BirdNET 2.4 on Roost's engine against the TFLite runtime (`ai-edge-litert`, XNNPACK, one
/// thread) on the same samples: real bird recordings from Debian's tuxpaint-stamps-default,
/// resampled to 48 kHz once at fixture time, split into 3-s chunks by the reference script.
@Suite("BirdNET agrees with the TFLite runtime", .serialized)
struct BirdNETReferenceTests {
    /// The recordings compared, with the species BirdNET names for them.
    static let recordings = [("cuckoo", "Cuculus canorus_Common Cuckoo"), ("tucan", "Ramphastos sulfuratus_Keel-billed Toucan"),
                             ("blackbird", "Agelaius phoeniceus_Red-winged Blackbird")]

    @Test("per-chunk scores within 1e-3 of TFLite, same top species", arguments: recordings)
    func scoresMatch(recording: (name: String, species: String)) throws {
        let model = try BirdNETFixture.model()
        let folder = try BirdNETFixture.reference()
        let input = try ClassifierFixture.floats(folder.appendingPathComponent("\(recording.name).input.f32"))
        let expected = try ClassifierFixture.floats(folder.appendingPathComponent("\(recording.name).logits.f32"))
        let chunks = input.count / model.chunkLength
        #expect(chunks >= 1 && expected.count == chunks * model.classCount)
        let session = model.makeSession()
        let labels = try BirdNETFixture.labels()
        var worst: Float = 0
        for chunk in 0..<chunks {
            let samples = Array(input[(chunk * model.chunkLength)..<((chunk + 1) * model.chunkLength)])
            let logits = try session.logits(for: samples)
            let reference = Array(expected[(chunk * model.classCount)..<((chunk + 1) * model.classCount)])
            for (ours, theirs) in zip(logits, reference) { worst = max(worst, abs(BirdNETFixture.score(ours) - BirdNETFixture.score(theirs))) }
            let top = logits.indices.max { logits[$0] < logits[$1] }!
            #expect(top == reference.indices.max { reference[$0] < reference[$1] }!)
            #expect(labels[top] == recording.species, "chunk \(chunk): \(labels[top])")
        }
        print("BirdNET agreement \(recording.name): \(chunks) chunks, largest score difference \(worst)")
        #expect(worst <= 1e-3, "largest score difference \(worst)")
    }

    @Test("the spectrogram matches the model's own intermediate tensor within 1e-3")
    func spectrogramMatches() throws {
        let model = try BirdNETFixture.model()
        let folder = try BirdNETFixture.reference()
        let input = try ClassifierFixture.floats(folder.appendingPathComponent("tucan.input.f32"))
        let reference = try ClassifierFixture.floats(folder.appendingPathComponent("tucan.spectrogram.f32"))
        let ours = try model.makeSession().spectrogram(for: Array(input.prefix(model.chunkLength)))
        let (channels, bands, frames) = (ours.shape[1], ours.shape[2], ours.shape[3])
        #expect(reference.count == ours.data.count)
        var worst: Float = 0, largest: Float = 0
        for c in 0..<channels { for b in 0..<bands { for t in 0..<frames {
            let theirs = reference[(b * frames + t) * channels + c]     // NHWC
            worst = max(worst, abs(ours.data[(c * bands + b) * frames + t] - theirs))
            largest = max(largest, abs(theirs))
        } } }
        print("BirdNET spectrogram: largest difference \(worst), largest value \(largest)")
        #expect(worst <= 1e-3 * max(1, largest), "largest difference \(worst), largest value \(largest)")
    }
}

/// The BirdNET model and the TFLite reference outputs the tests share, made once per run.
enum BirdNETFixture {
    /// The model file under `models/birdnet/` (`make models`).
    static let modelPath = "models/birdnet/BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite"

    private static let loaded: Result<BirdNETModel, Error> = Result {
        let url = ClassifierFixture.root.appendingPathComponent(modelPath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ClassifierFixture.SetupError(description: "\(modelPath) is missing: run scripts/fetch-models.sh")
        }
        return try BirdNETModel(contentsOf: url)
    }

    /// The shared model.
    static func model() throws -> BirdNETModel { try loaded.get() }

    /// The labels, `Scientific_Common`, in class order.
    static func labels() throws -> [String] {
        let url = ClassifierFixture.root.appendingPathComponent("models/birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// BirdNET's score: sigmoid of the logit clipped to ±15.
    static func score(_ logit: Float) -> Float { 1 / (1 + exp(-min(max(logit, -15), 15))) }

    private static let referenceFolder: Result<URL, Error> = Result {
        let root = ClassifierFixture.root
        let folder = root.appendingPathComponent(".cache/reference/birdnet")
        let names = BirdNETReferenceTests.recordings.map(\.0)
        let needed = names.flatMap { ["\($0).input.f32", "\($0).logits.f32", "\($0).spectrogram.f32"] }
        if needed.allSatisfy({ FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }) { return folder }
        let wavs = names.map { root.appendingPathComponent(".cache/fixtures/audio/birds/\($0)_48k.wav").path }
        let run = try VerificationScript.run("reference_birdnet.py", [root.appendingPathComponent(modelPath).path, folder.path] + wavs)
        guard run.status == 0 else {
            throw ClassifierFixture.SetupError(description: "scripts/reference_birdnet.py failed: \(run.output.suffix(800))")
        }
        return folder
    }

    /// The folder of reference inputs and outputs, generated first when missing.
    static func reference() throws -> URL { try referenceFolder.get() }
}

/// BirdNET's species prior on Roost's evaluator against the TFLite runtime (values printed by
/// `ai-edge-litert` for the same inputs, recorded here).
@Suite("BirdNET species prior") struct SpeciesPriorTests {
    @Test("occurrence agrees with TFLite where the birds live and where they do not")
    func occurrence() throws {
        let url = ClassifierFixture.root.appendingPathComponent("models/birdnet/BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite")
        let prior = try SpeciesPrior(contentsOf: url)
        // (lat, lon, week) → TFLite's Red-winged Blackbird (124), Common Cuckoo (1715), classes ≥ 0.03.
        let cases: [(Double, Double, Int, Float, Float, Int)] = [
            (42.45, -76.5, 18, 0.8807579, 0.00022449961, 157),   // Ithaca, New York, early May
            (-33.87, 151.21, 18, 6.9337616e-09, 8.270689e-09, 146),   // Sydney
            (51.5, -0.12, 18, 4.3336142e-05, 0.444941, 141),   // London
            (42.45, -76.5, -1, 0.8996735, 0.0018455109, 255),   // Ithaca, whole year
        ]
        for (lat, lon, week, blackbird, cuckoo, count) in cases {
            let p = try prior.occurrence(latitude: lat, longitude: lon, week: week)
            #expect(p.count == 6522)
            #expect(abs(p[124] - blackbird) < 1e-4 && abs(p[1715] - cuckoo) < 1e-4, "\(lat),\(lon),\(week): \(p[124]) \(p[1715])")
            #expect(abs(p.filter { $0 >= 0.03 }.count - count) <= 1, "\(lat),\(lon),\(week)")
        }
        #expect(AudioParams.week(dayOfYear: 122, daysInYear: 366) == 16 && AudioParams.week(dayOfYear: 123, daysInYear: 366) == 17)
        #expect(AudioParams.week(dayOfYear: 1, daysInYear: 365) == 1 && AudioParams.week(dayOfYear: 365, daysInYear: 365) == 48)
    }
}
