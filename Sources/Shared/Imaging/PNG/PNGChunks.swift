/// The chunks of a PNG file after its signature, each CRC-checked, in the order the format requires.
struct PNGChunks {
    /// The palette (RGB triples), when present.
    var palette: [UInt8] = []
    /// The `tRNS` chunk's bytes, when present.
    var transparency: [UInt8]?
    /// All `IDAT` data, concatenated.
    var imageData: [UInt8] = []

    /// Big-endian 32-bit value at `offset`.
    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// Walks the chunks of `bytes` (signature and IHDR already validated).
    init(_ bytes: [UInt8], header: PNGHeader) throws(ImageError) {
        var offset = 33  // after the signature and IHDR
        imageData.reserveCapacity(bytes.count)  // the IDAT data is copied once, never regrown
        var sawEnd = false, idatEnded = false, sawIDAT = false
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { throw .truncatedPNG("PNG data ends inside a chunk") }
            let length = Int(Self.uint32(bytes, offset))
            guard length <= 0x7FFF_FFFF, length <= bytes.count - offset - 12 else { throw .truncatedPNG("PNG data ends inside a chunk") }
            let type = bytes[(offset + 4)..<(offset + 8)]
            let data = (offset + 8)..<(offset + 8 + length)
            guard CRC32.checksum(bytes[(offset + 4)..<data.upperBound]) == Self.uint32(bytes, data.upperBound) else {
                throw .corruptPNG("CRC mismatch in \(String(decoding: type, as: UTF8.self))")
            }
            offset = data.upperBound + 4
            switch String(decoding: type, as: UTF8.self) {
            case "IDAT":
                guard !idatEnded else { throw .corruptPNG("IDAT chunks are not consecutive") }
                sawIDAT = true
                imageData.append(contentsOf: bytes[data])
                continue
            case "PLTE":
                guard !sawIDAT, length % 3 == 0, length > 0, length / 3 <= 256 else { throw .corruptPNG("bad PLTE") }
                palette = Array(bytes[data])
            case "tRNS":
                guard !sawIDAT else { throw .corruptPNG("tRNS after IDAT") }
                transparency = Array(bytes[data])
            case "IEND":
                sawEnd = true
            case "IHDR":
                throw .corruptPNG("a second IHDR")
            default:
                // Unknown critical chunks (upper-case first letter) cannot be skipped safely.
                if type.first.map({ $0 & 0x20 == 0 }) == true { throw .corruptPNG("unknown critical chunk \(String(decoding: type, as: UTF8.self))") }
            }
            if sawIDAT { idatEnded = true }
            if sawEnd { break }
        }
        guard sawIDAT else { throw .corruptPNG("no image data") }
        guard sawEnd else { throw .truncatedPNG("PNG data ends before IEND") }
        if header.colorType == 3, palette.isEmpty { throw .corruptPNG("palette image without PLTE") }
    }
}
