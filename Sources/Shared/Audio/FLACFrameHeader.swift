/// A FLAC frame header (RFC 9639 §9.1): block size, channel layout, sample size, position.
struct FLACFrameHeader {
    /// How the channels are coded.
    enum ChannelLayout: Equatable {
        /// Each channel coded on its own.
        case independent
        /// Left, then left − right.
        case leftSide
        /// Left − right, then right.
        case sideRight
        /// (Left + right) / 2, then left − right.
        case midSide
    }

    /// Samples per channel in this frame.
    var blockSize: Int
    /// The frame's sample rate, or nil when it refers to STREAMINFO.
    var sampleRate: Int?
    /// Channels coded in the frame.
    var channels: Int
    /// How they are coded.
    var layout: ChannelLayout
    /// Bits per sample, or nil when it refers to STREAMINFO.
    var bitsPerSample: Int?
    /// Whether the stream numbers frames by sample (variable block size) rather than by frame.
    var numbersSamples: Bool
    /// The frame number, or the first sample's number when `numbersSamples`.
    var number: Int
    /// Bytes from the sync code to the end of the CRC-8.
    var length: Int

    /// Parses the header at `offset`, checking its CRC-8.
    init(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(AudioDecodeError) {
        let end = bytes.count
        guard offset + 4 <= end else { throw .truncated("a FLAC frame header is cut short") }
        guard bytes[offset] == 0xFF, bytes[offset + 1] & 0xFE == 0xF8 else {
            throw .corrupt("no FLAC frame sync code at byte \(offset)")
        }
        numbersSamples = bytes[offset + 1] & 1 == 1
        let sizeCode = Int(bytes[offset + 2] >> 4), rateCode = Int(bytes[offset + 2] & 0x0F)
        let channelCode = Int(bytes[offset + 3] >> 4), bitsCode = Int(bytes[offset + 3] >> 1 & 0x07)
        guard bytes[offset + 3] & 1 == 0, sizeCode != 0, rateCode != 15, channelCode <= 10, bitsCode != 3 else {
            throw .corrupt("a FLAC frame header uses a reserved code at byte \(offset)")
        }
        var cursor = offset + 4
        // The frame or sample number, coded like UTF-8 (up to 7 bytes, 36 bits).
        let lead = bytes[cursor]
        let extra = lead < 0x80 ? 0 : lead >= 0xC0 && lead <= 0xFE ? (~lead).leadingZeroBitCount - 1 : -1
        guard extra >= 0 else { throw .corrupt("a FLAC frame number is malformed at byte \(offset)") }
        guard cursor + 1 + extra <= end else { throw .truncated("a FLAC frame header is cut short") }
        var number = Int(lead) & (extra == 0 ? 0x7F : 0x3F >> extra)
        for i in stride(from: 1, through: extra, by: 1) {
            let byte = bytes[cursor + i]
            guard byte & 0xC0 == 0x80 else { throw .corrupt("a FLAC frame number is malformed at byte \(offset)") }
            number = number << 6 | Int(byte & 0x3F)
        }
        cursor += 1 + extra
        self.number = number

        let sizeBytes = sizeCode == 6 ? 1 : sizeCode == 7 ? 2 : 0
        let rateBytes = rateCode == 12 ? 1 : rateCode == 13 || rateCode == 14 ? 2 : 0
        guard cursor + sizeBytes + rateBytes + 1 <= end else { throw .truncated("a FLAC frame header is cut short") }
        func big(_ width: Int) -> Int {
            var value = 0
            for i in 0..<width { value = value << 8 | Int(bytes[cursor + i]) }
            cursor += width
            return value
        }
        switch sizeCode {
        case 1: blockSize = 192
        case 2...5: blockSize = 576 << (sizeCode - 2)
        case 6, 7: blockSize = big(sizeBytes) + 1
        default: blockSize = 256 << (sizeCode - 8)
        }
        switch rateCode {
        case 0: sampleRate = nil
        case 12: sampleRate = big(1) * 1000
        case 13: sampleRate = big(2)
        case 14: sampleRate = big(2) * 10
        default: sampleRate = [88_200, 176_400, 192_000, 8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 96_000][rateCode - 1]
        }
        bitsPerSample = [nil, 8, 12, nil, 16, 20, 24, 32][bitsCode]
        switch channelCode {
        case 8: channels = 2; layout = .leftSide
        case 9: channels = 2; layout = .sideRight
        case 10: channels = 2; layout = .midSide
        default: channels = channelCode + 1; layout = .independent
        }
        guard FLACChecksum.crc8(bytes, offset..<cursor) == bytes[cursor] else {
            throw .crcMismatch("frame header", byteOffset: offset)
        }
        length = cursor + 1 - offset
    }
}
