/// Reads the orientation tag (0x0112) from an APP1 "Exif" segment.
enum ExifOrientation {
    /// The orientation 1...8 in `app1` (the segment payload), or nil when the segment is not
    /// EXIF, is malformed, or has no valid orientation. Every offset is checked against the
    /// segment, and at most the entries that fit in it are read.
    static func read(app1: UnsafeRawBufferPointer) -> Int? {
        let signature: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]  // "Exif\0\0"
        guard app1.count >= 6 + 8, app1.prefix(6).elementsEqual(signature) else { return nil }
        let tiff = UnsafeRawBufferPointer(rebasing: app1[6...])
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x4D, 0x4D): bigEndian = true   // "MM", Motorola
        case (0x49, 0x49): bigEndian = false  // "II", Intel
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at]), b = Int(tiff[at + 1])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func u32(_ at: Int) -> Int? {
            guard let high = u16(bigEndian ? at : at + 2), let low = u16(bigEndian ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + 12 * entry
            guard let tag = u16(at), let type = u16(at + 2) else { return nil }
            guard tag == 0x0112 else { continue }
            // SHORT (3) is what the standard says; some writers use LONG (4).
            let value = type == 4 ? u32(at + 8) : u16(at + 8)
            guard let value, (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }
}
