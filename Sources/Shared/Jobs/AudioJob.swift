/// The `audio` job's contract shared by worker and gateway: what part of a recording to analyse
/// and how (`AudioParams`), and what BirdNET heard in each chunk (`AudioResult`).
public struct AudioParams: Sendable, Equatable {
    /// Chunk length in seconds (BirdNET's input).
    public static let chunkSeconds = 3.0
    /// First second of the recording to analyse (a part of a long soundscape), 0 by default.
    public var start: Double
    /// Second to stop at (exclusive), nil for the end of the recording.
    public var end: Double?
    /// Seconds consecutive chunks share, 0 ≤ overlap < 3 (default 0, as BirdNET's own default).
    public var overlap: Double
    /// Species scoring below this are left out of each chunk's list (default 0.1).
    public var minConfidence: Double
    /// Species listed per chunk at most (default 5).
    public var top: Int
    /// BirdNET's sensitivity: scores are sigmoid(sensitivity · logit); default 1.
    public var sensitivity: Double
    /// Where the recording was made: with both, species BirdNET's location/week prior deems
    /// improbable there (below `locationThreshold`) are left out of every chunk.
    public var latitude: Double?, longitude: Double?
    /// Week of the 48-week year (1–48) for the prior; nil: the whole year.
    public var week: Int?
    /// The prior below which a species is left out (default 0.03, BirdNET's own).
    public var locationThreshold: Double

    /// Creates params (the defaults analyse the whole recording as BirdNET does by default).
    public init(start: Double = 0, end: Double? = nil, overlap: Double = 0, minConfidence: Double = 0.1, top: Int = 5,
                sensitivity: Double = 1, latitude: Double? = nil, longitude: Double? = nil, week: Int? = nil,
                locationThreshold: Double = 0.03) {
        self.start = start; self.end = end; self.overlap = overlap; self.minConfidence = minConfidence
        self.top = top; self.sensitivity = sensitivity
        self.latitude = latitude; self.longitude = longitude; self.week = week; self.locationThreshold = locationThreshold
    }

