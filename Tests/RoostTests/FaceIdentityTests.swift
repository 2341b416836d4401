import Foundation
import Testing
@testable import Shared
@testable import Worker

/// What the identity descriptors mean to a user: the same person matches, different people do
/// not (OpenCV's SFace threshold, cosine 0.363), and alignment maps landmarks onto the template.
@Suite("Face identity")
struct FaceIdentityTests {
    @Test("Grace Hopper matches a mirrored, cropped copy of herself and not the astronaut")
    func samePersonAndDifferentPeople() throws {
        let analyzer = try FaceFixture.analyzer()
        let grace = try analyzer.analyze(jpeg: try Fixtures.bytes("grace_hopper_512x512"), embeddings: true)
        let astronaut = try analyzer.analyze(jpeg: try Fixtures.bytes("astronaut"), embeddings: true)
        let original = try analyzer.detectorInput(jpeg: try Fixtures.bytes("grace_hopper_512x512")).image
        let variant = Self.mirrored(Self.cropped(original, x: 60, y: 40, width: 400, height: 440))
        let changed = try analyzer.analyze(detectorInput: variant, photoWidth: variant.width,
                                           photoHeight: variant.height, embeddings: true)
        let graceEmbedding = try #require(grace.faces.first?.embedding)
        let variantEmbedding = try #require(changed.faces.first?.embedding)
        let astronautEmbedding = try #require(astronaut.faces.first?.embedding)
        let same = FaceEmbedder.cosine(graceEmbedding, variantEmbedding)
        let different = FaceEmbedder.cosine(graceEmbedding, astronautEmbedding)
        print("faces identity: grace vs mirrored crop \(same), grace vs astronaut \(different)")
        #expect(same >= FaceEmbedder.matchThreshold)
        #expect(different < FaceEmbedder.matchThreshold)
        #expect(abs(graceEmbedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4, "descriptors are unit length")
        #expect(graceEmbedding.count == 128)
    }

    @Test("the template's own landmarks align with the identity transform")
    func alignmentOfTemplate() {
        let points = FaceAligner.template.map { DetectedFace.Point(Float($0.x), Float($0.y)) }
        let matrix = FaceAligner.transform(landmarks: points)
        let identity: [Double] = [1, 0, 0, 0, 1, 0]
        // OpenCV's stated template mean is rounded, so the translation is off by ~1e-3 px.
        #expect(zip(matrix, identity).allSatisfy { abs($0 - $1) < 2e-3 }, "\(matrix)")
    }

    @Test("a face twice the template's size, rotated 90°, is scaled by ½ and turned back")
    func alignmentOfRotatedFace() {
        // Photo point (x, y) = (200 − 2·ty, 100 + 2·tx): the template doubled and rotated.
        let points = FaceAligner.template.map { DetectedFace.Point(Float(200 - 2 * $0.y), Float(100 + 2 * $0.x)) }
        let m = FaceAligner.transform(landmarks: points)
        for (point, target) in zip(points, FaceAligner.template) {
            let x = m[0] * Double(point.x) + m[1] * Double(point.y) + m[2]
            let y = m[3] * Double(point.x) + m[4] * Double(point.y) + m[5]
            #expect(abs(x - target.x) < 2e-3 && abs(y - target.y) < 2e-3)
        }
        #expect(abs(m[0]) < 1e-5 && abs(m[1] - 0.5) < 1e-5, "\(m)")
    }

    @Test("analysing from several threads at once gives the serial results")
    func concurrent() throws {
        let analyzer = try FaceFixture.analyzer()
        let photos = ["grace_hopper_512x512", "messi5", "astronaut", "eagle"]
        let inputs = try photos.map { try Fixtures.bytes($0) }
        let serial = try inputs.map { try analyzer.analyze(jpeg: $0, embeddings: true).json.serialized() }
        let results = FaceConcurrentResults(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            results.set(i, try? analyzer.analyze(jpeg: inputs[i], embeddings: true))
        }
        // Timings differ between runs; everything else must be identical.
        let faces = results.values.map { $0.map { JSON.array($0.faces.map(\.json)).serialized() } }
        #expect(faces == serial.map { try? JSON.parse($0)["faces"]?.serialized() })
    }

    @Test("detector input size: photos up to the 1920 px cap keep their size, larger ones shrink to it")
    func detectorSize() {
        #expect(FaceAnalyzer.detectorSize(width: 512, height: 512) == (512, 512))
        #expect(FaceAnalyzer.detectorSize(width: 1, height: 1) == (1, 1))
        #expect(FaceAnalyzer.detectorSize(width: 1352, height: 900) == (1352, 900))
        #expect(FaceAnalyzer.detectorSize(width: 1920, height: 1080) == (1920, 1080))
        #expect(FaceAnalyzer.detectorSize(width: 2192, height: 1368) == (1920, 1198))
        #expect(FaceAnalyzer.detectorSize(width: 1368, height: 2192) == (1198, 1920))
        #expect(FaceAnalyzer.detectorSize(width: 64000, height: 1) == (1920, 1))
        #expect(FaceAnalyzer.detectorSize(width: 1352, height: 900, maxSide: 640) == (640, 426))
        // DCT scale: the smallest of 1/8, 1/4, 1/2 covering the short side, else full size.
        #expect(DecodeOptions.fastShortSide(width: 1352, height: 900, covering: (640, 426)) == 450)
        #expect(DecodeOptions.fastShortSide(width: 768, height: 576, covering: (640, 480)) == 576)
        #expect(DecodeOptions.fastShortSide(width: 6000, height: 4000, covering: (640, 427)) == 500)
    }

    static func cropped(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for row in y..<(y + height) {
            let start = (row * image.width + x) * 3
            pixels += image.pixels[start..<(start + width * 3)]
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func mirrored(_ image: RGBImage) -> RGBImage {
        var pixels = image.pixels
        for row in 0..<image.height {
            for column in 0..<image.width {
                let from = (row * image.width + image.width - 1 - column) * 3
                let to = (row * image.width + column) * 3
                pixels[to] = image.pixels[from]; pixels[to + 1] = image.pixels[from + 1]; pixels[to + 2] = image.pixels[from + 2]
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }
}

/// Per-index results written from concurrent threads.
private final class FaceConcurrentResults: @unchecked Sendable {
    // @unchecked Sendable: `storage` is only touched while holding `lock`.
    private let lock = NSLock()
    private var storage: [FacesResult?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: FacesResult?) { lock.withLock { storage[index] = value } }
    var values: [FacesResult?] { lock.withLock { storage } }
}
