/// MD5 (RFC 1321). Not for security: the face-identifier API's login sends `md5(password)`
/// in hexadecimal, and FLAC's STREAMINFO signs its samples with it (checked as they decode); it is
/// never used to store secrets.
public enum MD5 {
    /// The 16-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finish()
    }

    /// Lower-case hexadecimal MD5 of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String { hash(bytes).hexString }

    /// Incremental MD5: absorbs bytes in pieces of any size, holding fewer than 64 between calls.
    public struct Hasher: Sendable {
        private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        /// Bytes waiting to make up a whole 64-byte block.
        private var pending: [UInt8] = []
        /// Bytes absorbed so far.
        private var length: UInt64 = 0

        /// An empty digest.
        public init() {}

        /// Absorbs `bytes`.
        public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

        /// Absorbs the bytes at `raw`.
        public mutating func update(_ raw: UnsafeRawBufferPointer) {
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            length &+= UInt64(raw.count)
            var offset = 0
            if !pending.isEmpty {
                let take = min(64 - pending.count, raw.count)
                pending += UnsafeRawBufferPointer(start: base, count: take)
                offset = take
                guard pending.count == 64 else { return }
                pending.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                pending.removeAll(keepingCapacity: true)
            }
            let blocks = (raw.count - offset) / 64
            if blocks > 0 { compress(base + offset, blocks: blocks) }
            offset += blocks * 64
            if offset < raw.count { pending += UnsafeRawBufferPointer(start: base + offset, count: raw.count - offset) }
        }

        /// The 16-byte digest of everything absorbed (the hasher is spent afterwards).
        public mutating func finish() -> [UInt8] {
            let bits = length &* 8
            var tail = pending + [0x80]
            while tail.count % 64 != 56 { tail.append(0) }
            for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bits &>> UInt64(8 * i))) }
            tail.withUnsafeBytes { compress($0.baseAddress!, blocks: tail.count / 64) }
            pending = []
            var digest: [UInt8] = []
            digest.reserveCapacity(16)
            for word in [state.0, state.1, state.2, state.3] {
                for i in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word &>> UInt32(8 * i))) }
            }
            return digest
        }

        /// MD5's compression function over `blocks` 64-byte blocks at `data`.
        private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
            var (a0, b0, c0, d0) = state
            MD5Constants.sines.withUnsafeBufferPointer { sines in
                MD5Constants.shifts.withUnsafeBufferPointer { shifts in
                    let t = sines.baseAddress!, s = shifts.baseAddress!
                    for block in 0..<blocks {
                        let base = data + block * 64
                        @inline(__always) func word(_ g: Int) -> UInt32 {
                            UInt32(littleEndian: base.loadUnaligned(fromByteOffset: g &* 4, as: UInt32.self))
                        }
                        @inline(__always) func step(_ f: UInt32, _ a: UInt32, _ i: Int, _ g: Int) -> UInt32 {
                            let x = f &+ a &+ t[i] &+ word(g)
                            return x &<< s[i] | x &>> (32 &- s[i])
                        }
                        var a = a0, b = b0, c = c0, d = d0
                        // Four rounds of 16 steps; each step rotates (a, b, c, d) one place.
                        for i in 0..<16 {
                            let r = step((b & c) | (~b & d), a, i, i)
                            a = d; d = c; c = b; b = b &+ r
                        }
                        for i in 16..<32 {
                            let r = step((d & b) | (~d & c), a, i, (5 &* i &+ 1) & 15)
                            a = d; d = c; c = b; b = b &+ r
                        }
                        for i in 32..<48 {
                            let r = step(b ^ c ^ d, a, i, (3 &* i &+ 5) & 15)
                            a = d; d = c; c = b; b = b &+ r
                        }
                        for i in 48..<64 {
                            let r = step(c ^ (b | ~d), a, i, (7 &* i) & 15)
                            a = d; d = c; c = b; b = b &+ r
                        }
                        a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                    }
                }
            }
            state = (a0, b0, c0, d0)
        }
    }
}

/// Per-round shift amounts and the sine-derived constants T[i] = floor(|sin(i + 1)| · 2³²).
private enum MD5Constants {
    static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]
    static let sines: [UInt32] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ]
}