    /// Reads a job's params, or says which member is wrong.
    public init(params: JSON) throws(AudioParamsError) {
        self.init()
        func number(_ name: String, _ range: ClosedRange<Double>) throws(AudioParamsError) -> Double? {
            switch params[name] {
            case nil, .null?: return nil
            case let value?:
                guard let number = value.doubleValue, number.isFinite, range.contains(number) else {
                    throw AudioParamsError(member: name, expected: "a number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
        }
        start = try number("start", 0...1e9) ?? 0
        end = try number("end", 0...1e9)
        if let end, end <= start { throw AudioParamsError(member: "end", expected: "a number greater than start") }
        overlap = try number("overlap", 0...2.9) ?? 0
        minConfidence = try number("min_confidence", 0...1) ?? 0.1
        top = Int(try number("top", 1...100) ?? 5)
        sensitivity = try number("sensitivity", 0.5...1.5) ?? 1
        latitude = try number("lat", -90...90)
        longitude = try number("lon", -180...180)
        if (latitude == nil) != (longitude == nil) { throw AudioParamsError(member: latitude == nil ? "lat" : "lon", expected: "given with the other coordinate") }
        week = try number("week", 1...48).map { Int($0) }
        locationThreshold = try number("location_threshold", 0...1) ?? 0.03
    }

    /// BirdNET's week of the year for the location prior: `ceil(day_of_year / days_in_year × 48)`,
    /// 1…48, computed in exact integer arithmetic.
    public static func week(dayOfYear: Int, daysInYear: Int) -> Int {
        max(1, min(48, (dayOfYear * 48 + daysInYear - 1) / max(1, daysInYear)))
    }

    /// The params document.
    public var json: JSON {
        .object([("start", .double(start)), ("end", end.map { .double($0) } ?? .null), ("overlap", .double(overlap)),
                 ("min_confidence", .double(minConfidence)), ("top", .int(top)), ("sensitivity", .double(sensitivity)),
                 ("lat", latitude.map { .double($0) } ?? .null), ("lon", longitude.map { .double($0) } ?? .null),
                 ("week", week.map { .int($0) } ?? .null), ("location_threshold", .double(locationThreshold))])
    }
}

/// A params member that is out of range.
public struct AudioParamsError: Error, Sendable, CustomStringConvertible {
    /// The member.
    public let member: String
    /// What it must be.
    public let expected: String
    /// `'overlap' must be …`.
    public var description: String { "'\(member)' must be \(expected)" }
}

/// What an `audio` job heard: `{model, method, sample_rate, channels, duration, start, end, chunks:
/// [{start, end, species: [{class_index, scientific_name, common_name, score}]}], inference_ms}`.
public struct AudioResult: Sendable, Equatable {
    /// One species heard in a chunk.
    public struct Species: Sendable, Equatable {
        /// BirdNET's class index (the line of its labels file).
        public var classIndex: Int
        /// Scientific name.
        public var scientificName: String
        /// Common (English) name.
        public var commonName: String
        /// sigmoid(sensitivity · clip(logit, −15, 15)).
        public var score: Double

        /// Creates an entry.
        public init(classIndex: Int, scientificName: String, commonName: String, score: Double) {
            self.classIndex = classIndex; self.scientificName = scientificName; self.commonName = commonName; self.score = score
        }
    }

    /// One analysed chunk, with times in seconds from the start of the recording.
    public struct Chunk: Sendable, Equatable {
        /// Start second.
        public var start: Double
        /// End second (start + 3; the last chunk is zero-padded past the end of the audio).
        public var end: Double
        /// Species scoring at least the minimum confidence, best first.
        public var species: [Species]

        /// Creates a chunk.
        public init(start: Double, end: Double, species: [Species]) { self.start = start; self.end = end; self.species = species }
    }

    /// The model, e.g. `birdnet-2.4`.
    public var model: String
    /// How scores were obtained, in words.
    public var method: String
    /// The recording's own sample rate and channels, and its length in seconds.
    public var sampleRate: Int, channels: Int, duration: Double
    /// The part analysed, in seconds.
    public var start: Double, end: Double
    /// Chunks in time order (only those with at least one species when the params say so).
    public var chunks: [Chunk]
    /// Network time, milliseconds.
    public var inferenceMs: Double
    /// The location filter applied: `{lat, lon, week, threshold, species}` (species: how many pass), or nil.
    public var locationFilter: JSON?

    /// Creates a result.
    public init(model: String, method: String, sampleRate: Int, channels: Int, duration: Double, start: Double, end: Double,
                chunks: [Chunk], inferenceMs: Double, locationFilter: JSON? = nil) {
        self.locationFilter = locationFilter
        self.model = model; self.method = method; self.sampleRate = sampleRate; self.channels = channels
        self.duration = duration; self.start = start; self.end = end; self.chunks = chunks; self.inferenceMs = inferenceMs
    }

    /// Reads a result document; nil when a required member is missing.
    public init?(json: JSON) {
        guard let model = json["model"]?.stringValue, let chunks = json["chunks"]?.arrayValue,
              let start = json["start"]?.doubleValue, let end = json["end"]?.doubleValue else { return nil }
        var parsed: [Chunk] = []
        for chunk in chunks {
            guard let s = chunk["start"]?.doubleValue, let e = chunk["end"]?.doubleValue, let list = chunk["species"]?.arrayValue else { return nil }
            var species: [Species] = []
            for entry in list {
                guard let index = entry["class_index"]?.intValue, let score = entry["score"]?.doubleValue else { return nil }
                species.append(Species(classIndex: index, scientificName: entry["scientific_name"]?.stringValue ?? "",
                                       commonName: entry["common_name"]?.stringValue ?? "", score: score))
            }
            parsed.append(Chunk(start: s, end: e, species: species))
        }
        self.init(model: model, method: json["method"]?.stringValue ?? "", sampleRate: json["sample_rate"]?.intValue ?? 0,
                  channels: json["channels"]?.intValue ?? 0, duration: json["duration"]?.doubleValue ?? 0, start: start, end: end,
                  chunks: parsed, inferenceMs: json["inference_ms"]?.doubleValue ?? 0)
        if let filter = json["location_filter"], filter != .null { locationFilter = filter }
    }

    /// The job result document.
    public var json: JSON {
        .object([
            ("model", .string(model)), ("method", .string(method)), ("sample_rate", .int(sampleRate)), ("channels", .int(channels)),
            ("duration", .double(Self.rounded(duration, 3))), ("start", .double(Self.rounded(start, 3))), ("end", .double(Self.rounded(end, 3))),
            ("chunks", .array(chunks.map { chunk in
                .object([("start", .double(Self.rounded(chunk.start, 3))), ("end", .double(Self.rounded(chunk.end, 3))),
                         ("species", .array(chunk.species.map { s in
                             .object([("class_index", .int(s.classIndex)), ("scientific_name", .string(s.scientificName)),
                                      ("common_name", .string(s.commonName)), ("score", .double(Self.rounded(s.score, 6)))])
                         }))])
            })),
            ("inference_ms", .double(Self.rounded(inferenceMs, 3))), ("location_filter", locationFilter ?? .null),
        ])
    }

    private static func rounded(_ value: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}
