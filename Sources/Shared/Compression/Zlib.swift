/// The zlib wrapper (RFC 1950) around DEFLATE: a two-byte header and an Adler-32 of the output.
public enum Zlib {
    /// Decompresses a zlib stream into at most `maxOutput` bytes, checking header and Adler-32.
    public static func decompress(_ input: [UInt8], maxOutput: Int) throws(InflateError) -> [UInt8] {
        guard input.count >= 6 else { throw .truncated }
        let cmf = Int(input[0]), flags = Int(input[1])
        guard cmf & 0x0F == 8, cmf >> 4 <= 7 else { throw .corrupt("not a deflate zlib stream") }
        guard (cmf << 8 | flags) % 31 == 0 else { throw .corrupt("zlib header check") }
        guard flags & 0x20 == 0 else { throw .corrupt("preset dictionary not supported") }
        var consumed = 0
        let output = try Inflate.decompress(input, from: 2, maxOutput: maxOutput, consumed: &consumed)
        let end = 2 + consumed
        guard input.count >= end + 4 else { throw .truncated }
        let stored = UInt32(input[end]) << 24 | UInt32(input[end + 1]) << 16 | UInt32(input[end + 2]) << 8 | UInt32(input[end + 3])
        guard Adler32.checksum(output) == stored else { throw .checksum("zlib Adler-32") }
        return output
    }
}

/// Adler-32 (RFC 1950 §9).
public enum Adler32 {
    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5552 is the most bytes before the sums can overflow 32 bits (zlib's NMAX).
            let end = min(bytes.count, index + 5552)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}

/// CRC-32 (ISO 3309, as PNG and gzip use it).
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Continues `crc` (start with 0) over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c = ~crc
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 { update(0, bytes) }
}
