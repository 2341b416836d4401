/// The MD5 of a FLAC stream's samples, computed frame by frame as they decode.
///
/// STREAMINFO's signature is the MD5 of every sample, interleaved, little-endian, in the fewest
/// whole bytes that hold the sample size. Each frame's samples are serialised into a reused buffer
/// and fed to `MD5.Hasher`, so the decoder's memory stays bounded (checked against `MD5.hash` in
/// AudioDecoderTests).
struct FLACSignature: Sendable {
    private var hasher = MD5.Hasher()
    /// One frame's serialised samples (reused).
    private var bytes: [UInt8] = []

    /// An empty digest.
    init() {}

    /// Adds one frame: `channels` planes of `count` samples, `bytesPerSample` bytes each.
    mutating func update(planes: UnsafePointer<Int32>, stride: Int, channels: Int, count: Int, bytesPerSample: Int) {
        let needed = count * channels * bytesPerSample
        if bytes.count < needed { bytes += repeatElement(0, count: needed - bytes.count) }
        bytes.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress!
            var at = 0
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
        bytes.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<needed])) }
    }

    /// The 16-byte digest of everything added.
    mutating func finish() -> [UInt8] { hasher.finish() }
}
