import Foundation

/// The MD5 of a FLAC stream's samples, computed frame by frame as they decode.
///
/// STREAMINFO's signature is the MD5 of every sample, interleaved, little-endian, in the fewest
/// whole bytes that hold the sample size. `Crypto/MD5` hashes one array at once; holding a whole
/// stream's samples for it would break the decoder's bounded memory, so this keeps MD5's state
/// across frames instead (RFC 1321; checked against `MD5.hash` in AudioDecoderTests).
struct FLACSignature: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    /// Sample bytes waiting to make up whole 64-byte blocks (fewer than 64 between frames).
    private var pending: [UInt8] = []
    /// How many bytes of `pending` are filled.
    private var filled = 0
    private var length: UInt64 = 0

    /// An empty digest.
    init() {}

    /// Adds one frame: `channels` planes of `count` samples, `bytesPerSample` bytes each.
    mutating func update(planes: UnsafePointer<Int32>, stride: Int, channels: Int, count: Int, bytesPerSample: Int) {
        let needed = filled + count * channels * bytesPerSample
        if pending.count < needed { pending += repeatElement(0, count: needed - pending.count) }
        var at = filled
        pending.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress!
            for i in 0..<count {
                for channel in 0..<channels {
                    let sample = UInt32(bitPattern: planes[channel * stride + i])
                    switch bytesPerSample {
                    case 1: out[at] = UInt8(truncatingIfNeeded: sample)
                    case 2:
                        out[at] = UInt8(truncatingIfNeeded: sample)
                        out[at + 1] = UInt8(truncatingIfNeeded: sample &>> 8)
                    default:
                        out[at] = UInt8(truncatingIfNeeded: sample)
                        out[at + 1] = UInt8(truncatingIfNeeded: sample &>> 8)
                        out[at + 2] = UInt8(truncatingIfNeeded: sample &>> 16)
                    }
                    at += bytesPerSample
                }
            }
        }
        filled = at
        compressPending()
    }

    /// The 16-byte digest of everything added.
    mutating func finish() -> [UInt8] {
        let bits = (length + UInt64(filled)) &* 8
        var tail = Array(pending[0..<filled]) + [0x80]
        while tail.count % 64 != 56 { tail.append(0) }
        for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bits &>> UInt64(8 * i))) }
        pending = tail
        filled = tail.count
        compressPending()
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word &>> UInt32(8 * i))) }
        }
        return digest
    }

    /// Runs MD5's compression over the whole 64-byte blocks in `pending` and keeps the rest.
    private mutating func compressPending() {
        let blocks = filled / 64
        guard blocks > 0 else { return }
        var (a0, b0, c0, d0) = state
        pending.withUnsafeBytes { raw in
            Self.sines.withUnsafeBufferPointer { sines in
                let t = sines.baseAddress!
                for block in 0..<blocks {
                    let base = raw.baseAddress! + block * 64
                    @inline(__always) func word(_ g: Int) -> UInt32 {
                        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: g &* 4, as: UInt32.self))
                    }
                    @inline(__always) func step(_ f: UInt32, _ a: UInt32, _ i: Int, _ g: Int, _ shift: UInt32) -> UInt32 {
                        let x = f &+ a &+ t[i] &+ word(g)
                        return x &<< shift | x &>> (32 &- shift)
                    }
                    var a = a0, b = b0, c = c0, d = d0
                    // Four rounds of 16 steps; each step rotates (a, b, c, d) one place.
                    for i in 0..<16 {
                        let r = step((b & c) | (~b & d), a, i, i, Self.rotation(0x1611_0C07, i))
                        a = d; d = c; c = b; b = b &+ r
                    }
                    for i in 16..<32 {
                        let r = step((d & b) | (~d & c), a, i, (5 &* i &+ 1) & 15, Self.rotation(0x140E_0905, i))
                        a = d; d = c; c = b; b = b &+ r
                    }
                    for i in 32..<48 {
                        let r = step(b ^ c ^ d, a, i, (3 &* i &+ 5) & 15, Self.rotation(0x1710_0B04, i))
                        a = d; d = c; c = b; b = b &+ r
                    }
                    for i in 48..<64 {
                        let r = step(c ^ (b | ~d), a, i, (7 &* i) & 15, Self.rotation(0x150F_0A06, i))
                        a = d; d = c; c = b; b = b &+ r
                    }
                    a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                }
            }
        }
        state = (a0, b0, c0, d0)
        length += UInt64(blocks * 64)
        let rest = filled - blocks * 64
        pending.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<rest { buffer[i] = buffer[blocks * 64 + i] }
        }
        filled = rest
    }

    /// Round rotations packed one per byte, picked by the step's position in its group of four.
    @inline(__always)
    private static func rotation(_ packed: UInt32, _ i: Int) -> UInt32 { packed &>> UInt32((i & 3) &* 8) & 0xFF }

    /// T[i] = ⌊|sin(i + 1)| · 2³²⌋ (RFC 1321 §3.4), computed rather than tabulated.
    private static let sines: [UInt32] = (0..<64).map { UInt32(abs(sin(Double($0 + 1))) * 4_294_967_296) }
}
