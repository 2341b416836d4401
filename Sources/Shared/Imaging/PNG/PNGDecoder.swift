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
            switch stride {
            case 2: sub2(row, count: count)
            case 3: sub3(row, count: count)
            case 4: sub4(row, count: count)
            case 6: sub6(row, count: count)
            case 8: sub8(row, count: count)
            default: sub(row, count: count, stride: stride)
            }
        case 2:
            if let previous { up(row, previous: previous, count: count) }
        case 3:
            if let previous {
                switch stride {
                case 2: average2(row, previous: previous, count: count)
                case 3: average3(row, previous: previous, count: count)
                case 4: average4(row, previous: previous, count: count)
                case 6: average6(row, previous: previous, count: count)
                case 8: average8(row, previous: previous, count: count)
                default: average(row, previous: previous, count: count, stride: stride)
                }
            } else {
                var i = stride
                while i < count {
                    row[i] &+= row[i - stride] >> 1
                    i += 1
                }
            }
        case 4:
            if let previous {
                switch stride {
                case 2: paeth2(row, previous: previous, count: count)
                case 3: paeth3(row, previous: previous, count: count)
                case 4: paeth4(row, previous: previous, count: count)
                case 6: paeth6(row, previous: previous, count: count)
                case 8: paeth8(row, previous: previous, count: count)
                default: paeth(row, previous: previous, count: count, stride: stride)
                }
            } else {
                unfilter(row, previous: nil, count: count, stride: stride, filter: 1)  // b = c = 0: Sub
            }
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

/// Filters specialised by pixel size (generated: one copy per size, every lane in a register).
extension PNGFilter {
    /// The Paeth predictor (libpng's selection, equivalent to RFC 2083's; ties prefer a, then b).
    @inline(__always) static func predict(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let pa = magnitude(b &- c), pb = magnitude(a &- c), pc = magnitude(a &+ b &- c &- c)
        var predictor = a, smallest = pa
        if pb < smallest { predictor = b; smallest = pb }
        if pc < smallest { predictor = c }
        return predictor
    }

    /// Paeth for 2-byte pixels: the left pixel and the one above it stay in registers.
    static func paeth2(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 2 else { return }
        row[0] &+= previous[0]
        var a0 = Int(row[0]), c0 = Int(previous[0])
        row[1] &+= previous[1]
        var a1 = Int(row[1]), c1 = Int(previous[1])
        var i = 2
        while i &+ 2 <= count {
            let b0 = Int(previous[i &+ 0])
            a0 = Int(row[i &+ 0] &+ UInt8(truncatingIfNeeded: predict(a0, b0, c0)))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            c0 = b0
            let b1 = Int(previous[i &+ 1])
            a1 = Int(row[i &+ 1] &+ UInt8(truncatingIfNeeded: predict(a1, b1, c1)))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            c1 = b1
            i &+= 2
        }
    }

    /// Average for 2-byte pixels, the left pixel in registers.
    static func average2(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 2 else { return }
        row[0] &+= previous[0] >> 1
        var a0 = UInt16(row[0])
        row[1] &+= previous[1] >> 1
        var a1 = UInt16(row[1])
        var i = 2
        while i &+ 2 <= count {
            a0 = UInt16(row[i &+ 0] &+ UInt8(truncatingIfNeeded: (a0 &+ UInt16(previous[i &+ 0])) >> 1))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            a1 = UInt16(row[i &+ 1] &+ UInt8(truncatingIfNeeded: (a1 &+ UInt16(previous[i &+ 1])) >> 1))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            i &+= 2
        }
    }

    /// Sub for 2-byte pixels, the left pixel in registers.
    static func sub2(_ row: UnsafeMutablePointer<UInt8>, count: Int) {
        guard count >= 2 else { return }
        var a0 = row[0]
        var a1 = row[1]
        var i = 2
        while i &+ 2 <= count {
            a0 &+= row[i &+ 0]
            row[i &+ 0] = a0
            a1 &+= row[i &+ 1]
            row[i &+ 1] = a1
            i &+= 2
        }
    }

