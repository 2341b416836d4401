/// Turns unfiltered PNG rows into 8-bit RGB (and alpha), whatever the colour type and bit depth:
/// one specialised loop per (colour type, depth), writing each pixel straight to its place in
/// the image (every `step`-th pixel of a row, for Adam7 passes).
struct PNGSamples {
    private let header: PNGHeader
    /// Entries in the palette.
    private let paletteCount: Int
    /// The palette as 256 RGB triples (zeros past `paletteCount`), and one alpha per entry (255 beyond `tRNS`).
    private let palette: [UInt8]
    private let paletteAlpha: [UInt8]
    /// The palette as one little-endian word per entry (R, G, B, 0), for 4-byte stores.
    private let paletteWords: [UInt32]
    /// The `tRNS` colour key of gray or RGB images, as samples of the image's depth.
    private let key: (Int, Int, Int)?
    /// Gray samples of depth 1, 2, 4 or 8 as 0…255 (scaled like Pillow: v·255 / (2^depth − 1)).
    private let grayLevels: [UInt8]
    /// True when the result carries alpha.
    let hasAlpha: Bool

    init(header: PNGHeader, palette: [UInt8], transparency: [UInt8]?) throws(ImageError) {
        self.header = header
        paletteCount = palette.count / 3
        self.palette = palette + [UInt8](repeating: 0, count: 768 - paletteCount * 3)
        var alphas = [UInt8](repeating: 255, count: 256)
        var key: (Int, Int, Int)?
        if let transparency {
            switch header.colorType {
            case 3:
                guard transparency.count <= paletteCount else { throw .corruptPNG("tRNS longer than the palette") }
                for (i, a) in transparency.enumerated() { alphas[i] = a }
            case 0:
                guard transparency.count == 2 else { throw .corruptPNG("bad tRNS for a gray image") }
                let gray = Int(transparency[0]) << 8 | Int(transparency[1])
                key = (gray, gray, gray)
            case 2:
                guard transparency.count == 6 else { throw .corruptPNG("bad tRNS for an RGB image") }
                key = (Int(transparency[0]) << 8 | Int(transparency[1]), Int(transparency[2]) << 8 | Int(transparency[3]),
                       Int(transparency[4]) << 8 | Int(transparency[5]))
            default:
                throw .corruptPNG("tRNS with an alpha channel")
            }
        }
        paletteAlpha = alphas
        let padded = self.palette
        paletteWords = (0..<256).map { (i: Int) -> UInt32 in
            let red = UInt32(padded[3 * i]), green = UInt32(padded[3 * i + 1]), blue = UInt32(padded[3 * i + 2])
            return red | green << 8 | blue << 16
        }
        self.key = key
        let depth = header.bitDepth
        let top = (1 << depth) - 1
        grayLevels = (0..<256).map { (v: Int) -> UInt8 in
            if depth >= 8 { return UInt8(v) }
            let level: Int = (v & top) * 255 / top
            return UInt8(truncatingIfNeeded: level)
        }
        hasAlpha = header.colorType == 4 || header.colorType == 6 || transparency != nil
    }

