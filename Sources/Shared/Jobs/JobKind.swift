/// A kind of job: the name a client submits, a worker registers a handler for, and the queue
/// routes by (each kind has its own stream per lane, so a worker only ever receives kinds it runs).
///
/// Every kind Roost knows is declared here, once, for both gateway and worker.
public struct JobKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kind's wire name (`classify`, `faces`…).
    public let rawValue: String

    /// Wraps a wire name; unknown names are allowed so that a newer gateway's kinds round-trip.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Decodes and measures an image without a model (cheap; used by health checks and tests).
    public static let probe = JobKind(rawValue: "probe")
    /// ImageNet classification with MobileNetV2.
    public static let classify = JobKind(rawValue: "classify")
    /// Face detection (YuNet), optionally with identity embeddings (SFace).
    public static let faces = JobKind(rawValue: "faces")
    /// Bird identification (MobileNetV2's bird classes, a bird check, a face check): `BirdsJob`.
    public static let birds = JobKind(rawValue: "birds")
    /// Web sizes of a photo (`thumb`, `small`, `med`) as JPEGs: `SizesJob`.
    public static let sizes = JobKind(rawValue: "sizes")
    /// Bird sound: BirdNET 2.4 over 3-s chunks of a FLAC or WAV recording: `AudioParams`, `AudioResult`.
    public static let audio = JobKind(rawValue: "audio")
    /// One pet photo: the animal localised, its silhouette measured, its breed classes, and a
    /// portrait when asked: `PetJob`, `PetPhotoResult`.
    public static let pet = JobKind(rawValue: "pet")
    /// Does nothing: the queue's own benchmark.
    public static let noop = JobKind(rawValue: "noop")
    /// Sleeps `params.ms` milliseconds: stands in for a slow analysis in lifecycle tests.
    public static let sleep = JobKind(rawValue: "sleep")

    /// Every kind a worker can run, in a fixed order (the order a worker polls its streams in).
    public static let all: [JobKind] = [.probe, .classify, .faces, .birds, .sizes, .audio, .pet, .noop, .sleep]
    /// Kinds clients may submit through `POST /jobs`.
    public static let submittable: Set<JobKind> = [.probe, .classify, .faces, .birds, .audio]

    /// Parses a wire name, accepting only kinds this build knows.
    public init?(known name: String) {
        let kind = JobKind(rawValue: name)
        guard JobKind.all.contains(kind) else { return nil }
        self = kind
    }

    /// The wire name.
    public var description: String { rawValue }

    /// Orders by wire name (for stable listings).
    public static func < (a: JobKind, b: JobKind) -> Bool { a.rawValue < b.rawValue }
}
