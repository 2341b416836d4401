import Shared

/// A face found in a photo, in the photo's pixel coordinates (after EXIF orientation).
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
    func scaled(x scaleX: Float, y scaleY: Float) -> DetectedFace {
        DetectedFace(x: x * scaleX, y: y * scaleY, width: width * scaleX, height: height * scaleY,
                     score: score, landmarks: landmarks.map { $0 * Point(scaleX, scaleY) },
                     embedding: embedding)
    }

    /// `{box: [x, y, w, h], score, landmarks: [[x, y] × 5]}`, plus `embedding` when present;
    /// coordinates rounded to 0.01 px, the score to 1e-4.
    public var json: JSON {
        var members: [(String, JSON)] = [
            ("box", .array([x, y, width, height].map { .double(Self.rounded($0, 100)) })),
            ("score", .double(Self.rounded(score, 10_000))),
            ("landmarks", .array(landmarks.map { .array([.double(Self.rounded($0.x, 100)), .double(Self.rounded($0.y, 100))]) })),
        ]
        if let embedding {
            members.append(("embedding", .array(embedding.map { .double(Self.rounded($0, 1_000_000)) })))
        }
        return .object(members)
    }

    private static func rounded(_ value: Float, _ scale: Double) -> Double {
        (Double(value) * scale).rounded() / scale
    }
}
