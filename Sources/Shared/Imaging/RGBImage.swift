/// An 8-bit RGB image: interleaved R, G, B bytes, row-major, no padding between rows.
public struct RGBImage: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 3` bytes: R, G, B for each pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// Creates an image over `pixels`, which must hold exactly `width * height * 3` bytes.
    /// - Parameters:
    ///   - width: Width in pixels.
    ///   - height: Height in pixels.
    ///   - pixels: Interleaved RGB bytes, row-major.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage needs width*height*3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The pixel at column `x`, row `y`.
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let index = (y * width + x) * 3
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }

    /// Mean of each channel over all pixels, 0...255 (0 for an empty image).
    public func meanRGB() -> (r: Double, g: Double, b: Double) {
        let count = width * height
        guard count > 0 else { return (0, 0, 0) }
        var sums: (UInt64, UInt64, UInt64) = (0, 0, 0)
        pixels.withUnsafeBufferPointer { buffer in
            // Per-row partial sums in UInt32 stay exact (a row of ≤ 16M pixels × 255 fits) and
            // keep the inner loop free of 64-bit adds.
            var index = 0
            for _ in 0..<height {
                var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                for _ in 0..<width {
                    r &+= UInt32(buffer[index])
                    g &+= UInt32(buffer[index + 1])
                    b &+= UInt32(buffer[index + 2])
                    index += 3
                }
                sums.0 += UInt64(r)
                sums.1 += UInt64(g)
                sums.2 += UInt64(b)
            }
        }
        let n = Double(count)
        return (Double(sums.0) / n, Double(sums.1) / n, Double(sums.2) / n)
    }
}
