/// How `JPEGDecoder.decode` should decode.
public struct DecodeOptions: Sendable {
    /// The default pixel limit: 40 megapixels (120 MB of RGB).
    public static let defaultMaxPixels = 40_000_000

    /// Images whose header claims more pixels than this fail with `image_too_large` before
    /// anything is allocated for them.
    public var maxPixels: Int
    /// When set, decode at the smallest DCT scale M/8 (M = 1...8) whose decoded short side is
    /// still at least this many pixels; images already smaller decode at full size.
    public var minimumShortSide: Int?
    /// Rotate/flip the result upright according to the EXIF orientation.
    public var applyOrientation: Bool
    /// Most memory libjpeg may use for its own working buffers while decoding (the output pixels
    /// are counted by `maxPixels`); a file needing more fails with `jpeg_memory_limit`.
    /// Default 256 MiB: a 40-megapixel progressive 4:2:0 photo needs about 120 MB.
    public var maxDecoderMemory: Int = 256 << 20

    /// Creates options.
    /// - Parameters:
    ///   - maxPixels: Pixel limit checked against the header.
    ///   - minimumShortSide: Smallest acceptable decoded short side, enabling DCT downscaling.
    ///   - applyOrientation: Whether to apply the EXIF orientation.
    public init(maxPixels: Int = DecodeOptions.defaultMaxPixels, minimumShortSide: Int? = nil,
                applyOrientation: Bool = true) {
        self.maxPixels = maxPixels
        self.minimumShortSide = minimumShortSide
        self.applyOrientation = applyOrientation
    }

    /// The size of an upright `width` × `height` image fitted to `maxSide`: the same size when its
    /// longer side is ≤ `maxSide`, else scaled so the longer side is `maxSide` (the other rounded, ≥ 1).
    public static func fittedSize(width: Int, height: Int, maxSide: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        guard longer > maxSide else { return (width, height) }
        let scale = Double(maxSide) / Double(longer)
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// The `minimumShortSide` to decode a `width` × `height` image with so that it still covers
    /// `target`: the short side at the smallest DCT scale of 1/8, 1/4, 1/2 or 1 that does. Only
    /// those scales, because libjpeg-turbo has fast (SIMD) inverse DCTs for them while 3/8, 5/8…
    /// run plain C that costs more than decoding at full size and resizing.
    public static func fastShortSide(width: Int, height: Int, covering target: (width: Int, height: Int)) -> Int {
        let shortSide = min(width, height), wanted = min(target.width, target.height)
        for numerator in [1, 2, 4] where (shortSide * numerator + 7) / 8 >= wanted {
            return (shortSide * numerator + 7) / 8
        }
        return shortSide
    }

    /// The DCT scale numerator (of 8) to decode a `width`×`height` image at.
    ///
    /// libjpeg makes each side `ceil(side * M / 8)`, so that is what is compared.
    public func scaleNumerator(width: Int, height: Int) -> Int {
        guard let minimumShortSide else { return 8 }
        let shortSide = min(width, height)
        for numerator in 1...8 where (shortSide * numerator + 7) / 8 >= minimumShortSide {
            return numerator
        }
        return 8
    }
}

/// A decoded image with the header it came from.
public struct DecodedImage: Sendable {
    /// The pixels; upright when `DecodeOptions.applyOrientation` was set.
    public let image: RGBImage
    /// The file's header (stored dimensions and orientation).
    public let header: ImageHeader
    /// The DCT scale the image was decoded at, as a numerator of 8 (8 = full size).
    public let scaleNumerator: Int
    /// Corrupt-data warnings libjpeg recovered from (0 for a clean file).
    public let warnings: Int
}
