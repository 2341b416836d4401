/// Decodes PNG images in Swift (no libpng, no zlib): every colour type and bit depth, Adam7
/// interlacing, palettes with transparency. Defensive like `JPEGDecoder`: the pixel limit is
/// checked from IHDR before anything is inflated, the inflater stops at the exact size the header
/// implies (a decompression bomb costs nothing more), chunk CRCs and the zlib checksum are verified.
///
/// The RGB result matches Pillow's `Image.open(…).convert("RGB")`: 16-bit samples keep their high
/// byte, 1/2/4-bit gray levels are scaled to 0…255, alpha is dropped (and returned separately).
///
///     let png = try PNGDecoder.decode(upload, maxPixels: 40_000_000)
///     print(png.image.width, png.header.colorType, png.alpha != nil)
public enum PNGDecoder {
    /// True when `bytes` start with the PNG signature.
    public static func isPNG(_ bytes: [UInt8]) -> Bool { bytes.starts(with: PNGHeader.signature) }

    /// The concatenated IDAT data (a zlib stream) and the exact size it must inflate to, with the
    /// header and chunks validated as `decode` does; for benchmarks of the inflate alone.
    public static func compressedImageData(_ bytes: [UInt8], maxPixels: Int = DecodeOptions.defaultMaxPixels)
        throws(ImageError) -> (data: [UInt8], inflatedSize: Int) {
        let header = try PNGHeader.read(bytes, maxPixels: maxPixels)
        let chunks = try PNGChunks(bytes, header: header)
        return (chunks.imageData, header.inflatedSize)
    }

    /// Decodes `bytes` into 8-bit RGB plus, when the image has any transparency, 8-bit alpha.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = DecodeOptions.defaultMaxPixels) throws(ImageError) -> DecodedPNG {
        let header = try PNGHeader.read(bytes, maxPixels: maxPixels)
        let chunks = try PNGChunks(bytes, header: header)
        let expected = header.inflatedSize
        let raw: [UInt8]
        do {
            raw = try Zlib.decompress(chunks.imageData, maxOutput: expected)
        } catch .truncated {
            throw .truncatedPNG("PNG image data ends early")
        } catch .outputLimit {
            throw .corruptPNG("image data inflates beyond the \(expected) bytes its header implies")
        } catch {
            throw .corruptPNG("\(error)")
        }
        guard raw.count == expected else { throw .truncatedPNG("PNG image data holds \(raw.count) of \(expected) bytes") }
        let samples = try PNGSamples(header: header, palette: chunks.palette, transparency: chunks.transparency)
        var rgb = [UInt8](repeating: 0, count: header.width * header.height * 3)
        var alpha = samples.hasAlpha ? [UInt8](repeating: 255, count: header.width * header.height) : nil
        if header.isInterlaced {
            var offset = 0
            for (pass, size) in Adam7.passes(width: header.width, height: header.height).enumerated() where size.width > 0 && size.height > 0 {
                let layout = Adam7.layout[pass]
                let rows = try PNGFilter.unfilter(raw, at: offset, rows: size.height, rowBytes: header.rowBytes(width: size.width),
                                                  stride: header.filterStride)
                offset += size.height * (1 + header.rowBytes(width: size.width))
                try samples.place(rows, width: size.width, height: size.height, into: &rgb, alpha: &alpha, imageWidth: header.width,
                                  x0: layout.x, y0: layout.y, dx: layout.dx, dy: layout.dy)
            }
        } else {
            let rows = try PNGFilter.unfilter(raw, at: 0, rows: header.height, rowBytes: header.rowBytes(width: header.width),
                                              stride: header.filterStride)
            try samples.place(rows, width: header.width, height: header.height, into: &rgb, alpha: &alpha, imageWidth: header.width,
                              x0: 0, y0: 0, dx: 1, dy: 1)
        }
        return DecodedPNG(header: header, image: RGBImage(width: header.width, height: header.height, pixels: rgb), alpha: alpha)
    }
}

/// A decoded PNG.
public struct DecodedPNG: Sendable {
    /// What IHDR said.
    public let header: PNGHeader
    /// The pixels as 8-bit RGB.
    public let image: RGBImage
    /// One 8-bit alpha value per pixel, when the image has an alpha channel or a `tRNS` chunk.
    public let alpha: [UInt8]?
}

/// PNG's five row filters (RFC 2083 §6), undone in place.
enum PNGFilter {
    /// Unfilters `rows` rows of `rowBytes` bytes (each after its filter-type byte) starting at
    /// `offset` of `data`; returns the rows back to back without filter bytes.
    static func unfilter(_ data: [UInt8], at offset: Int, rows: Int, rowBytes: Int, stride: Int) throws(ImageError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rows * rowBytes)
        var failure: ImageError?
        out.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { data in
                for row in 0..<rows {
                    let source = offset + row * (rowBytes + 1)
                    let filter = data[source]
                    let line = row * rowBytes
                    let previous = line - rowBytes  // valid only when row > 0
                    for i in 0..<rowBytes {
                        let x = Int(data[source + 1 + i])
                        let a = i >= stride ? Int(out[line + i - stride]) : 0
                        let b = row > 0 ? Int(out[previous + i]) : 0
                        let value: Int
                        switch filter {
                        case 0: value = x
                        case 1: value = x + a
                        case 2: value = x + b
                        case 3: value = x + (a + b) / 2
                        case 4:
                            let c = row > 0 && i >= stride ? Int(out[previous + i - stride]) : 0
                            let p = a + b - c
                            let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                            value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
                        default:
                            failure = .corruptPNG("unknown filter type \(filter) in row \(row)")
                            return
                        }
                        out[line + i] = UInt8(truncatingIfNeeded: value)
                    }
                }
            }
        }
        if let failure { throw failure }
        return out
    }
}