    /// Paeth for 3-byte pixels: the left pixel and the one above it stay in registers.
    static func paeth3(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 3 else { return }
        row[0] &+= previous[0]
        var a0 = Int(row[0]), c0 = Int(previous[0])
        row[1] &+= previous[1]
        var a1 = Int(row[1]), c1 = Int(previous[1])
        row[2] &+= previous[2]
        var a2 = Int(row[2]), c2 = Int(previous[2])
        var i = 3
        while i &+ 3 <= count {
            let b0 = Int(previous[i &+ 0])
            a0 = Int(row[i &+ 0] &+ UInt8(truncatingIfNeeded: predict(a0, b0, c0)))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            c0 = b0
            let b1 = Int(previous[i &+ 1])
            a1 = Int(row[i &+ 1] &+ UInt8(truncatingIfNeeded: predict(a1, b1, c1)))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            c1 = b1
            let b2 = Int(previous[i &+ 2])
            a2 = Int(row[i &+ 2] &+ UInt8(truncatingIfNeeded: predict(a2, b2, c2)))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            c2 = b2
            i &+= 3
        }
    }

    /// Average for 3-byte pixels, the left pixel in registers.
    static func average3(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 3 else { return }
        row[0] &+= previous[0] >> 1
        var a0 = UInt16(row[0])
        row[1] &+= previous[1] >> 1
        var a1 = UInt16(row[1])
        row[2] &+= previous[2] >> 1
        var a2 = UInt16(row[2])
        var i = 3
        while i &+ 3 <= count {
            a0 = UInt16(row[i &+ 0] &+ UInt8(truncatingIfNeeded: (a0 &+ UInt16(previous[i &+ 0])) >> 1))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            a1 = UInt16(row[i &+ 1] &+ UInt8(truncatingIfNeeded: (a1 &+ UInt16(previous[i &+ 1])) >> 1))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            a2 = UInt16(row[i &+ 2] &+ UInt8(truncatingIfNeeded: (a2 &+ UInt16(previous[i &+ 2])) >> 1))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            i &+= 3
        }
    }

    /// Sub for 3-byte pixels, the left pixel in registers.
    static func sub3(_ row: UnsafeMutablePointer<UInt8>, count: Int) {
        guard count >= 3 else { return }
        var a0 = row[0]
        var a1 = row[1]
        var a2 = row[2]
        var i = 3
        while i &+ 3 <= count {
            a0 &+= row[i &+ 0]
            row[i &+ 0] = a0
            a1 &+= row[i &+ 1]
            row[i &+ 1] = a1
            a2 &+= row[i &+ 2]
            row[i &+ 2] = a2
            i &+= 3
        }
    }

    /// Paeth for 4-byte pixels: the left pixel and the one above it stay in registers.
    static func paeth4(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 4 else { return }
        row[0] &+= previous[0]
        var a0 = Int(row[0]), c0 = Int(previous[0])
        row[1] &+= previous[1]
        var a1 = Int(row[1]), c1 = Int(previous[1])
        row[2] &+= previous[2]
        var a2 = Int(row[2]), c2 = Int(previous[2])
        row[3] &+= previous[3]
        var a3 = Int(row[3]), c3 = Int(previous[3])
        var i = 4
        while i &+ 4 <= count {
            let b0 = Int(previous[i &+ 0])
            a0 = Int(row[i &+ 0] &+ UInt8(truncatingIfNeeded: predict(a0, b0, c0)))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            c0 = b0
            let b1 = Int(previous[i &+ 1])
            a1 = Int(row[i &+ 1] &+ UInt8(truncatingIfNeeded: predict(a1, b1, c1)))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            c1 = b1
            let b2 = Int(previous[i &+ 2])
            a2 = Int(row[i &+ 2] &+ UInt8(truncatingIfNeeded: predict(a2, b2, c2)))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            c2 = b2
            let b3 = Int(previous[i &+ 3])
            a3 = Int(row[i &+ 3] &+ UInt8(truncatingIfNeeded: predict(a3, b3, c3)))
            row[i &+ 3] = UInt8(truncatingIfNeeded: a3)
            c3 = b3
            i &+= 4
        }
    }

    /// Average for 4-byte pixels, the left pixel in registers.
    static func average4(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 4 else { return }
        row[0] &+= previous[0] >> 1
        var a0 = UInt16(row[0])
        row[1] &+= previous[1] >> 1
        var a1 = UInt16(row[1])
        row[2] &+= previous[2] >> 1
        var a2 = UInt16(row[2])
        row[3] &+= previous[3] >> 1
        var a3 = UInt16(row[3])
        var i = 4
        while i &+ 4 <= count {
            a0 = UInt16(row[i &+ 0] &+ UInt8(truncatingIfNeeded: (a0 &+ UInt16(previous[i &+ 0])) >> 1))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            a1 = UInt16(row[i &+ 1] &+ UInt8(truncatingIfNeeded: (a1 &+ UInt16(previous[i &+ 1])) >> 1))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            a2 = UInt16(row[i &+ 2] &+ UInt8(truncatingIfNeeded: (a2 &+ UInt16(previous[i &+ 2])) >> 1))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            a3 = UInt16(row[i &+ 3] &+ UInt8(truncatingIfNeeded: (a3 &+ UInt16(previous[i &+ 3])) >> 1))
            row[i &+ 3] = UInt8(truncatingIfNeeded: a3)
            i &+= 4
        }
    }

