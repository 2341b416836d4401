import Foundation
import Testing
@testable import Shared
@testable import Worker

/// Roost's half of bench/faces: single-threaded detection and embedding latency per photo.
///
/// Runs only when `ROOST_FACES_BENCH` is set to a number of runs (bench/faces sets it, with
/// `ROOST_FACES_BENCH_OUT` naming the JSON-lines file to write); otherwise it is skipped, so
/// ordinary test runs stay fast.
@Suite("Face benchmark")
struct FaceBenchmarkTests {
    static let runs = Int(ProcessInfo.processInfo.environment["ROOST_FACES_BENCH"] ?? "") ?? 0
    static let photos = ["grace_hopper_512x512", "messi5", "astronaut", "person", "dog", "kite"]

    @Test("detection and embedding latency", .enabled(if: runs > 0))
    func latency() throws {
        let analyzer = try FaceFixture.analyzer()
        var lines: [String] = []
        for photo in Self.photos {
            let bytes = try Fixtures.bytes(photo)
            let input = try analyzer.detectorInput(jpeg: bytes).image
            let prepare = try Self.measure { _ = try analyzer.detectorInput(jpeg: bytes) }
            let detect = try Self.measure { _ = try analyzer.detector.detect(input) }
            let faces = try analyzer.detector.detect(input)
            let embed = try faces.first.map { face in
                try Self.measure { _ = try analyzer.embedder.embedding(of: input, landmarks: face.landmarks) }
            } ?? []
            let line = JSON.object([
                ("photo", .string(photo)),
                ("input", .array([.int(input.width), .int(input.height)])),
                ("faces", .int(faces.count)),
                ("runs", .int(Self.runs)),
                ("decode_resize_ms", Self.summary(prepare)),
                ("detect_ms", Self.summary(detect)),
                ("embed_ms", embed.isEmpty ? .null : Self.summary(embed)),
            ]).serialized()
            print("faces bench \(line)")
            lines.append(line)
        }
        if let path = ProcessInfo.processInfo.environment["ROOST_FACES_BENCH_OUT"] {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    @Test("the cost of detecting at the photo's own size: 640 px cap vs 1920 px cap", .enabled(if: runs > 0))
    func detectorSizeCost() throws {
        let models = FaceFixture.root.appendingPathComponent("models")
        for photo in ["group_1280x886", "kite", "messi5_huge"] {
            let bytes = try FaceFixture.bytes(photo)
            for maxSide in [640, FaceAnalyzer.defaultMaxSide] {
                let analyzer = try FaceAnalyzer(modelsDirectory: models, maxSide: maxSide)
                let input = try analyzer.detectorInput(jpeg: bytes).image
                let whole = try Self.measure { _ = try analyzer.analyze(jpeg: bytes) }
                let detect = try Self.measure { _ = try analyzer.detector.detect(input) }
                let line = JSON.object([
                    ("photo", .string(photo)), ("max_side", .int(maxSide)),
                    ("input", .array([.int(input.width), .int(input.height)])),
                    ("faces", .int(try analyzer.detector.detect(input).count)), ("runs", .int(Self.runs)),
                    ("analyze_ms", Self.summary(whole)), ("detect_ms", Self.summary(detect)),
                ]).serialized()
                print("faces size bench \(line)")
            }
        }
    }

    /// Wall times in milliseconds of `runs` calls after one untimed warm-up.
    static func measure(_ body: () throws -> Void) throws -> [Double] {
        try body()
        return try (0..<runs).map { _ in
            let start = ContinuousClock.now
            try body()
            return FaceAnalyzer.milliseconds(ContinuousClock.now - start)
        }
    }

    static func summary(_ samples: [Double]) -> JSON {
        .object([("median", .double(percentile(samples, 50))), ("p90", .double(percentile(samples, 90)))])
    }

    /// Nearest-rank percentile.
    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return (sorted[min(max(rank, 1), sorted.count) - 1] * 1000).rounded() / 1000
    }
}
