/// The gzip wrapper (RFC 1952) around DEFLATE, for `Content-Encoding: gzip` request bodies.
public enum Gzip {
    /// Decompresses every member of a gzip stream into at most `maxOutput` bytes in all, checking
    /// each member's CRC-32 and length.
    public static func decompress(_ input: [UInt8], maxOutput: Int) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        var offset = 0
        repeat {
            let dataStart = try headerEnd(input, at: offset)
            var consumed = 0
            let member = try Inflate.decompress(input, from: dataStart, maxOutput: maxOutput - output.count, consumed: &consumed)
            let trailer = dataStart + consumed
            guard input.count >= trailer + 8 else { throw .truncated }
            guard CRC32.checksum(member[...]) == littleEndian(input, trailer) else { throw .checksum("gzip CRC-32") }
            guard UInt32(truncatingIfNeeded: member.count) == littleEndian(input, trailer + 4) else { throw .checksum("gzip length") }
            output += member
            offset = trailer + 8
        } while offset < input.count
        return output
    }

    /// True when `bytes` start like a gzip stream.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    private static func littleEndian(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// Skips a member header (magic, method, flags, optional extra, name, comment, header CRC).
    private static func headerEnd(_ input: [UInt8], at start: Int) throws(InflateError) -> Int {
        guard input.count >= start + 10 else { throw .truncated }
        guard input[start] == 0x1F, input[start + 1] == 0x8B else { throw .corrupt("not a gzip stream") }
        guard input[start + 2] == 8 else { throw .corrupt("gzip compression method is not deflate") }
        let flags = input[start + 3]
        guard flags & 0xE0 == 0 else { throw .corrupt("reserved gzip flags") }
        var offset = start + 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard input.count >= offset + 2 else { throw .truncated }
            offset += 2 + (Int(input[offset]) | Int(input[offset + 1]) << 8)
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            guard let zero = input[min(offset, input.count)...].firstIndex(of: 0) else { throw .truncated }
            offset = zero + 1
        }
        if flags & 0x02 != 0 { offset += 2 }  // FHCRC
        guard offset <= input.count else { throw .truncated }
        return offset
    }
}