    /// Sub for 4-byte pixels, the left pixel in registers.
    static func sub4(_ row: UnsafeMutablePointer<UInt8>, count: Int) {
        guard count >= 4 else { return }
        var a0 = row[0]
        var a1 = row[1]
        var a2 = row[2]
        var a3 = row[3]
        var i = 4
        while i &+ 4 <= count {
            a0 &+= row[i &+ 0]
            row[i &+ 0] = a0
            a1 &+= row[i &+ 1]
            row[i &+ 1] = a1
            a2 &+= row[i &+ 2]
            row[i &+ 2] = a2
            a3 &+= row[i &+ 3]
            row[i &+ 3] = a3
            i &+= 4
        }
    }

    /// Paeth for 6-byte pixels: the left pixel and the one above it stay in registers.
    static func paeth6(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 6 else { return }
        row[0] &+= previous[0]
        var a0 = Int(row[0]), c0 = Int(previous[0])
        row[1] &+= previous[1]
        var a1 = Int(row[1]), c1 = Int(previous[1])
        row[2] &+= previous[2]
        var a2 = Int(row[2]), c2 = Int(previous[2])
        row[3] &+= previous[3]
        var a3 = Int(row[3]), c3 = Int(previous[3])
        row[4] &+= previous[4]
        var a4 = Int(row[4]), c4 = Int(previous[4])
        row[5] &+= previous[5]
        var a5 = Int(row[5]), c5 = Int(previous[5])
        var i = 6
        while i &+ 6 <= count {
            let b0 = Int(previous[i &+ 0])
            a0 = Int(row[i &+ 0] &+ UInt8(truncatingIfNeeded: predict(a0, b0, c0)))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            c0 = b0
            let b1 = Int(previous[i &+ 1])
            a1 = Int(row[i &+ 1] &+ UInt8(truncatingIfNeeded: predict(a1, b1, c1)))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            c1 = b1
            let b2 = Int(previous[i &+ 2])
            a2 = Int(row[i &+ 2] &+ UInt8(truncatingIfNeeded: predict(a2, b2, c2)))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            c2 = b2
            let b3 = Int(previous[i &+ 3])
            a3 = Int(row[i &+ 3] &+ UInt8(truncatingIfNeeded: predict(a3, b3, c3)))
            row[i &+ 3] = UInt8(truncatingIfNeeded: a3)
            c3 = b3
            let b4 = Int(previous[i &+ 4])
            a4 = Int(row[i &+ 4] &+ UInt8(truncatingIfNeeded: predict(a4, b4, c4)))
            row[i &+ 4] = UInt8(truncatingIfNeeded: a4)
            c4 = b4
            let b5 = Int(previous[i &+ 5])
            a5 = Int(row[i &+ 5] &+ UInt8(truncatingIfNeeded: predict(a5, b5, c5)))
            row[i &+ 5] = UInt8(truncatingIfNeeded: a5)
            c5 = b5
            i &+= 6
        }
    }

