/// The `birds` job's contract shared by worker and gateway: which question is asked of a photo
/// (`BirdsMode`, in the params) and the answer (`BirdsResult`).
public enum BirdsMode: String, Sendable, CaseIterable {
    /// Bird identification version 1: the most probable of the classifier's 59 bird classes,
    /// scored by its own softmax probability (a photo without a bird gets a low score).
    case species
    /// Version 2: first decide whether the photo shows a bird; if not, say what it shows instead
    /// (`dog`, `cat`, `person` when a face is found, or the top ImageNet label).
    case checked
    /// "Which bird does this look like": the most probable bird class, its probability
    /// renormalised over the bird classes (so any image gets a confident-looking answer).
    case persona

    /// The params member naming the mode.
    public static let parameter = "mode"

    /// Reads a job's params; a missing mode is `species`; nil when the mode is unknown.
    public init?(params: JSON) {
        switch params[Self.parameter] {
        case nil, .null?: self = .species
        case .string(let name)?: guard let mode = BirdsMode(rawValue: name) else { return nil }; self = mode
        default: return nil
        }
    }

    /// The params document the gateway queues.
    public var params: JSON { .object([(Self.parameter, .string(rawValue))]) }
}

/// What a `birds` job found: `{mode, shows, label, probability, class_index, bird_probability,
/// faces, method, model, inference_ms}`.
public struct BirdsResult: Sendable, Equatable {
    /// The question asked.
    public var mode: BirdsMode
    /// What the photo was judged to show: `bird`, `dog`, `cat`, `person` or `other` (always `bird`
    /// for `species` and `persona`, which do not check).
    public var shows: String
    /// The answer's label: an ImageNet class name (`bald eagle`), or `dog` / `cat` / `person`.
    public var label: String
    /// How sure the answer is, 0…1 (see `method`).
    public var probability: Double
    /// The ImageNet class the label comes from, or nil for `dog`, `cat` and `person` answers.
    public var classIndex: Int?
    /// The summed softmax probability of every bird class.
    public var birdProbability: Double
    /// Faces found by the face check (version 2 on photos that are not animals), else nil.
    public var faces: Int?
    /// How `probability` was obtained, in words (the answer is a heuristic over ImageNet classes).
    public var method: String
    /// The classifier that produced it.
    public var model: String
    /// Network time in milliseconds.
    public var inferenceMs: Double

    /// Creates a result.
    public init(mode: BirdsMode, shows: String, label: String, probability: Double, classIndex: Int?,
                birdProbability: Double, faces: Int?, method: String, model: String, inferenceMs: Double) {
        self.mode = mode; self.shows = shows; self.label = label; self.probability = probability
        self.classIndex = classIndex; self.birdProbability = birdProbability; self.faces = faces
        self.method = method; self.model = model; self.inferenceMs = inferenceMs
    }

    /// Reads a result document; nil when a required member is missing.
    public init?(json: JSON) {
        guard let modeName = json["mode"]?.stringValue, let mode = BirdsMode(rawValue: modeName),
              let shows = json["shows"]?.stringValue, let label = json["label"]?.stringValue,
              let probability = json["probability"]?.doubleValue,
              let birdProbability = json["bird_probability"]?.doubleValue else { return nil }
        self.init(mode: mode, shows: shows, label: label, probability: probability, classIndex: json["class_index"]?.intValue,
                  birdProbability: birdProbability, faces: json["faces"]?.intValue, method: json["method"]?.stringValue ?? "",
                  model: json["model"]?.stringValue ?? "", inferenceMs: json["inference_ms"]?.doubleValue ?? 0)
    }

    /// The job result document.
    public var json: JSON {
        .object([
            ("mode", .string(mode.rawValue)), ("shows", .string(shows)), ("label", .string(label)),
            ("probability", .double(Self.rounded(probability, 6))), ("class_index", classIndex.map { .int($0) } ?? .null),
            ("bird_probability", .double(Self.rounded(birdProbability, 6))), ("faces", faces.map { .int($0) } ?? .null),
            ("method", .string(method)), ("model", .string(model)), ("inference_ms", .double(Self.rounded(inferenceMs, 3))),
        ])
    }

    private static func rounded(_ value: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}
