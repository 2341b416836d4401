/// PBKDF2 (RFC 8018) with HMAC-SHA-256 as the pseudo-random function.
public enum PBKDF2 {
    /// Derives `length` bytes from `password` and `salt` with `iterations` rounds (at least 1).
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        precondition(iterations >= 1, "PBKDF2 needs at least one iteration")
        precondition(length >= 0, "PBKDF2 output length cannot be negative")
        let key = HMACSHA256Key(password)
        var output = [UInt8]()
        output.reserveCapacity(length + 32)
        var blockIndex: UInt32 = 1
        while output.count < length {
            output += derivedBlock(key: key, salt: salt, index: blockIndex, iterations: iterations)
            blockIndex += 1
        }
        return Array(output.prefix(length))
    }

    /// T_i = U_1 ⊕ … ⊕ U_c. After U_1 every HMAC input is exactly one 32-byte digest, so both the
    /// inner and outer hash are a single compression of a pre-padded block from the cached pad states;
    /// this keeps 100,000 iterations at a few tens of milliseconds.
    private static func derivedBlock(key: HMACSHA256Key, salt: [UInt8], index: UInt32, iterations: Int) -> [UInt8] {
        let first = key.authenticationCode(salt + withUnsafeBytes(of: index.bigEndian) { Array($0) })
        var accumulated = first
        guard iterations > 1 else { return accumulated }
        // One block: 32 message bytes, 0x80, zeros, and the bit length of pad block + message (96 bytes).
        var block = [UInt8](repeating: 0, count: 64)
        block[32] = 0x80
        block[62] = UInt8((96 * 8) >> 8)
        block[63] = UInt8((96 * 8) & 0xff)
        block.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            first.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            accumulated.withUnsafeMutableBytes { sumBytes in
                let sum = sumBytes.baseAddress!
                for _ in 1..<iterations {
                    var inner = key.inner
                    inner.absorb(blocks: base, count: 1)
                    inner.store(into: base)
                    var outer = key.outer
                    outer.absorb(blocks: base, count: 1)
                    outer.store(into: base)
                    for word in 0..<4 {
                        let offset = word * 8
                        let current = sum.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        let next = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        sum.storeBytes(of: current ^ next, toByteOffset: offset, as: UInt64.self)
                    }
                }
            }
        }
        return accumulated
    }
}
