import CSHA256

/// SHA-256 (FIPS 180-4): one-shot hashing of whole buffers.
///
/// The gateway hashes every upload (up to 10 MiB) to address its blob, so the compression
/// loop works on raw pointers with the message schedule on the stack and no allocation
/// per block; see `SHA256State.absorb(blocks:count:)`. On CPUs with the x86 SHA extensions the
/// blocks go through them (the CSHA256 target: about 5× faster, see docs/PERFORMANCE.md).
///
///     let digest = SHA256.hash(Array("abc".utf8))
///     SHA256.hex(digest) // "ba7816bf…"
public enum SHA256 {
    /// Digest length in bytes.
    public static let digestLength = 32
    /// Block length in bytes.
    public static let blockLength = 64

    /// Hashes any byte sequence; contiguous storage (arrays, `Data`, buffers) is hashed in place.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            hash(UnsafeRawBufferPointer(buffer))
        }
        if let contiguous { return contiguous }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// Hashes the bytes of a raw buffer.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// Lower-case hexadecimal form of a digest (or any bytes).
    public static func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

    /// Lower-case hexadecimal SHA-256 of `bytes`, the form used for blob keys.
    public static func hexDigest(_ bytes: some Sequence<UInt8>) -> String { hash(bytes).hexString }
}

/// Streaming SHA-256: feed chunks with `update`, then `finalize` once.
///
/// A plain value type with inline storage, so copying a hasher forks the computation
/// (HMAC and PBKDF2 rely on this to reuse the keyed prefix).
public struct SHA256Hasher: Sendable {
    var state = SHA256State()
    /// Partial block waiting for more input; 64 bytes held inline so copies never allocate.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var totalLength: UInt64 = 0

    /// Creates a hasher with the standard initial state.
    public init() {}

    /// Resumes from a state that has already absorbed `absorbedLength` bytes (a multiple of 64).
    init(state: SHA256State, absorbedLength: UInt64) {
        precondition(absorbedLength % 64 == 0, "a resumed state must sit on a block boundary")
        self.state = state
        self.totalLength = absorbedLength
    }

    /// Absorbs more message bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalLength &+= UInt64(remaining)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, remaining)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.advanced(by: offset).copyMemory(from: input, byteCount: take)
            }
            pendingCount += take
            input += take
            remaining -= take
            guard pendingCount == 64 else { return }
            var state = self.state
            withUnsafeBytes(of: &pending) { state.absorb(blocks: $0.baseAddress!, count: 1) }
            self.state = state
            pendingCount = 0
        }
        let wholeBlocks = remaining / 64
        if wholeBlocks > 0 {
            state.absorb(blocks: input, count: wholeBlocks)
            input += wholeBlocks * 64
            remaining -= wholeBlocks * 64
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    /// Absorbs the bytes of an array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads, processes the last block(s) and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalLength &* 8
        var tail: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                   UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let count = pendingCount
        // One 0x80 byte, zeros, then the 64-bit big-endian length: one block if it fits, else two.
        let tailLength = count + 9 <= 64 ? 64 : 128
        var state = self.state
        withUnsafeMutableBytes(of: &tail) { tailBytes in
            withUnsafeBytes(of: &pending) { tailBytes.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            tailBytes[count] = 0x80
            tailBytes.storeBytes(of: bitLength.bigEndian, toByteOffset: tailLength - 8, as: UInt64.self)
            state.absorb(blocks: tailBytes.baseAddress!, count: tailLength / 64)
        }
        self.state = state
        pendingCount = 0
        return state.digest()
    }
}

/// The eight working words of SHA-256 and the compression function.
struct SHA256State: Sendable {
    var h0: UInt32 = 0x6a09e667, h1: UInt32 = 0xbb67ae85, h2: UInt32 = 0x3c6ef372, h3: UInt32 = 0xa54ff53a
    var h4: UInt32 = 0x510e527f, h5: UInt32 = 0x9b05688c, h6: UInt32 = 0x1f83d9ab, h7: UInt32 = 0x5be0cd19