    /// Writes the `width` pixels of one unfiltered row to `rgb` (3 bytes a pixel) and `alpha` (when
    /// the image has alpha), every `step` pixels. `scratch` holds at least `width` bytes (low depths
    /// are unpacked there). Returns false when a palette index is out of range.
    func convert(row: UnsafePointer<UInt8>, width: Int, rgb: UnsafeMutablePointer<UInt8>, alpha: UnsafeMutablePointer<UInt8>,
                 step: Int, scratch: UnsafeMutablePointer<UInt8>) -> Bool {
        let depth = header.bitDepth
        var samples = row
        if depth < 8 {
            Self.unpack(row, width: width, depth: depth, into: scratch)
            samples = UnsafePointer(scratch)
        }
        let rgbStep = step * 3
        switch (header.colorType, depth) {
        case (3, _) where step == 1 && width > 1:
            return paletteWords.withUnsafeBufferPointer { words in
                paletteAlpha.withUnsafeBufferPointer { paletteAlpha in
                    let count = paletteCount
                    let words = words.baseAddress!, alphas = paletteAlpha.baseAddress!
                    var out = UnsafeMutableRawPointer(rgb)
                    for x in 0..<width {
                        let entry = Int(samples[x])
                        guard entry < count else { return false }
                        let word = words[entry]
                        if x < width - 1 {
                            out.storeBytes(of: word, as: UInt32.self)  // the fourth byte: the next pixel's red
                        } else {
                            out.storeBytes(of: UInt8(truncatingIfNeeded: word), as: UInt8.self)
                            (out + 1).storeBytes(of: UInt8(truncatingIfNeeded: word >> 8), as: UInt8.self)
                            (out + 2).storeBytes(of: UInt8(truncatingIfNeeded: word >> 16), as: UInt8.self)
                        }
                        out += 3
                        if hasAlpha { alpha[x] = alphas[entry] }
                    }
                    return true
                }
            }
        case (3, _):
            return palette.withUnsafeBufferPointer { palette in
                paletteAlpha.withUnsafeBufferPointer { paletteAlpha in
                    let count = paletteCount
                    let colours = palette.baseAddress!, alphas = paletteAlpha.baseAddress!
                    var out = rgb, a = alpha
                    for x in 0..<width {
                        let entry = Int(samples[x])
                        guard entry < count else { return false }
                        out[0] = colours[entry * 3]
                        out[1] = colours[entry * 3 + 1]
                        out[2] = colours[entry * 3 + 2]
                        out += rgbStep
                        if hasAlpha {
                            a.pointee = alphas[entry]
                            a += step
                        }
                    }
                    return true
                }
            }
        case (0, 16):
            var out = rgb, a = alpha
            for x in 0..<width {
                let high = samples[2 * x]
                out[0] = high
                out[1] = high
                out[2] = high
                out += rgbStep
                if let key {
                    a.pointee = Int(high) << 8 | Int(samples[2 * x + 1]) == key.0 ? 0 : 255
                    a += step
                }
            }
        case (0, _):
            grayLevels.withUnsafeBufferPointer { levels in
                let levels = levels.baseAddress!
                if key == nil, step == 1, width > 1 {
                    // Four bytes a pixel, the fourth overwritten by the next pixel (the last one apart).
                    var out = UnsafeMutableRawPointer(rgb)
                    for x in 0..<(width - 1) {
                        out.storeBytes(of: UInt32(levels[Int(samples[x])]) &* 0x0001_0101, as: UInt32.self)
                        out += 3
                    }
                    let gray = levels[Int(samples[width - 1])]
                    out.storeBytes(of: gray, as: UInt8.self)
                    (out + 1).storeBytes(of: gray, as: UInt8.self)
                    (out + 2).storeBytes(of: gray, as: UInt8.self)
                    return
                }
                var out = rgb, a = alpha
                for x in 0..<width {
                    let sample = samples[x]
                    let gray = levels[Int(sample)]
                    out[0] = gray
                    out[1] = gray
                    out[2] = gray
                    out += rgbStep
                    if let key {
                        a.pointee = Int(sample) == key.0 ? 0 : 255
                        a += step
                    }
                }
            }
        case (2, 8):
            if key == nil, step == 1 {
                rgb.update(from: samples, count: width * 3)
                return true
            }
            var out = rgb, a = alpha, p = samples
            for _ in 0..<width {
                out[0] = p[0]
                out[1] = p[1]
                out[2] = p[2]
                if let key {
                    a.pointee = Int(p[0]) == key.0 && Int(p[1]) == key.1 && Int(p[2]) == key.2 ? 0 : 255
                    a += step
                }
                out += rgbStep
                p += 3
            }
        case (2, _):
            var out = rgb, a = alpha, p = samples
            for _ in 0..<width {
                out[0] = p[0]
                out[1] = p[2]
                out[2] = p[4]
                if let key {
                    let r = Int(p[0]) << 8 | Int(p[1]), g = Int(p[2]) << 8 | Int(p[3]), b = Int(p[4]) << 8 | Int(p[5])
                    a.pointee = r == key.0 && g == key.1 && b == key.2 ? 0 : 255
                    a += step
                }
                out += rgbStep
                p += 6
            }
        case (4, _):
            let size = depth / 8
            var out = rgb, a = alpha, p = samples
            for _ in 0..<width {
                let gray = p[0]
                out[0] = gray
                out[1] = gray
                out[2] = gray
                a.pointee = p[size]
                out += rgbStep
                a += step
                p += 2 * size
            }
        default:  // 6: RGBA
            let size = depth / 8
            var out = rgb, a = alpha, p = samples
            for _ in 0..<width {
                out[0] = p[0]
                out[1] = p[size]
                out[2] = p[2 * size]
                a.pointee = p[3 * size]
                out += rgbStep
                a += step
                p += 4 * size
            }
        }
        return true
    }

    /// Unpacks `width` samples of 1, 2 or 4 bits (most significant first) into one byte each.
    static func unpack(_ row: UnsafePointer<UInt8>, width: Int, depth: Int, into out: UnsafeMutablePointer<UInt8>) {
        // Whole bytes through a table (8, 4 or 2 samples at once), the last partial byte bit by bit.
        let perByte = 8 / depth
        let whole = width / perByte
        unpacked.withUnsafeBufferPointer { table in
            let table = table.baseAddress! + (depth == 1 ? 0 : depth == 2 ? 256 : 512)
            var to = UnsafeMutableRawPointer(out)
            switch depth {
            case 1:
                for i in 0..<whole {
                    to.storeBytes(of: table[Int(row[i])], as: UInt64.self)
                    to += 8
                }
            case 2:
                for i in 0..<whole {
                    to.storeBytes(of: UInt32(truncatingIfNeeded: table[Int(row[i])]), as: UInt32.self)
                    to += 4
                }
            default:
                for i in 0..<whole {
                    to.storeBytes(of: UInt16(truncatingIfNeeded: table[Int(row[i])]), as: UInt16.self)
                    to += 2
                }
            }
        }
        let done = whole * perByte
        guard done < width else { return }
        let mask = (1 << depth) - 1
        let byte = Int(row[whole])
        var shift = 8 - depth
        for x in done..<width {
            out[x] = UInt8(truncatingIfNeeded: (byte >> shift) & mask)
            shift -= depth
        }
    }

    /// For depths 1, 2 and 4 (at 0, 256, 512): each byte's samples, one per byte, little-endian.
    private static let unpacked: [UInt64] = [1, 2, 4].flatMap { depth in
        (0..<256).map { byte -> UInt64 in
            var word: UInt64 = 0
            for k in 0..<(8 / depth) { word |= UInt64((byte >> (8 - depth * (k + 1))) & ((1 << depth) - 1)) << (8 * k) }
            return word
        }
    }

    static func unpackBitByBit(_ row: UnsafePointer<UInt8>, width: Int, depth: Int, into out: UnsafeMutablePointer<UInt8>) {
        let perByte = 8 / depth
        let mask = (1 << depth) - 1
        var x = 0, index = 0
        while x < width {
            let byte = Int(row[index])
            index += 1
            var shift = 8 - depth
            var n = min(perByte, width - x)
            while n > 0 {
                out[x] = UInt8(truncatingIfNeeded: (byte >> shift) & mask)
                shift -= depth
                x += 1
                n -= 1
            }
        }
    }
}
