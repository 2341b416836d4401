/// What an audio file's header says about it: container, sample rate, channels, length.
///
/// Read from the bytes alone (no decoding), so a gateway can check an upload and record its
/// duration at memory speed. WAV (RIFF `WAVE` with a `fmt ` and a `data` chunk) and FLAC (the
/// `fLaC` marker, optionally behind an ID3v2 tag, and its STREAMINFO block) are understood;
/// MP3, Ogg and anything else are recognised only so that the error can say what they are.
public struct AudioHeader: Sendable, Equatable {
    /// The containers Roost stores.
    public enum Format: String, Sendable {
        /// RIFF WAVE.
        case wav
        /// Free Lossless Audio Codec.
        case flac

        /// The media type served with files of this format.
        public var contentType: String { self == .wav ? "audio/wav" : "audio/flac" }
    }

    /// The container.
    public var format: Format
    /// Samples per second per channel.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int
    /// Bits per sample.
    public var bitsPerSample: Int
    /// Samples per channel in the whole file.
    public var frames: Int

    /// Length in seconds.
    public var duration: Double { Double(frames) / Double(sampleRate) }

    /// Creates a header.
    public init(format: Format, sampleRate: Int, channels: Int, bitsPerSample: Int, frames: Int) {
        self.format = format; self.sampleRate = sampleRate; self.channels = channels
        self.bitsPerSample = bitsPerSample; self.frames = frames
    }

    /// Reads the header of `bytes`; throws `AudioHeaderError` saying what is wrong.
    public static func read(_ bytes: [UInt8]) throws(AudioHeaderError) -> AudioHeader {
        if bytes.starts(with: Array("RIFF".utf8)) { return try readWAV(bytes) }
        var start = 0
        if bytes.starts(with: Array("ID3".utf8)) {
            guard bytes.count >= 10 else { throw .truncated("the ID3 tag is cut short") }
            let size = bytes[6..<10].reduce(0) { $0 << 7 | Int($1 & 0x7F) }
            start = 10 + size + (bytes[5] & 0x10 != 0 ? 10 : 0)
            guard start <= bytes.count else { throw .truncated("the ID3 tag is cut short") }
        }
        if bytes.count >= start + 4, bytes[start..<(start + 4)].elementsEqual("fLaC".utf8) { return try readFLAC(bytes, from: start + 4) }
        if looksLikeMP3(bytes, at: start) { throw .unsupported("mp3") }
        if bytes.starts(with: Array("OggS".utf8)) { throw .unsupported("ogg") }
        throw .notAudio
    }

    /// Whether an MPEG audio frame header starts at `offset` (after an ID3 tag, or at 0).
    private static func looksLikeMP3(_ bytes: [UInt8], at offset: Int) -> Bool {
        guard bytes.count >= offset + 2 else { return offset > 0 }
        // 11 sync bits, a valid version and layer.
        return bytes[offset] == 0xFF && bytes[offset + 1] & 0xE0 == 0xE0 && bytes[offset + 1] & 0x06 != 0
            || offset > 0  // an ID3 tag in front of something that is not FLAC: MP3 is what carries ID3
    }

