import Foundation
import Testing
@testable import Shared
@testable import Worker

/// The `faces` job handler as the worker runs it: the result document, the `embedding`
/// parameter, and hostile photos.
@Suite("Face handler")
struct FaceHandlerTests {
    private func handler() throws -> FacesHandler { FacesHandler(analyzer: try FaceFixture.analyzer(), resultVersion: nil) }

    @Test("the result has faces, image, detect_ms and embed_ms, and no embeddings unless asked")
    func result() throws {
        let bytes = try Fixtures.bytes("messi5")
        let plain = try handler().run(.facesJob(blob: bytes))
        let parsed = try JSON.parse(plain.serialized())
        #expect(parsed.objectValue?.map(\.0) == ["faces", "image", "detect_ms", "embed_ms"])
        #expect(parsed["image"]?["width"]?.intValue == 548 && parsed["image"]?["height"]?.intValue == 342)
        let face = try #require(parsed["faces"]?[0])
        #expect(face.objectValue?.map(\.0) == ["box", "score", "landmarks"])
        #expect(face["box"]?.arrayValue?.count == 4)
        #expect(face["landmarks"]?.arrayValue?.count == 5)
        #expect((parsed["detect_ms"]?.doubleValue ?? 0) > 0)
        #expect(parsed["embed_ms"]?.doubleValue == 0)

        let withEmbedding = try handler().run(.facesJob(blob: bytes, params: ["embedding": true]))
        let embedding = withEmbedding["faces"]?[0]?["embedding"]?.arrayValue
        #expect(embedding?.count == 128)
        #expect((withEmbedding["embed_ms"]?.doubleValue ?? 0) > 0)
    }

    @Test("a photo without faces gives an empty list, not an error")
    func noFace() throws {
        let result = try handler().run(.facesJob(blob: try Fixtures.bytes("eagle")))
        #expect(result["faces"]?.arrayValue?.isEmpty == true)
        #expect(result["image"]?["width"]?.intValue == 773)
    }

    @Test("a 1×1 JPEG is a photo without faces")
    func onePixel() throws {
        let result = try handler().run(.facesJob(blob: try Fixtures.bytes("pixel-1x1")))
        #expect(result["faces"]?.arrayValue?.isEmpty == true)
        #expect(result["image"]?["width"]?.intValue == 1 && result["image"]?["height"]?.intValue == 1)
    }

    @Test("a truncated JPEG fails permanently with the decoder's code")
    func truncated() throws {
        let bytes = try Fixtures.bytes("grace_hopper_512x512")
        let outcome = JobOutcome.from { try handler().run(.facesJob(blob: Array(bytes.prefix(bytes.count / 3)))) }
        guard case .failed(let code, _) = outcome else {
            Issue.record("expected a permanent failure, got \(outcome)")
            return
        }
        #expect(code == "truncated_jpeg")
    }

    @Test("bytes that are not a JPEG, a bad 'embedding' value and an expired upload fail permanently")
    func badInput() throws {
        let cases: [(RunningJob, String)] = [
            (.facesJob(blob: Array("hello".utf8)), "not_jpeg"),
            (.facesJob(blob: try Fixtures.bytes("messi5"), params: ["embedding": "yes"]), "bad_params"),
            (.facesJob(blob: nil), "image_expired"),
        ]
        for (job, expected) in cases {
            let outcome = JobOutcome.from { try handler().run(job) }
            guard case .failed(let code, _) = outcome else {
                Issue.record("expected \(expected), got \(outcome)")
                continue
            }
            #expect(code == expected)
        }
    }

    @Test("EXIF-rotated photos report upright coordinates")
    func rotated() throws {
        // eagle-orient6 is stored 512×773 with EXIF orientation 6, so it is displayed 773×512.
        let result = try handler().run(.facesJob(blob: try Fixtures.bytes("eagle-orient6")))
        #expect(result["image"]?["width"]?.intValue == 773 && result["image"]?["height"]?.intValue == 512)
    }
}
