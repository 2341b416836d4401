/// What a PNG's `IHDR` chunk says, read (with its CRC checked) before anything is inflated.
public struct PNGHeader: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bits per sample: 1, 2, 4, 8 or 16 (as the colour type allows).
    public let bitDepth: Int
    /// 0 grayscale, 2 RGB, 3 palette, 4 grayscale + alpha, 6 RGBA.
    public let colorType: Int
    /// True for Adam7 interlacing.
    public let isInterlaced: Bool

    /// The PNG file signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Samples per pixel of the colour type (a palette index counts as one).
    public var channels: Int {
        switch colorType {
        case 0, 3: 1
        case 4: 2
        case 2: 3
        default: 4
        }
    }

    /// Bytes in one filtered row of `width` pixels, without its filter byte.
    func rowBytes(width: Int) -> Int { (width * channels * bitDepth + 7) / 8 }

    /// Bytes per complete pixel for filtering (at least 1).
    var filterStride: Int { max(1, channels * bitDepth / 8) }

    /// Reads and validates the header; `maxPixels` is checked here, before any data is inflated.
    public static func read(_ bytes: [UInt8], maxPixels: Int) throws(ImageError) -> PNGHeader {
        guard bytes.count >= 33, Array(bytes[0..<8]) == signature else { throw .notPNG() }
        guard PNGChunks.uint32(bytes, 8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw .corruptPNG("the first chunk is not IHDR")
        }
        guard CRC32.checksum(bytes[12..<29]) == PNGChunks.uint32(bytes, 29) else { throw .corruptPNG("IHDR CRC mismatch") }
        let width = Int(PNGChunks.uint32(bytes, 16)), height = Int(PNGChunks.uint32(bytes, 20))
        let depth = Int(bytes[24]), type = Int(bytes[25])
        guard width > 0, height > 0, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else { throw .corruptPNG("zero or huge size") }
        guard width <= maxPixels / height else { throw .tooLarge(width: width, height: height, maxPixels: maxPixels) }
        let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowed[type], depths.contains(depth) else {
            throw .corruptPNG("bit depth \(depth) with colour type \(type)")
        }
        guard bytes[26] == 0, bytes[27] == 0, bytes[28] <= 1 else { throw .corruptPNG("unknown compression, filter or interlace method") }
        return PNGHeader(width: width, height: height, bitDepth: depth, colorType: type, isInterlaced: bytes[28] == 1)
    }

    /// The exact size of the inflated image data: every row of every pass with its filter byte.
    var inflatedSize: Int {
        guard isInterlaced else { return height * (1 + rowBytes(width: width)) }
        return Adam7.passes(width: width, height: height).reduce(0) { total, pass in
            pass.width == 0 || pass.height == 0 ? total : total + pass.height * (1 + rowBytes(width: pass.width))
        }
    }
}

/// Adam7's seven passes: where each starts and how far apart its pixels are.
enum Adam7 {
    /// (x0, y0, dx, dy) of passes 1...7.
    static let layout: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    /// Each pass's size in pixels for a `width`×`height` image (empty passes have a zero side).
    static func passes(width: Int, height: Int) -> [(width: Int, height: Int)] {
        layout.map { p in ((width - p.x + p.dx - 1) / p.dx, (height - p.y + p.dy - 1) / p.dy) }
    }
}

extension ImageError {
    /// The bytes are not a PNG.
    static func notPNG() -> ImageError { ImageError(code: "not_png", message: "data is not a PNG image") }
    /// The PNG data ends before the image does.
    static func truncatedPNG(_ message: String) -> ImageError { ImageError(code: "truncated_png", message: message) }
    /// A PNG that breaks the format (bad CRC, chunk order, filter, compressed data…).
    static func corruptPNG(_ message: String) -> ImageError { ImageError(code: "corrupt_png", message: "corrupt PNG: \(message)") }
}