    /// Average for 6-byte pixels, the left pixel in registers.
    static func average6(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 6 else { return }
        row[0] &+= previous[0] >> 1
        var a0 = UInt16(row[0])
        row[1] &+= previous[1] >> 1
        var a1 = UInt16(row[1])
        row[2] &+= previous[2] >> 1
        var a2 = UInt16(row[2])
        row[3] &+= previous[3] >> 1
        var a3 = UInt16(row[3])
        row[4] &+= previous[4] >> 1
        var a4 = UInt16(row[4])
        row[5] &+= previous[5] >> 1
        var a5 = UInt16(row[5])
        var i = 6
        while i &+ 6 <= count {
            a0 = UInt16(row[i &+ 0] &+ UInt8(truncatingIfNeeded: (a0 &+ UInt16(previous[i &+ 0])) >> 1))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            a1 = UInt16(row[i &+ 1] &+ UInt8(truncatingIfNeeded: (a1 &+ UInt16(previous[i &+ 1])) >> 1))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            a2 = UInt16(row[i &+ 2] &+ UInt8(truncatingIfNeeded: (a2 &+ UInt16(previous[i &+ 2])) >> 1))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            a3 = UInt16(row[i &+ 3] &+ UInt8(truncatingIfNeeded: (a3 &+ UInt16(previous[i &+ 3])) >> 1))
            row[i &+ 3] = UInt8(truncatingIfNeeded: a3)
            a4 = UInt16(row[i &+ 4] &+ UInt8(truncatingIfNeeded: (a4 &+ UInt16(previous[i &+ 4])) >> 1))
            row[i &+ 4] = UInt8(truncatingIfNeeded: a4)
            a5 = UInt16(row[i &+ 5] &+ UInt8(truncatingIfNeeded: (a5 &+ UInt16(previous[i &+ 5])) >> 1))
            row[i &+ 5] = UInt8(truncatingIfNeeded: a5)
            i &+= 6
        }
    }

    /// Sub for 6-byte pixels, the left pixel in registers.
    static func sub6(_ row: UnsafeMutablePointer<UInt8>, count: Int) {
        guard count >= 6 else { return }
        var a0 = row[0]
        var a1 = row[1]
        var a2 = row[2]
        var a3 = row[3]
        var a4 = row[4]
        var a5 = row[5]
        var i = 6
        while i &+ 6 <= count {
            a0 &+= row[i &+ 0]
            row[i &+ 0] = a0
            a1 &+= row[i &+ 1]
            row[i &+ 1] = a1
            a2 &+= row[i &+ 2]
            row[i &+ 2] = a2
            a3 &+= row[i &+ 3]
            row[i &+ 3] = a3
            a4 &+= row[i &+ 4]
            row[i &+ 4] = a4
            a5 &+= row[i &+ 5]
            row[i &+ 5] = a5
            i &+= 6
        }
    }

    /// Paeth for 8-byte pixels: the left pixel and the one above it stay in registers.
    static func paeth8(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 8 else { return }
        row[0] &+= previous[0]
        var a0 = Int(row[0]), c0 = Int(previous[0])
        row[1] &+= previous[1]
        var a1 = Int(row[1]), c1 = Int(previous[1])
        row[2] &+= previous[2]
        var a2 = Int(row[2]), c2 = Int(previous[2])
        row[3] &+= previous[3]
        var a3 = Int(row[3]), c3 = Int(previous[3])
        row[4] &+= previous[4]
        var a4 = Int(row[4]), c4 = Int(previous[4])
        row[5] &+= previous[5]
        var a5 = Int(row[5]), c5 = Int(previous[5])
        row[6] &+= previous[6]
        var a6 = Int(row[6]), c6 = Int(previous[6])
        row[7] &+= previous[7]
        var a7 = Int(row[7]), c7 = Int(previous[7])
        var i = 8
        while i &+ 8 <= count {
            let b0 = Int(previous[i &+ 0])
            a0 = Int(row[i &+ 0] &+ UInt8(truncatingIfNeeded: predict(a0, b0, c0)))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            c0 = b0
            let b1 = Int(previous[i &+ 1])
            a1 = Int(row[i &+ 1] &+ UInt8(truncatingIfNeeded: predict(a1, b1, c1)))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            c1 = b1
            let b2 = Int(previous[i &+ 2])
            a2 = Int(row[i &+ 2] &+ UInt8(truncatingIfNeeded: predict(a2, b2, c2)))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            c2 = b2
            let b3 = Int(previous[i &+ 3])
            a3 = Int(row[i &+ 3] &+ UInt8(truncatingIfNeeded: predict(a3, b3, c3)))
            row[i &+ 3] = UInt8(truncatingIfNeeded: a3)
            c3 = b3
            let b4 = Int(previous[i &+ 4])
            a4 = Int(row[i &+ 4] &+ UInt8(truncatingIfNeeded: predict(a4, b4, c4)))
            row[i &+ 4] = UInt8(truncatingIfNeeded: a4)
            c4 = b4
            let b5 = Int(previous[i &+ 5])
            a5 = Int(row[i &+ 5] &+ UInt8(truncatingIfNeeded: predict(a5, b5, c5)))
            row[i &+ 5] = UInt8(truncatingIfNeeded: a5)
            c5 = b5
            let b6 = Int(previous[i &+ 6])
            a6 = Int(row[i &+ 6] &+ UInt8(truncatingIfNeeded: predict(a6, b6, c6)))
            row[i &+ 6] = UInt8(truncatingIfNeeded: a6)
            c6 = b6
            let b7 = Int(previous[i &+ 7])
            a7 = Int(row[i &+ 7] &+ UInt8(truncatingIfNeeded: predict(a7, b7, c7)))
            row[i &+ 7] = UInt8(truncatingIfNeeded: a7)
            c7 = b7
            i &+= 8
        }
    }

