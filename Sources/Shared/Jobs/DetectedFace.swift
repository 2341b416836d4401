/// One face of a `faces` job result, in the photo's pixel coordinates (after EXIF orientation):
/// the worker encodes it (`json`) and the gateway decodes it (`init?(json:)`) with this one type.
public struct DetectedFace: Sendable {
    /// A point in image pixels.
    public typealias Point = SIMD2<Float>

    /// Left edge of the face box.
    public var x: Float
    /// Top edge of the face box.
    public var y: Float
    /// Width of the face box.
    public var width: Float
    /// Height of the face box.
    public var height: Float
    /// YuNet's confidence, sqrt(class × objectness), 0...1.
    public var score: Float
    /// Right eye, left eye, nose tip, right and left mouth corners (YuNet's order; "right" is
    /// the person's right, which is on the image's left).
    public var landmarks: [Point]
    /// SFace identity descriptor (128 floats, unit length), when it was asked for.
    public var embedding: [Float]?

    /// Creates a face.
    /// - Parameters:
    ///   - x: Left edge.
    ///   - y: Top edge.
    ///   - width: Box width.
    ///   - height: Box height.
    ///   - score: Detector confidence.
    ///   - landmarks: The five landmarks.
    ///   - embedding: The identity descriptor, if computed.
    public init(x: Float, y: Float, width: Float, height: Float, score: Float,
                landmarks: [Point], embedding: [Float]? = nil) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
        self.landmarks = landmarks
        self.embedding = embedding
    }

    /// This face with every coordinate multiplied by `scaleX` horizontally and `scaleY`
    /// vertically (from detector-input pixels to photo pixels).
    public func scaled(x scaleX: Float, y scaleY: Float) -> DetectedFace {
        DetectedFace(x: x * scaleX, y: y * scaleY, width: width * scaleX, height: height * scaleY,
                     score: score, landmarks: landmarks.map { $0 * Point(scaleX, scaleY) },
                     embedding: embedding)
    }

    /// `{box: [x, y, w, h], score, landmarks: [[x, y] × 5]}`, plus `embedding` when present;
    /// coordinates rounded to 0.01 px, the score to 1e-4.
    public var json: JSON {
        var members: [(String, JSON)] = [
            ("box", .array(box.map { .double($0) })),
            ("score", .double(roundedScore)),
            ("landmarks", .array(landmarks.map { .array([.double(Self.rounded($0.x, 100)), .double(Self.rounded($0.y, 100))]) })),
        ]
        if let embedding {
            members.append((FacesJob.embeddingMember, .array(embedding.map { .double(Self.rounded($0, 1_000_000)) })))
        }
        return .object(members)
    }

    /// Reads one entry of a result's `faces`: `box` (4 finite numbers, non-negative size) and
    /// `score` are required; `landmarks` (5 points) and `embedding` are optional. Nil when malformed.
    public init?(json: JSON) {
        guard let box = json["box"]?.arrayValue?.compactMap(\.doubleValue), box.count == 4, box.allSatisfy(\.isFinite),
              box[2] >= 0, box[3] >= 0, let score = json["score"]?.doubleValue, score.isFinite else { return nil }
        let points = (json["landmarks"]?.arrayValue ?? []).compactMap { point -> Point? in
            guard let xy = point.arrayValue?.compactMap(\.doubleValue), xy.count == 2 else { return nil }
            return Point(Float(xy[0]), Float(xy[1]))
        }
        var embedding: [Float]?
        if let items = json[FacesJob.embeddingMember]?.arrayValue {
            let numbers = items.compactMap { $0.doubleValue.map(Float.init) }
            if numbers.count == items.count { embedding = numbers }
        }
        self.init(x: Float(box[0]), y: Float(box[1]), width: Float(box[2]), height: Float(box[3]), score: Float(score),
                  landmarks: points, embedding: embedding)
    }

    /// `[x, y, width, height]` as the result document gives them (rounded to 0.01 px).
    public var box: [Double] { [x, y, width, height].map { Self.rounded($0, 100) } }
    /// The score as the result document gives it (rounded to 1e-4).
    public var roundedScore: Double { Self.rounded(score, 10_000) }

    private static func rounded(_ value: Float, _ scale: Double) -> Double {
        (Double(value) * scale).rounded() / scale
    }
}
