/// What a FLAC file's metadata blocks say: STREAMINFO's facts, the SEEKTABLE, where frames start.
struct FLACStreamInfo: Sendable {
    /// One SEEKTABLE entry: the first sample of a frame and its byte offset from the first frame.
    struct SeekPoint: Sendable {
        /// Sample number (per channel) of the frame's first sample.
        var sample: Int
        /// Bytes from the first frame's header to this frame's header.
        var offset: Int
    }

    /// Samples per second.
    var sampleRate: Int
    /// Channels (1...8).
    var channels: Int
    /// Bits per sample (4...32 by the format; the decoder takes up to 24).
    var bitsPerSample: Int
    /// Samples per channel, or 0 when the encoder did not know.
    var totalSamples: Int
    /// The smallest and largest block sizes STREAMINFO announces.
    var minBlockSize: Int, maxBlockSize: Int
    /// The MD5 of the decoded samples, or nil when the encoder left it zero.
    var md5: [UInt8]?
    /// Byte offset of the first frame.
    var firstFrame: Int
    /// SEEKTABLE points in sample order (placeholders dropped); empty when there is none.
    var seekPoints: [SeekPoint]

    /// Reads the metadata of `bytes` (after an optional ID3v2 tag).
    init(_ bytes: [UInt8]) throws(AudioDecodeError) {
        var offset = try Self.skipID3(bytes)
        guard bytes.count >= offset + 4, bytes[offset..<(offset + 4)].elementsEqual("fLaC".utf8) else { throw .notAudio }
        offset += 4
        var info: (rate: Int, channels: Int, bits: Int, total: Int, minBlock: Int, maxBlock: Int, md5: [UInt8])?
        var points: [SeekPoint] = []
        var last = false
        while !last {
            guard offset + 4 <= bytes.count else { throw .truncated("a FLAC metadata block header is cut short") }
            last = bytes[offset] & 0x80 != 0
            let type = bytes[offset] & 0x7F
            let length = Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let body = offset + 4
            guard body + length <= bytes.count else { throw .truncated("a FLAC metadata block is cut short") }
            switch type {
            case 0:
                guard info == nil, length >= 34 else { throw .invalidHeader("STREAMINFO is repeated or too short") }
                let b = bytes[body..<(body + 34)].map { Int($0) }
                info = (rate: b[10] << 12 | b[11] << 4 | b[12] >> 4, channels: (b[12] >> 1 & 0x07) + 1,
                        bits: (b[12] & 1) << 4 + (b[13] >> 4) + 1,
                        total: (b[13] & 0x0F) << 32 | b[14] << 24 | b[15] << 16 | b[16] << 8 | b[17],
                        minBlock: b[0] << 8 | b[1], maxBlock: b[2] << 8 | b[3], md5: Array(bytes[(body + 18)..<(body + 34)]))
            case 3:
                for entry in stride(from: body, to: body + length - 17, by: 18) {
                    let sample = bytes[entry..<(entry + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    let offset = bytes[(entry + 8)..<(entry + 16)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    // Placeholders are all ones; anything past 2⁴⁸ is not a real position either.
                    guard sample < 1 << 48, offset < 1 << 48 else { continue }
                    points.append(SeekPoint(sample: Int(sample), offset: Int(offset)))
                }
            case 127:
                throw .invalidHeader("FLAC metadata block type 127 is forbidden")
            default:
                break
            }
            guard info != nil else { throw .invalidHeader("the first FLAC metadata block is not STREAMINFO") }
            offset = body + length
        }
        let s = info!
        guard s.rate > 0 else { throw .invalidHeader("the sample rate is 0") }
        guard (4...24).contains(s.bits) else { throw .unsupportedBitDepth(s.bits) }
        sampleRate = s.rate; channels = s.channels; bitsPerSample = s.bits; totalSamples = s.total
        minBlockSize = s.minBlock; maxBlockSize = s.maxBlock
        md5 = s.md5.allSatisfy { $0 == 0 } ? nil : s.md5
        firstFrame = offset
        seekPoints = points.sorted { $0.sample < $1.sample }
    }

    /// The offset after an ID3v2 tag at the start of `bytes`, or 0 when there is none.
    static func skipID3(_ bytes: [UInt8]) throws(AudioDecodeError) -> Int {
        guard bytes.starts(with: "ID3".utf8) else { return 0 }
        guard bytes.count >= 10 else { throw .truncated("the ID3 tag is cut short") }
        let size = bytes[6..<10].reduce(0) { $0 << 7 | Int($1 & 0x7F) }
        let end = 10 + size + (bytes[5] & 0x10 != 0 ? 10 : 0)  // the footer flag adds a 10-byte footer
        guard end <= bytes.count else { throw .truncated("the ID3 tag is cut short") }
        return end
    }
}
