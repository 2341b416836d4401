import Shared

/// The result of looking for faces in one photo.
public struct FaceAnalysis: Sendable {
    /// The faces found, best first, in photo pixels (after EXIF orientation).
    public let faces: [DetectedFace]
    /// Upright width of the photo, in pixels.
    public let width: Int
    /// Upright height of the photo, in pixels.
    public let height: Int
    /// Wall time of decoding, resizing and detection, in milliseconds.
    public let detectMs: Double
    /// Wall time of alignment and SFace for all faces, in milliseconds (0 without embeddings).
    public let embedMs: Double

    /// The job result: `{faces: [{box, score, landmarks[, embedding]}], image: {width, height},
    /// detect_ms, embed_ms}`.
    public var json: JSON {
        .object([
            ("faces", .array(faces.map(\.json))),
            ("image", .object([("width", .int(width)), ("height", .int(height))])),
            ("detect_ms", .double((detectMs * 1000).rounded() / 1000)),
            ("embed_ms", .double((embedMs * 1000).rounded() / 1000)),
        ])
    }
}