    /// Average for 8-byte pixels, the left pixel in registers.
    static func average8(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int) {
        guard count >= 8 else { return }
        row[0] &+= previous[0] >> 1
        var a0 = UInt16(row[0])
        row[1] &+= previous[1] >> 1
        var a1 = UInt16(row[1])
        row[2] &+= previous[2] >> 1
        var a2 = UInt16(row[2])
        row[3] &+= previous[3] >> 1
        var a3 = UInt16(row[3])
        row[4] &+= previous[4] >> 1
        var a4 = UInt16(row[4])
        row[5] &+= previous[5] >> 1
        var a5 = UInt16(row[5])
        row[6] &+= previous[6] >> 1
        var a6 = UInt16(row[6])
        row[7] &+= previous[7] >> 1
        var a7 = UInt16(row[7])
        var i = 8
        while i &+ 8 <= count {
            a0 = UInt16(row[i &+ 0] &+ UInt8(truncatingIfNeeded: (a0 &+ UInt16(previous[i &+ 0])) >> 1))
            row[i &+ 0] = UInt8(truncatingIfNeeded: a0)
            a1 = UInt16(row[i &+ 1] &+ UInt8(truncatingIfNeeded: (a1 &+ UInt16(previous[i &+ 1])) >> 1))
            row[i &+ 1] = UInt8(truncatingIfNeeded: a1)
            a2 = UInt16(row[i &+ 2] &+ UInt8(truncatingIfNeeded: (a2 &+ UInt16(previous[i &+ 2])) >> 1))
            row[i &+ 2] = UInt8(truncatingIfNeeded: a2)
            a3 = UInt16(row[i &+ 3] &+ UInt8(truncatingIfNeeded: (a3 &+ UInt16(previous[i &+ 3])) >> 1))
            row[i &+ 3] = UInt8(truncatingIfNeeded: a3)
            a4 = UInt16(row[i &+ 4] &+ UInt8(truncatingIfNeeded: (a4 &+ UInt16(previous[i &+ 4])) >> 1))
            row[i &+ 4] = UInt8(truncatingIfNeeded: a4)
            a5 = UInt16(row[i &+ 5] &+ UInt8(truncatingIfNeeded: (a5 &+ UInt16(previous[i &+ 5])) >> 1))
            row[i &+ 5] = UInt8(truncatingIfNeeded: a5)
            a6 = UInt16(row[i &+ 6] &+ UInt8(truncatingIfNeeded: (a6 &+ UInt16(previous[i &+ 6])) >> 1))
            row[i &+ 6] = UInt8(truncatingIfNeeded: a6)
            a7 = UInt16(row[i &+ 7] &+ UInt8(truncatingIfNeeded: (a7 &+ UInt16(previous[i &+ 7])) >> 1))
            row[i &+ 7] = UInt8(truncatingIfNeeded: a7)
            i &+= 8
        }
    }

    /// Sub for 8-byte pixels, the left pixel in registers.
    static func sub8(_ row: UnsafeMutablePointer<UInt8>, count: Int) {
        guard count >= 8 else { return }
        var a0 = row[0]
        var a1 = row[1]
        var a2 = row[2]
        var a3 = row[3]
        var a4 = row[4]
        var a5 = row[5]
        var a6 = row[6]
        var a7 = row[7]
        var i = 8
        while i &+ 8 <= count {
            a0 &+= row[i &+ 0]
            row[i &+ 0] = a0
            a1 &+= row[i &+ 1]
            row[i &+ 1] = a1
            a2 &+= row[i &+ 2]
            row[i &+ 2] = a2
            a3 &+= row[i &+ 3]
            row[i &+ 3] = a3
            a4 &+= row[i &+ 4]
            row[i &+ 4] = a4
            a5 &+= row[i &+ 5]
            row[i &+ 5] = a5
            a6 &+= row[i &+ 6]
            row[i &+ 6] = a6
            a7 &+= row[i &+ 7]
            row[i &+ 7] = a7
            i &+= 8
        }
    }
}
