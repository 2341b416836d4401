/// The result of a `faces` job: encoded by the worker, decoded by the gateway, with this one type.
public struct FacesResult: Sendable {
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

    /// Creates a result.
    /// - Parameters:
    ///   - faces: The faces, best first.
    ///   - width: Upright photo width.
    ///   - height: Upright photo height.
    ///   - detectMs: Decode and detection time.
    ///   - embedMs: Descriptor time (0 without descriptors).
    public init(faces: [DetectedFace], width: Int, height: Int, detectMs: Double, embedMs: Double) {
        self.faces = faces
        self.width = width
        self.height = height
        self.detectMs = detectMs
        self.embedMs = embedMs
    }

    /// Reads a result document; nil when `faces` is missing or any face is malformed.
    public init?(json: JSON) {
        guard let items = json["faces"]?.arrayValue else { return nil }
        let faces = items.compactMap(DetectedFace.init(json:))
        guard faces.count == items.count else { return nil }
        self.init(faces: faces, width: json["image"]?["width"]?.intValue ?? 0, height: json["image"]?["height"]?.intValue ?? 0,
                  detectMs: json["detect_ms"]?.doubleValue ?? 0, embedMs: json["embed_ms"]?.doubleValue ?? 0)
    }

    /// Reads a serialised result document (as stored in the job record).
    public init?(text: String) {
        guard let json = try? JSON.parse(Array(text.utf8)) else { return nil }
        self.init(json: json)
    }

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
