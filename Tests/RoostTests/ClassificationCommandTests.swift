import Foundation
import Testing
@testable import Shared
@testable import Worker

/// `roost-worker classify`: option parsing, dump files and exit status, on real photos.
@Suite("Classification command")
struct ClassificationCommandTests {
    @Test("options parse; mistakes are usage errors")
    func options() throws {
        let options = try ClassifyOptions(["--models", "/m", "--threads", "2", "--bench", "5",
                                           "--dump-input", "/i", "--dump-logits", "/l", "a.jpg", "b.jpg"])
        #expect(options.models.path == "/m")
        #expect(options.threads == 2)
        #expect(options.benchRuns == 5)
        #expect(options.dumpInput?.path == "/i")
        #expect(options.dumpLogits?.path == "/l")
        #expect(options.photos == ["a.jpg", "b.jpg"])
        #expect(throws: UsageError.self) { try ClassifyOptions([]) }
        #expect(throws: UsageError.self) { try ClassifyOptions(["--threads", "0", "a.jpg"]) }
        #expect(throws: UsageError.self) { try ClassifyOptions(["--frobnicate", "a.jpg"]) }
        #expect(throws: UsageError.self) { try ClassifyOptions(["a.jpg", "--bench"]) }
    }

    @Test("dumps the input tensor and logits as raw float32; a bad photo makes the exit status 1")
    func dumps() throws {
        _ = try ClassifierFixture.classifier()   // fails with the fetch command when models are missing
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("roost-classify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let truncated = folder.appendingPathComponent("truncated.jpg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let eagle = try Fixtures.bytes("eagle")
        try Data(eagle.prefix(eagle.count / 2)).write(to: truncated)

        let models = ClassifierFixture.root.appendingPathComponent("models").path
        let ok = runClassifyCommand(["--models", models, "--dump-input", folder.path + "/in",
                                     "--dump-logits", folder.path + "/logits", Fixtures.url("eagle").path])
        #expect(ok == 0)
        let input = try Data(contentsOf: folder.appendingPathComponent("in/eagle.f32"))
        let logits = try ClassifierFixture.floats(folder.appendingPathComponent("logits/eagle.f32"))
        #expect(input.count == 3 * 224 * 224 * 4)
        #expect(logits.count == 1000)
        #expect(logits.indices.max { logits[$0] < logits[$1] } == 22)   // bald eagle

        let failed = runClassifyCommand(["--models", models, truncated.path])
        #expect(failed == 1)
        #expect(runClassifyCommand(["--models", folder.path, Fixtures.url("eagle").path]) == 2)
    }

    @Test("bench percentiles are nearest-rank")
    func percentiles() {
        let samples = (1...10).map(Double.init)
        #expect(ClassifyTimings.percentile(samples, 50) == 5)
        #expect(ClassifyTimings.percentile(samples, 90) == 9)
        #expect(ClassifyTimings.percentile([3], 90) == 3)
        #expect(ClassifyTimings.percentile([], 50) == 0)
    }
}