    private static func readWAV(_ bytes: [UInt8]) throws(AudioHeaderError) -> AudioHeader {
        guard bytes.count >= 12 else { throw .truncated("the RIFF header is cut short") }
        guard bytes[8..<12].elementsEqual("WAVE".utf8) else { throw .notAudio }
        var offset = 12
        var format: (code: Int, channels: Int, rate: Int, blockAlign: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = Int(le32(bytes, offset + 4))
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw .truncated("the fmt chunk is cut short") }
                format = (Int(le16(bytes, body)), Int(le16(bytes, body + 2)), Int(le32(bytes, body + 4)),
                          Int(le16(bytes, body + 12)), Int(le16(bytes, body + 14)))
            } else if id == "data" {
                guard let f = format else { throw .invalid("the data chunk comes before the fmt chunk") }
                // 1 PCM, 3 IEEE float, 0xFFFE extensible (whose sub-format says which; both are PCM-like).
                guard [1, 3, 0xFFFE].contains(f.code) else { throw .invalid("WAV encoding \(f.code) is not PCM") }
                guard (1...32).contains(f.channels), (1...768_000).contains(f.rate), (1...64).contains(f.bits),
                      f.blockAlign == f.channels * ((f.bits + 7) / 8) else { throw .invalid("the fmt chunk's figures do not agree") }
                let available = bytes.count - body
                // Recorders that stream write 0 or 0xFFFFFFFF and never come back to fix the size.
                let streamed = size == 0 || size == 0xFFFF_FFFF
                guard streamed || size <= available else {
                    throw .truncated("the data chunk promises \(size) bytes, the file holds \(available)")
                }
                let dataBytes = streamed ? available : size
                return AudioHeader(format: .wav, sampleRate: f.rate, channels: f.channels, bitsPerSample: f.bits,
                                   frames: dataBytes / f.blockAlign)
            }
            offset = body + size + (size & 1)  // chunks are padded to even lengths
        }
        throw .truncated(format == nil ? "no fmt chunk" : "no data chunk")
    }

    private static func readFLAC(_ bytes: [UInt8], from start: Int) throws(AudioHeaderError) -> AudioHeader {
        var offset = start
        var info: AudioHeader?
        var last = false
        while !last {
            guard offset + 4 <= bytes.count else { throw .truncated("a metadata block header is cut short") }
            last = bytes[offset] & 0x80 != 0
            let type = bytes[offset] & 0x7F
            let length = Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let body = offset + 4
            guard body + length <= bytes.count else { throw .truncated("a metadata block is cut short") }
            if offset == start {
                guard type == 0, length == 34 else { throw .invalid("the first metadata block is not STREAMINFO") }
                let rate = Int(bytes[body + 10]) << 12 | Int(bytes[body + 11]) << 4 | Int(bytes[body + 12]) >> 4
                let channels = Int((bytes[body + 12] >> 1) & 0x07) + 1
                let bits = Int(bytes[body + 12] & 0x01) << 4 + Int(bytes[body + 13] >> 4) + 1
                let frames = Int(bytes[body + 13] & 0x0F) << 32 | Int(be32(bytes, body + 14))
                guard rate > 0 else { throw .invalid("the sample rate is 0") }
                guard frames > 0 else { throw .invalid("the stream's length is not recorded (STREAMINFO total samples is 0)") }
                info = AudioHeader(format: .flac, sampleRate: rate, channels: channels, bitsPerSample: bits, frames: frames)
            } else if type == 127 {
                throw .invalid("metadata block type 127 is forbidden")
            }
            offset = body + length
        }
        // The first frame follows the metadata: its sync code is 14 ones then a 0.
        guard offset + 2 <= bytes.count else { throw .truncated("the metadata ends with no audio frame after it") }
        guard bytes[offset] == 0xFF, bytes[offset + 1] & 0xFE == 0xF8 else { throw .invalid("no frame sync code after the metadata") }
        return info!
    }

    private static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    private static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}

/// Why an audio header could not be read.
public enum AudioHeaderError: Error, Equatable, CustomStringConvertible {
    /// Neither WAV nor FLAC nor a known other audio format.
    case notAudio
    /// A known audio format Roost does not store (`mp3`, `ogg`).
    case unsupported(String)
    /// The header ends before what it announces.
    case truncated(String)
    /// The header is there but contradicts itself or the format.
    case invalid(String)

    /// A sentence for the client.
    public var description: String {
        switch self {
        case .notAudio: return "the file is not FLAC or WAV audio"
        case let .unsupported(format): return "\(format.uppercased()) audio is not accepted: upload FLAC or WAV"
        case let .truncated(what): return "the audio header is truncated: \(what)"
        case let .invalid(what): return "the audio header is invalid: \(what)"
        }
    }
}
