import Shared

/// What the face-identifier panel needs of a `faces` job's face (the type itself is the one the
/// worker encodes, in Shared).
extension DetectedFace {
    /// Box area in square pixels.
    var area: Double { box[2] * box[3] }

    /// The normalised descriptor, when the job computed a valid one.
    var identity: FaceEmbedding? { embedding.flatMap(FaceEmbedding.init(values:)) }

    /// `{box, score}` for responses.
    var summaryJSON: JSON { ["box": .array(box.map { .double($0) }), "score": .double(roundedScore)] }

    /// The faces of a `faces` job result; nil when the result is not that shape.
    static func parseResult(_ text: String) -> [DetectedFace]? { FacesResult(text: text)?.faces }

    /// The face to enrol or search with when a photo shows several: the largest box (the person in
    /// front of the camera), and among equally large ones the most confident.
    static func principal(of faces: [DetectedFace]) -> DetectedFace? {
        faces.max { a, b in a.area != b.area ? a.area < b.area : a.score < b.score }
    }
}
