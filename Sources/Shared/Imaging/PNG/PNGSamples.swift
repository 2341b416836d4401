/// Turns unfiltered PNG rows into 8-bit RGB (and alpha), whatever the colour type and bit depth.
struct PNGSamples {
    private let header: PNGHeader
    /// Palette as RGB triples, and one alpha per entry (255 beyond `tRNS`).
    private let palette: [UInt8]
    private let paletteAlpha: [UInt8]
    /// The `tRNS` colour key of gray or RGB images, as samples of the image's depth.
    private let key: [Int]?
    /// True when the result carries alpha.
    let hasAlpha: Bool

    init(header: PNGHeader, palette: [UInt8], transparency: [UInt8]?) throws(ImageError) {
        self.header = header
        self.palette = palette
        var alphas = [UInt8](repeating: 255, count: palette.count / 3)
        var key: [Int]?
        if let transparency {
            switch header.colorType {
            case 3:
                guard transparency.count <= alphas.count else { throw .corruptPNG("tRNS longer than the palette") }
                for (i, a) in transparency.enumerated() { alphas[i] = a }
            case 0:
                guard transparency.count == 2 else { throw .corruptPNG("bad tRNS for a gray image") }
                key = [Int(transparency[0]) << 8 | Int(transparency[1])]
            case 2:
                guard transparency.count == 6 else { throw .corruptPNG("bad tRNS for an RGB image") }
                key = (0..<3).map { Int(transparency[2 * $0]) << 8 | Int(transparency[2 * $0 + 1]) }
            default:
                throw .corruptPNG("tRNS with an alpha channel")
            }
        }
        paletteAlpha = alphas
        self.key = key
        hasAlpha = header.colorType == 4 || header.colorType == 6 || transparency != nil
    }

    /// Writes a `width`×`height` grid of unfiltered `rows` into the image at (x0 + x·dx, y0 + y·dy).
    func place(_ rows: [UInt8], width: Int, height: Int, into rgb: inout [UInt8], alpha: inout [UInt8]?, imageWidth: Int,
               x0: Int, y0: Int, dx: Int, dy: Int) throws(ImageError) {
        let depth = header.bitDepth, channels = header.channels
        let rowBytes = header.rowBytes(width: width)
        let maxValue = (1 << depth) - 1
        var sample = [Int](repeating: 0, count: channels)
        for y in 0..<height {
            let line = y * rowBytes
            for x in 0..<width {
                // Read this pixel's samples at the image's depth.
                for c in 0..<channels {
                    let index = x * channels + c
                    switch depth {
                    case 16: sample[c] = Int(rows[line + 2 * index]) << 8 | Int(rows[line + 2 * index + 1])
                    case 8: sample[c] = Int(rows[line + index])
                    default:
                        let bit = index * depth
                        let byte = Int(rows[line + bit / 8])
                        sample[c] = (byte >> (8 - depth - bit % 8)) & maxValue
                    }
                }
                let target = (y0 + y * dy) * imageWidth + x0 + x * dx
                var r = 0, g = 0, b = 0, a = 255
                switch header.colorType {
                case 3:
                    let entry = sample[0]
                    guard entry * 3 + 2 < palette.count else { throw .corruptPNG("palette index \(entry) out of range") }
                    (r, g, b) = (Int(palette[entry * 3]), Int(palette[entry * 3 + 1]), Int(palette[entry * 3 + 2]))
                    a = Int(paletteAlpha[entry])
                case 0, 4:
                    let v = Self.to8(sample[0], depth: depth)
                    (r, g, b) = (v, v, v)
                    if header.colorType == 4 { a = Self.to8(sample[1], depth: depth) } else if let key, key[0] == sample[0] { a = 0 }
                default:
                    (r, g, b) = (Self.to8(sample[0], depth: depth), Self.to8(sample[1], depth: depth), Self.to8(sample[2], depth: depth))
                    if header.colorType == 6 { a = Self.to8(sample[3], depth: depth) }
                    else if let key, key[0] == sample[0], key[1] == sample[1], key[2] == sample[2] { a = 0 }
                }
                rgb[target * 3] = UInt8(r)
                rgb[target * 3 + 1] = UInt8(g)
                rgb[target * 3 + 2] = UInt8(b)
                if alpha != nil { alpha![target] = UInt8(a) }
            }
        }
    }

    /// A sample of `depth` bits as 0…255: the high byte of 16-bit samples, low depths scaled up.
    static func to8(_ value: Int, depth: Int) -> Int {
        switch depth {
        case 16: value >> 8
        case 8: value
        default: value * 255 / ((1 << depth) - 1)
        }
    }
}
