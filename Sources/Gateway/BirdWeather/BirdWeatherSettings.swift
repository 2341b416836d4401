import Foundation
import Shared

/// The BirdWeather API's settings (`ROOST_SOUNDSCAPE_*`, `ROOST_BIRDWEATHER_*`) and the detection
/// configuration it publishes at `GET /api/v1/configuration`.
struct BirdWeatherSettings: Sendable {
    /// Largest soundscape body, and largest gzip expansion of one (`ROOST_SOUNDSCAPE_MAX_BYTES`, default 64 MiB).
    var maxSoundscapeBytes = 64 << 20
    /// Longest soundscape accepted, in seconds, read from its header (`ROOST_SOUNDSCAPE_MAX_SECONDS`, default 3600).
    var maxSoundscapeSeconds = 3600.0
    /// The scheme and host soundscape URLs start with (`ROOST_BIRDWEATHER_PUBLIC_URL`, e.g.
    /// `https://birds.example.org`); unset: `http://` and the request's `Host`.
    var publicURL: String? = nil
    /// PBKDF2 rounds for user passwords (`ROOST_BIRDWEATHER_PASSWORD_ITERATIONS`, default 600000).
    var passwordIterations = SecretHash.defaultIterations
    /// The BirdNET labels file, the species catalogue (`$ROOST_MODELS_DIR/birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt`).
    var labelsFile = URL(fileURLWithPath: "models/birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt")
    /// The ImageNet class names, to map the photo classifier's bird classes to species (`$ROOST_MODELS_DIR/imagenet_labels.txt`).
    var imageNetLabelsFile = URL(fileURLWithPath: "models/imagenet_labels.txt")
    /// Thresholds and filters, as the real service publishes them.
    var detection = DetectionConfiguration()
    /// Whether uploaded soundscapes are analysed by BirdNET in the workers (`ROOST_SOUNDSCAPE_ANALYSIS`, on|off, default on).
    var analyseSoundscapes = true
    /// Seconds of a soundscape one `audio` job analyses (`ROOST_AUDIO_PART_SECONDS`, default 60, rounded
    /// to whole chunk steps): longer soundscapes are split so that several workers share them.
    var partSeconds = 60.0
    /// Seconds consecutive 3-s chunks share (`ROOST_SOUNDSCAPE_OVERLAP_MS`, 0 to 2500 ms, default 0).
    var overlap = 0.0
    /// Lowest BirdNET score that becomes a detection (`ROOST_SOUNDSCAPE_MIN_CONFIDENCE_PERCENT`, default 25);
    /// whether it is listed is then up to the published thresholds (`confidenceGte`, `scoreGte`).
    var minConfidence = 0.25
    /// Whether detections are filtered by BirdNET's location/week species prior when the station
    /// has a location (`ROOST_SOUNDSCAPE_SPECIES_FILTER`, on|off, default on).
    var speciesFilter = true

    /// Reads the variables.
    init(env: Environment) {
        maxSoundscapeBytes = env.int("ROOST_SOUNDSCAPE_MAX_BYTES", default: maxSoundscapeBytes, range: 1_024...(1 << 31))
        maxSoundscapeSeconds = env.seconds("ROOST_SOUNDSCAPE_MAX_SECONDS", default: maxSoundscapeSeconds)
        publicURL = env.values["ROOST_BIRDWEATHER_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : String($0.trimmingSuffix("/")) }
        passwordIterations = env.int("ROOST_BIRDWEATHER_PASSWORD_ITERATIONS", default: passwordIterations,
                                     range: 1_000...SecretHash.maximumIterations)
        /// An on|off switch; anything else stops the gateway with the variable's name.
        func onOff(_ name: String) -> Bool {
            switch env.string(name, default: "on").lowercased() {
            case "on", "true", "1": return true
            case "off", "false", "0": return false
            case let other: Environment.fatal("\(name)=\(other) must be on or off")
            }
        }
        analyseSoundscapes = onOff("ROOST_SOUNDSCAPE_ANALYSIS")
        speciesFilter = onOff("ROOST_SOUNDSCAPE_SPECIES_FILTER")
        partSeconds = env.seconds("ROOST_AUDIO_PART_SECONDS", default: partSeconds)
        overlap = Double(env.int("ROOST_SOUNDSCAPE_OVERLAP_MS", default: 0, range: 0...2500)) / 1000
        minConfidence = Double(env.int("ROOST_SOUNDSCAPE_MIN_CONFIDENCE_PERCENT", default: 25, range: 1...100)) / 100
        let models = URL(fileURLWithPath: env.string("ROOST_MODELS_DIR", default: "models"))
        labelsFile = models.appendingPathComponent("birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt")
        imageNetLabelsFile = models.appendingPathComponent("imagenet_labels.txt")
    }

    /// Defaults (tests).
    init() {}
}

/// What `GET /api/v1/configuration` publishes, and what scoring and listing use.
///
/// `score = 10 × confidence × (0.95 + 0.05 × probability)` (probability 0 when not sent): the
/// model's confidence on a 0–10 scale, nudged by the location/season prior, so that the real
/// service's thresholds (almost certain ≥ 4, very likely ≥ 3, uncertain ≥ 2) keep their meaning.
struct DetectionConfiguration: Sendable {
    /// Detections below this confidence are stored but not listed.
    var confidenceGte = 0.35
    /// Detections below this score are stored but not listed.
    var scoreGte = 3.6
    /// Score thresholds of the certainty buckets.
    var thresholdAlmostCertain = 4.0, thresholdVeryLikely = 3.0, thresholdUncertain = 2.0
    /// BirdNET classes that are never listed (people, engines, guns).
    var rejectedSpeciesList = ["Human non-vocal_Human non-vocal", "Human vocal_Human vocal", "Human whistle_Human whistle",
                               "Engine_Engine", "Gun_Gun"]

    /// The score of a detection.
    static func score(confidence: Double, probability: Double?) -> Double {
        // Rounded to 10 decimals, so that float noise (7.301699999999999) does not reach clients.
        (10 * confidence * (0.95 + 0.05 * (probability ?? 0)) * 1e10).rounded() / 1e10
    }

    /// The certainty bucket of `score`.
    func certainty(score: Double) -> String {
        if score >= thresholdAlmostCertain { return "almost_certain" }
        if score >= thresholdVeryLikely { return "very_likely" }
        if score >= thresholdUncertain { return "uncertain" }
        return "unlikely"
    }

    /// Whether a detection shows in listings.
    func isListed(confidence: Double, score: Double, species: String) -> Bool {
        confidence >= confidenceGte && score >= scoreGte && !rejectedSpeciesList.contains(species)
    }

    /// The document the API publishes.
    var json: JSON {
        ["confidenceGte": .double(confidenceGte), "rejectedSpeciesList": .array(rejectedSpeciesList.map { .string($0) }),
         "scoreGte": .double(scoreGte), "thresholdAlmostCertain": .double(thresholdAlmostCertain),
         "thresholdUncertain": .double(thresholdUncertain), "thresholdVeryLikely": .double(thresholdVeryLikely)]
    }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> Substring {
        var text = Substring(self)
        while text.hasSuffix(suffix) { text = text.dropLast(suffix.count) }
        return text
    }
}