    /// The digest bytes, big-endian words in order.
    func digest() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { store(into: $0.baseAddress!) }
        return out
    }

    /// Writes the 32 digest bytes at `destination`.
    func store(into destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: h0.bigEndian, toByteOffset: 0, as: UInt32.self)
        destination.storeBytes(of: h1.bigEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: h2.bigEndian, toByteOffset: 8, as: UInt32.self)
        destination.storeBytes(of: h3.bigEndian, toByteOffset: 12, as: UInt32.self)
        destination.storeBytes(of: h4.bigEndian, toByteOffset: 16, as: UInt32.self)
        destination.storeBytes(of: h5.bigEndian, toByteOffset: 20, as: UInt32.self)
        destination.storeBytes(of: h6.bigEndian, toByteOffset: 24, as: UInt32.self)
        destination.storeBytes(of: h7.bigEndian, toByteOffset: 28, as: UInt32.self)
    }

    /// Whether the SHA extensions run the compression (read once per process).
    static let hardware = roost_sha256_hw_available() == 1

    /// Runs the compression function over `count` consecutive 64-byte blocks at `blocks`.
    mutating func absorb(blocks: UnsafeRawPointer, count: Int) {
        if Self.hardware {
            var words = (h0, h1, h2, h3, h4, h5, h6, h7)
            withUnsafeMutableBytes(of: &words) { buffer in
                roost_sha256_hw_blocks(buffer.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                       blocks.assumingMemoryBound(to: UInt8.self), count)
            }
            (h0, h1, h2, h3, h4, h5, h6, h7) = words
            return
        }
        absorbInSwift(blocks: blocks, count: count)
    }

    /// The portable compression (also what the tests compare the hardware path with).
    mutating func absorbInSwift(blocks: UnsafeRawPointer, count: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
            let w = schedule.baseAddress!
            SHA256Constants.roundConstants.withUnsafeBufferPointer { constants in
                let k = constants.baseAddress!
                var block = blocks
                for _ in 0..<count {
                    compress(block: block, w: w, k: k)
                    block += 64
                }
            }
        }
    }

    /// One block. Each schedule word is computed right before its round, so it is used from a
    /// register while still being stored for the four later words that need it (~25% faster
    /// than filling the whole schedule first).
    @inline(__always)
    private mutating func compress(block: UnsafeRawPointer, w: UnsafeMutablePointer<UInt32>, k: UnsafePointer<UInt32>) {
        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
        @inline(__always) func round(_ t: Int, _ wt: UInt32) {
            let s1 = e.rotateRight(6) ^ e.rotateRight(11) ^ e.rotateRight(25)
            let choose = g ^ (e & (f ^ g))
            let t1 = h &+ s1 &+ choose &+ k[t] &+ wt
            let s0 = a.rotateRight(2) ^ a.rotateRight(13) ^ a.rotateRight(22)
            let majority = (a & b) | (c & (a | b))
            h = g; g = f; f = e; e = d &+ t1
            d = c; c = b; b = a; a = t1 &+ s0 &+ majority
        }
        for t in 0..<16 {
            let wt = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
            w[t] = wt
            round(t, wt)
        }
        for t in 16..<64 {
            let x = w[t - 15], y = w[t - 2]
            let s0 = x.rotateRight(7) ^ x.rotateRight(18) ^ (x >> 3)
            let s1 = y.rotateRight(17) ^ y.rotateRight(19) ^ (y >> 10)
            let wt = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            w[t] = wt
            round(t, wt)
        }
        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
        h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
    }
}

/// The 64 round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
enum SHA256Constants {
    static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
}

extension UInt32 {
    /// Rotates right by `n` bits (0 < n < 32).
    @inline(__always)
    func rotateRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 &- n)) }
}
