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
        var raw: [UInt8]
        do {
            raw = try Zlib.decompress(chunks.imageData, maxOutput: expected, preallocate: true)
        } catch .truncated {
            throw .truncatedPNG("PNG image data ends early")
        } catch .outputLimit {
            throw .corruptPNG("image data inflates beyond the \(expected) bytes its header implies")
        } catch {
            throw .corruptPNG("\(error)")
        }
        guard raw.count == expected else { throw .truncatedPNG("PNG image data holds \(raw.count) of \(expected) bytes") }
        let samples = try PNGSamples(header: header, palette: chunks.palette, transparency: chunks.transparency)
        let width = header.width, height = header.height
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        var alpha = [UInt8](repeating: 255, count: samples.hasAlpha ? width * height : 0)
        let passes: [(width: Int, height: Int, x: Int, y: Int, dx: Int, dy: Int)] = header.isInterlaced
            ? zip(Adam7.passes(width: width, height: height), Adam7.layout).map { ($0.width, $0.height, $1.x, $1.y, $1.dx, $1.dy) }
            : [(width, height, 0, 0, 1, 1)]
        var failure: ImageError?
        raw.withUnsafeMutableBufferPointer { raw in
            rgb.withUnsafeMutableBufferPointer { rgb in
                alpha.withUnsafeMutableBufferPointer { alpha in
                    let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: width)
                    defer { scratch.deallocate() }
                    // A pointer for images without alpha too (never written through then).
                    let alphaBase = alpha.baseAddress ?? scratch
                    var offset = 0
                    for pass in passes where pass.width > 0 && pass.height > 0 {
                        let rowBytes = header.rowBytes(width: pass.width)
                        for y in 0..<pass.height {
                            let line = raw.baseAddress! + offset + y * (rowBytes + 1)
                            let filter = line[0]
                            let row = line + 1
                            let previous: UnsafePointer<UInt8>? = y > 0 ? UnsafePointer(row - (rowBytes + 1)) : nil
                            guard PNGFilter.unfilter(row, previous: previous, count: rowBytes, stride: header.filterStride, filter: filter) else {
                                failure = .corruptPNG("unknown filter type \(filter) in row \(y)")
                                return
                            }
                            let target = (pass.y + y * pass.dy) * width + pass.x
                            guard samples.convert(row: row, width: pass.width, rgb: rgb.baseAddress! + target * 3,
                                                  alpha: alphaBase + (alpha.isEmpty ? 0 : target), step: pass.dx, scratch: scratch) else {
                                failure = .corruptPNG("palette index out of range in row \(y)")
                                return
                            }
                        }
                        offset += pass.height * (rowBytes + 1)
                    }
                }
            }
        }
        if let failure { throw failure }
        return DecodedPNG(header: header, image: RGBImage(width: width, height: height, pixels: rgb),
                          alpha: samples.hasAlpha ? alpha : nil)
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

/// PNG's five row filters (RFC 2083 §6), undone in place, one specialised loop per filter.
enum PNGFilter {
    /// Unfilters one row of `count` bytes in place; `previous` is the row above, already
    /// unfiltered (nil for a pass's first row, which the filters see as zeros). False for an
    /// unknown filter type.
    @inline(__always)
    static func unfilter(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>?, count: Int, stride: Int,
                         filter: UInt8) -> Bool {
        switch filter {
        case 0:
            return true
        case 1:
            sub(row, count: count, stride: stride)
        case 2:
            if let previous { up(row, previous: previous, count: count) }
        case 3:
            if let previous { average(row, previous: previous, count: count, stride: stride) } else {
                var i = stride
                while i < count {
                    row[i] &+= row[i - stride] >> 1
                    i += 1
                }
            }
        case 4:
            if let previous { paeth(row, previous: previous, count: count, stride: stride) } else { sub(row, count: count, stride: stride) }
        default:
            return false
        }
        return true
    }

    static func sub(_ row: UnsafeMutablePointer<UInt8>, count: Int, stride: Int) {
        if stride == 1, count > 0 {
            // The byte to the left stays in a register: no store-to-load round trip per byte.
            var a = row[0]
            for i in 1..<count {
                a &+= row[i]
                row[i] = a
            }
            return
        }
        var i = stride
        while i < count {
            row[i] &+= row[i &- stride]
            i &+= 1
        }
    }

    static func up(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            let sum = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<UInt8>.self)
                &+ UnsafeRawPointer(previous + i).loadUnaligned(as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(row + i).storeBytes(of: sum, as: SIMD16<UInt8>.self)
            i &+= 16
        }
        while i < count {
            row[i] &+= previous[i]
            i &+= 1
        }
    }

    static func average(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int, stride: Int) {
        if stride == 1, count > 0 {
            var a = row[0] &+ previous[0] >> 1
            row[0] = a
            for i in 1..<count {
                a = row[i] &+ UInt8(truncatingIfNeeded: (UInt16(a) &+ UInt16(previous[i])) >> 1)
                row[i] = a
            }
            return
        }
        var i = 0
        while i < stride && i < count {
            row[i] &+= previous[i] >> 1
            i &+= 1
        }
        while i < count {
            row[i] &+= UInt8(truncatingIfNeeded: (UInt16(row[i &- stride]) &+ UInt16(previous[i])) >> 1)
            i &+= 1
        }
    }

    static func paeth(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int, stride: Int) {
        if stride == 1, count > 0 {
            var a = Int(row[0] &+ previous[0])
            row[0] = UInt8(truncatingIfNeeded: a)
            var c = Int(previous[0])
            for i in 1..<count {
                let b = Int(previous[i])
                let pa = magnitude(b &- c), pb = magnitude(a &- c), pc = magnitude(a &+ b &- c &- c)
                var predictor = a, smallest = pa
                if pb < smallest { predictor = b; smallest = pb }
                if pc < smallest { predictor = c }
                a = Int(row[i] &+ UInt8(truncatingIfNeeded: predictor))
                row[i] = UInt8(truncatingIfNeeded: a)
                c = b
            }
            return
        }
        var i = 0
        while i < stride && i < count {
            row[i] &+= previous[i]  // a = c = 0: the predictor is b
            i &+= 1
        }
        while i < count {
            let a = Int(row[i &- stride]), b = Int(previous[i]), c = Int(previous[i &- stride])
            // libpng's selection, equivalent to RFC 2083's (ties prefer a, then b), without branches.
            let pa = magnitude(b &- c), pb = magnitude(a &- c), pc = magnitude(a &+ b &- c &- c)
            var predictor = a, smallest = pa
            if pb < smallest { predictor = b; smallest = pb }
            if pc < smallest { predictor = c }
            row[i] &+= UInt8(truncatingIfNeeded: predictor)
            i &+= 1
        }
    }

    @inline(__always) static func magnitude(_ x: Int) -> Int {
        let sign = x >> 63
        return (x ^ sign) &- sign
    }
}
