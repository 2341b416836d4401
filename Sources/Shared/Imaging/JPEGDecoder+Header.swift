extension JPEGDecoder {
    /// True when `bytes` starts with the JPEG signature FF D8 FF.
    public static func isJPEG(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0xFF && iterator.next() == 0xD8 && iterator.next() == 0xFF
    }

    /// Reads a JPEG's header (size, components, orientation, progressive) without decoding pixels.
    ///
    /// Cheap enough for the gateway to call on every upload before enqueueing: a pure Swift walk
    /// over the marker segments up to the first scan, bounds-checked at every read and advancing
    /// at least one byte per step, so any byte sequence terminates without a crash. Fails with
    /// `image_too_large` as soon as the frame header claims more than `maxPixels`.
    public static func readHeader(_ bytes: UnsafeRawBufferPointer,
                                  maxPixels: Int = DecodeOptions.defaultMaxPixels) throws(ImageError) -> ImageHeader {
        guard isJPEG(bytes) else { throw .notJPEG() }
        var reader = MarkerReader(bytes: bytes)
        var frame: Frame?
        var orientation: Int?
        while true {
            let marker = try reader.nextMarker()
            switch marker {
            case 0x01, 0xD0...0xD7:  // TEM and RSTn: no payload
                continue
            case 0xD8:
                throw .corrupt("second start-of-image marker before the first scan")
            case 0xD9:
                throw .corrupt("end-of-image marker before any scan")
            default:
                break
            }
            let segment = try reader.segment()
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard frame == nil else { throw .corrupt("more than one frame header") }
                let parsed = try Frame(marker: marker, segment: segment)
                guard parsed.width * parsed.height <= maxPixels else {
                    throw .tooLarge(width: parsed.width, height: parsed.height, maxPixels: maxPixels)
                }
                frame = parsed
            case 0xE1 where orientation == nil:
                orientation = ExifOrientation.read(app1: segment)
            case 0xDA:
                guard let frame else { throw .corrupt("scan before the frame header") }
                return ImageHeader(width: frame.width, height: frame.height, components: frame.components,
                                   orientation: orientation ?? 1, isProgressive: frame.isProgressive)
            default:
                continue
            }
        }
    }

    /// Reads a JPEG's header from an array; see `readHeader(_:maxPixels:)`.
    public static func readHeader(_ bytes: [UInt8],
                                  maxPixels: Int = DecodeOptions.defaultMaxPixels) throws(ImageError) -> ImageHeader {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ImageError) in try readHeader(raw, maxPixels: maxPixels) }
        }
        return try result.get()
    }
}

/// The parts of a start-of-frame segment (SOF0...SOF15) that decide whether we can decode it.
private struct Frame {
    let width: Int
    let height: Int
    let components: Int
    let isProgressive: Bool

    init(marker: UInt8, segment: UnsafeRawBufferPointer) throws(ImageError) {
        guard segment.count >= 6 else { throw .corrupt("frame header too short") }
        let precision = Int(segment[0])
        height = Int(segment[1]) << 8 | Int(segment[2])
        width = Int(segment[3]) << 8 | Int(segment[4])
        components = Int(segment[5])
        guard segment.count >= 6 + 3 * components else { throw .corrupt("frame header too short") }
        // SOF3/7/11/15 are lossless; SOF5...7 and SOF13...15 hierarchical: libjpeg-turbo 2.1 does neither.
        if [0xC3, 0xC5, 0xC6, 0xC7, 0xCB, 0xCD, 0xCE, 0xCF].contains(marker) {
            throw .unsupported("JPEG process SOF\(Int(marker) - 0xC0) is not supported")
        }
        guard precision == 8 else { throw .unsupported("\(precision)-bit samples are not supported") }
        guard width > 0 else { throw .corrupt("frame header has zero width") }
        guard height > 0 else { throw .unsupported("height defined by a DNL marker is not supported") }
        guard [1, 3, 4].contains(components) else {
            throw .unsupported("\(components) colour components are not supported")
        }
        isProgressive = marker == 0xC2 || marker == 0xCA
    }
}

/// Walks marker segments of a JPEG held in memory; every read is bounds-checked.
private struct MarkerReader {
    let bytes: UnsafeRawBufferPointer
    /// Just after SOI.
    var position = 2

    /// The next marker code, skipping fill bytes and (as libjpeg does) stray bytes between segments.
    mutating func nextMarker() throws(ImageError) -> UInt8 {
        while position < bytes.count {
            guard bytes[position] == 0xFF else { position += 1; continue }
            while position < bytes.count && bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { break }
            let marker = bytes[position]
            position += 1
            if marker != 0x00 { return marker }  // FF 00 is a stuffed byte, not a marker
        }
        throw .truncated("JPEG data ends before the first scan")
    }

    /// The payload of the segment that starts here (after its 2-byte length); moves past it.
    mutating func segment() throws(ImageError) -> UnsafeRawBufferPointer {
        guard position + 2 <= bytes.count else { throw .truncated("JPEG data ends inside a marker segment") }
        let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
        guard length >= 2 else { throw .corrupt("marker segment with invalid length \(length)") }
        guard position + length <= bytes.count else { throw .truncated("JPEG data ends inside a marker segment") }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(position + 2)..<(position + length)])
        position += length
        return payload
    }
}
