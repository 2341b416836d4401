/// The result of a `probe` job: what the JPEG is, as displayed (after EXIF orientation).
/// Encoded by the worker; one type for every side that reads it.
public struct ProbeResult: Sendable, Equatable {
    /// Displayed width in pixels.
    public var width: Int
    /// Displayed height in pixels.
    public var height: Int
    /// EXIF orientation, 1...8 (1 when absent).
    public var orientation: Int
    /// Colour components in the file (1 grey, 3 colour, 4 CMYK).
    public var components: Int
    /// Mean red, green and blue, 0...255, rounded to 0.01.
    public var meanRGB: [Double]
    /// Decode time in milliseconds, rounded to 0.01.
    public var decodeMs: Double

    /// Creates a result; values are rounded as the document gives them.
    public init(width: Int, height: Int, orientation: Int, components: Int, meanRGB: [Double], decodeMs: Double) {
        self.width = width
        self.height = height
        self.orientation = orientation
        self.components = components
        self.meanRGB = meanRGB.map(Self.round2)
        self.decodeMs = Self.round2(decodeMs)
    }

    /// Reads a result document; nil when a field is missing.
    public init?(json: JSON) {
        guard let width = json["width"]?.intValue, let height = json["height"]?.intValue,
              let orientation = json["orientation"]?.intValue, let components = json["components"]?.intValue,
              let mean = json["mean_rgb"]?.arrayValue?.compactMap(\.doubleValue), mean.count == 3,
              let decodeMs = json["decode_ms"]?.doubleValue else { return nil }
        self.init(width: width, height: height, orientation: orientation, components: components, meanRGB: mean, decodeMs: decodeMs)
    }

    /// `{width, height, orientation, components, mean_rgb: [r, g, b], decode_ms}`.
    public var json: JSON {
        .object([
            ("width", .int(width)), ("height", .int(height)), ("orientation", .int(orientation)),
            ("components", .int(components)), ("mean_rgb", .array(meanRGB.map { .double($0) })),
            ("decode_ms", .double(decodeMs)),
        ])
    }

    private static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
