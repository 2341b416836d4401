/// The zlib wrapper (RFC 1950) around DEFLATE: a two-byte header and an Adler-32 of the output.
public enum Zlib {
    /// Decompresses a zlib stream into at most `maxOutput` bytes, checking header and Adler-32.
    /// `preallocate`: the output is expected to be about `maxOutput` bytes (see `Inflate.decompress`).
    public static func decompress(_ input: [UInt8], maxOutput: Int, preallocate: Bool = false) throws(InflateError) -> [UInt8] {
        guard input.count >= 6 else { throw .truncated }
        let cmf = Int(input[0]), flags = Int(input[1])
        guard cmf & 0x0F == 8, cmf >> 4 <= 7 else { throw .corrupt("not a deflate zlib stream") }
        guard (cmf << 8 | flags) % 31 == 0 else { throw .corrupt("zlib header check") }
        guard flags & 0x20 == 0 else { throw .corrupt("preset dictionary not supported") }
        var consumed = 0
        let output = try Inflate.decompress(input, from: 2, maxOutput: maxOutput, preallocate: preallocate, consumed: &consumed)
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
        bytes.withUnsafeBufferPointer { update(1, $0) }
    }

    /// Continues `adler` (start with 1) over `bytes`.
    public static func update(_ adler: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var a = adler & 0xFFFF, b = adler >> 16
        guard var p = bytes.baseAddress else { return adler }
        var left = bytes.count
        while left > 0 {
            // 5552 is the most bytes before the sums can overflow 32 bits (zlib's NMAX).
            let n = min(left, 5552)
            left -= n
            var i = n
            // 16 bytes per step in vector lanes: s1 sums each lane's bytes, s2 sums s1 after each
            // step, so the chunk adds Σ s1 to a and L·a₀ + 16·Σ s2 − Σ j·s1[j] to b (L = its length).
            if i >= 16 {
                let vectors = i / 16
                var s1 = SIMD16<UInt32>(), s2 = SIMD16<UInt32>()
                for _ in 0..<vectors {
                    s1 &+= SIMD16<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD16<UInt8>.self))
                    s2 &+= s1
                    p += 16
                }
                let length = UInt64(vectors * 16)
                let lanes = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                let weighted = UInt64((s1 &* lanes).wrappedSum())
                let bSum = UInt64(b) + length * UInt64(a) + 16 * UInt64(s2.wrappedSum()) - weighted
                a = UInt32((UInt64(a) + UInt64(s1.wrappedSum())) % 65521)
                b = UInt32(bSum % 65521)
                i -= vectors * 16
            }
            while i > 0 {
                a &+= UInt32(p.pointee)
                b &+= a
                p += 1
                i -= 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}

/// CRC-32 (ISO 3309, as PNG and gzip use it), eight bytes per step ("slicing by 8").
public enum CRC32 {
    /// table[k·256 + n]: the CRC of byte n followed by k zero bytes.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[n] = c
        }
        for n in 0..<256 {
            for k in 1..<8 { table[k * 256 + n] = (table[(k - 1) * 256 + n] >> 8) ^ table[Int(table[(k - 1) * 256 + n] & 0xFF)] }
        }
        return table
    }()

    /// Continues `crc` (start with 0) over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { update(crc, $0) }
    }

    /// Continues `crc` (start with 0) over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard var p = bytes.baseAddress else { return crc }
        var left = bytes.count
        var c = ~crc
        table.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            while left >= 8 {
                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian
                let low = UInt32(truncatingIfNeeded: word) ^ c, high = UInt32(truncatingIfNeeded: word >> 32)
                c = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                p += 8
                left -= 8
            }
            while left > 0 {
                c = t[Int((c ^ UInt32(p.pointee)) & 0xFF)] ^ (c >> 8)
                p += 1
                left -= 1
            }
        }
        return ~c
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 { update(0, bytes) }
}
