import Foundation

/// The MD5 of a FLAC stream's samples, computed frame by frame as they decode.
///
/// STREAMINFO's signature is the MD5 of every sample, interleaved, little-endian, in the fewest
/// whole bytes that hold the sample size. `Crypto/MD5` hashes one array at once; holding a whole
/// stream's samples for it would break the decoder's bounded memory, so this keeps MD5's state
/// across frames instead (RFC 1321; checked against `MD5.hash` in AudioDecoderTests).
struct FLACSignature: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    /// Bytes not yet making up a whole 64-byte block.
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    /// An empty digest.
    init() { pending.reserveCapacity(1 << 16) }

    /// Adds one frame: `channels` planes of `count` samples, `bytesPerSample` bytes each.
    mutating func update(planes: UnsafePointer<Int32>, stride: Int, channels: Int, count: Int, bytesPerSample: Int) {
        for i in 0..<count {
            for channel in 0..<channels {
                let sample = UInt32(bitPattern: planes[channel * stride + i])
                for byte in 0..<bytesPerSample { pending.append(UInt8(truncatingIfNeeded: sample &>> UInt32(8 * byte))) }
            }
            if pending.count >= 1 << 15 { compressPending() }
        }
        compressPending()
    }

    /// The 16-byte digest of everything added.
    mutating func finish() -> [UInt8] {
        compressPending()
        let bits = (length + UInt64(pending.count)) &* 8
        pending.append(0x80)
        while pending.count % 64 != 56 { pending.append(0) }
        for i in 0..<8 { pending.append(UInt8(truncatingIfNeeded: bits &>> UInt64(8 * i))) }
        compressPending()
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word &>> UInt32(8 * i))) }
        }
        return digest
    }

    /// Runs MD5's compression over the whole 64-byte blocks in `pending`.
    private mutating func compressPending() {
        let blocks = pending.count / 64
        guard blocks > 0 else { return }
        var (a0, b0, c0, d0) = state
        pending.withUnsafeBytes { raw in
            Self.sines.withUnsafeBufferPointer { sines in
                var words = [UInt32](repeating: 0, count: 16)
                for block in 0..<blocks {
                    for i in 0..<16 {
                        words[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: block * 64 + i * 4, as: UInt32.self))
                    }
                    var a = a0, b = b0, c = c0, d = d0
                    for i in 0..<64 {
                        let f: UInt32, g: Int
                        switch i >> 4 {
                        case 0: f = (b & c) | (~b & d); g = i
                        case 1: f = (d & b) | (~d & c); g = (5 * i + 1) & 15
                        case 2: f = b ^ c ^ d; g = (3 * i + 5) & 15
                        default: f = c ^ (b | ~d); g = (7 * i) & 15
                        }
                        let rotated = f &+ a &+ sines[i] &+ words[g]
                        let shift = Self.shifts[(i >> 4) << 2 | i & 3]
                        a = d; d = c; c = b
                        b = b &+ (rotated &<< shift | rotated &>> (32 - shift))
                    }
                    a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                }
            }
        }
        state = (a0, b0, c0, d0)
        length += UInt64(blocks * 64)
        pending.removeFirst(blocks * 64)
    }

    /// Per-round rotations, four for each of the four rounds.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
    /// T[i] = ⌊|sin(i + 1)| · 2³²⌋ (RFC 1321 §3.4), computed rather than tabulated.
    private static let sines: [UInt32] = (0..<64).map { UInt32(abs(sin(Double($0 + 1))) * 4_294_967_296) }
}
