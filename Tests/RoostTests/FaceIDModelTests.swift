import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The pieces under the face API: reading the `faces` job result, choosing the face, storing and
/// comparing embeddings, and the panel size rule.
@Suite("FaceID model")
struct FaceIDModelTests {
    /// A result in the shape the worker's `faces` job documents, with two faces.
    static func result(embeddingA: [Float], embeddingB: [Float]) -> String {
        func list(_ values: [Float]) -> String { values.map { String($0) }.joined(separator: ",") }
        return """
            {"faces":[{"box":[10,20,60,80],"score":0.91,"landmarks":[[1,2],[3,4],[5,6],[7,8],[9,10]],"embedding":[\(list(embeddingA))]},
            {"box":[200,40,120,150],"score":0.72,"landmarks":[[1,2],[3,4],[5,6],[7,8],[9,10]],"embedding":[\(list(embeddingB))]}],
            "image":{"width":512,"height":512},"detect_ms":12.5,"embed_ms":8.25}
            """
    }

    /// A deterministic pseudo-random vector (xorshift64 from `seed`), values in -1...1.
    static func embedding(seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<128).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(Double(state >> 11) / Double(1 << 53) * 2 - 1)
        }
    }

    @Test("the result parses; the principal face is the largest, the more confident among equals")
    func principalFace() throws {
        let a = Self.embedding(seed: 1), b = Self.embedding(seed: 2)
        let faces = try #require(DetectedFace.parseResult(Self.result(embeddingA: a, embeddingB: b)))
        #expect(faces.count == 2)
        let principal = try #require(DetectedFace.principal(of: faces))
        #expect(principal.box == [200, 40, 120, 150], "largest box wins over the higher score")
        #expect(principal.identity == FaceEmbedding(values: b))
        #expect(principal.summaryJSON.serialized() == #"{"box":[200,40,120,150],"score":0.72}"#)

        let tie = try #require(DetectedFace.parseResult("""
            {"faces":[{"box":[0,0,50,50],"score":0.6},{"box":[100,100,50,50],"score":0.9}],"image":{"width":320,"height":240}}
            """))
        #expect(DetectedFace.principal(of: tie)?.roundedScore == 0.9)
        #expect(DetectedFace.principal(of: tie)?.identity == nil, "no embedding asked, none parsed")
        #expect(DetectedFace.parseResult(#"{"faces":[],"image":{"width":1,"height":1}}"#)?.isEmpty == true)
        for broken in ["", "{}", #"{"faces":{}}"#, #"{"faces":[{"box":[1,2,3],"score":1}]}"#, #"{"faces":[{"box":[1,2,3,4]}]}"#] {
            #expect(DetectedFace.parseResult(broken) == nil, "\(broken)")
        }
    }

    @Test("embeddings are unit length, survive the 512-byte stored form exactly, and compare by cosine")
    func embeddings() throws {
        let raw = Self.embedding(seed: 7)
        let embedding = try #require(FaceEmbedding(values: raw.map { $0 * 3 }))
        let length = embedding.values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(length - 1) < 1e-5)
        #expect(embedding.bytes.count == 512)
        let restored = try #require(FaceEmbedding(bytes: embedding.bytes))
        #expect(restored.bytes == embedding.bytes)
        #expect(abs(embedding.similarity(to: restored) - 1) < 1e-5)
        let opposite = try #require(FaceEmbedding(values: raw.map { -$0 }))
        #expect(abs(embedding.similarity(to: opposite) + 1) < 1e-5)
        let other = try #require(FaceEmbedding(values: Self.embedding(seed: 8)))
        #expect(abs(embedding.similarity(to: other)) < 0.363, "unrelated random vectors are far apart")

        #expect(FaceEmbedding(values: Array(raw.prefix(127))) == nil)
        #expect(FaceEmbedding(values: [Float](repeating: 0, count: 128)) == nil)
        #expect(FaceEmbedding(values: raw.enumerated().map { $0.offset == 5 ? .nan : $0.element }) == nil)
        #expect(FaceEmbedding(bytes: [UInt8](repeating: 0, count: 511)) == nil)
        #expect(FaceEmbedding(bytes: [UInt8](repeating: 0, count: 512)) == nil, "a zero vector is not a face")
    }

    @Test("panel photo sizes: 320×240 to 5120×2700, either way round")
    func photoSizes() {
        let settings = FaceIDSettings()
        for (w, h) in [(320, 240), (240, 320), (5_120, 2_700), (2_700, 5_120), (512, 512), (2_700, 2_700), (1_920, 1_080)] {
            #expect(settings.acceptsImage(width: w, height: h), "\(w)×\(h)")
        }
        for (w, h) in [(319, 240), (320, 239), (5_121, 2_700), (5_120, 2_701), (2_701, 2_701), (1, 1), (6_000, 4_000), (300, 300)] {
            #expect(!settings.acceptsImage(width: w, height: h), "\(w)×\(h)")
        }
    }

    @Test("environment: defaults, and the match threshold is read as a number")
    func settingsFromEnvironment() {
        let defaults = FaceIDSettings(environment: Environment([:]))
        #expect(defaults.accounts.isEmpty)
        #expect(defaults.tokenTTL == 86_400)
        #expect(defaults.uploadTimeout == 20)
        #expect(defaults.matchThreshold == 0.363)
        let set = FaceIDSettings(environment: Environment(["ROOST_PANEL_ACCOUNTS": "a:b:admin", "ROOST_PANEL_TOKEN_TTL": "60",
                                                           "ROOST_FACE_UPLOAD_TIMEOUT": "5", "ROOST_FACE_MATCH_THRESHOLD": "0.5"]))
        #expect(set.accounts == [PanelAccountSpec(name: "a", password: "b", type: .admin)])
        #expect(set.tokenTTL == 60 && set.uploadTimeout == 5 && set.matchThreshold == 0.5)
    }
}
