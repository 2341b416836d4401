/// Why an audio file could not be decoded (by `AudioReader`, `FLACDecoder` or `WAVDecoder`).
///
/// Every malformed input ends here, never in a trap: the decoders validate each count and index
/// before they use it.
public enum AudioDecodeError: Error, Equatable, CustomStringConvertible {
    /// Neither FLAC nor WAV, nor a format Roost can name.
    case notAudio
    /// A recognised format Roost does not decode (`"Ogg"`, `"MP3"`, `"AIFF"`, ...).
    case unsupportedFormat(String)
    /// A sample size the decoder does not handle.
    case unsupportedBitDepth(Int)
    /// A header field that is impossible or contradicts another (a sample rate of 0, no channels, ...).
    case invalidHeader(String)
    /// The file ends inside a header, a chunk or a frame.
    case truncated(String)
    /// The header's length disagrees with the audio that decodes (`expected` and `decoded` in frames).
    case lengthMismatch(expected: Int, decoded: Int)
    /// The file holds no samples.
    case empty
    /// A FLAC frame header's CRC-8 or a frame's CRC-16 does not match (at `byteOffset`).
    case crcMismatch(String, byteOffset: Int)
    /// The decoded samples do not hash to STREAMINFO's MD5 signature.
    case md5Mismatch
    /// A bit stream that breaks the format's rules (a bad Rice parameter, a predictor longer than its block, ...).
    case corrupt(String)
    /// The audio is longer than the caller's limit (in seconds).
    case tooLong(limit: Double)
    /// A seek to a negative position.
    case invalidSeek(Int)

    /// A sentence for the client.
    public var description: String {
        switch self {
        case .notAudio: return "the file is not FLAC or WAV audio"
        case let .unsupportedFormat(format): return "\(format) audio is not accepted: upload FLAC or WAV"
        case let .unsupportedBitDepth(bits): return "\(bits)-bit samples are not supported"
        case let .invalidHeader(what): return "the audio header is invalid: \(what)"
        case let .truncated(what): return "the audio is truncated: \(what)"
        case let .lengthMismatch(expected, decoded):
            return "the header promises \(expected) samples per channel but \(decoded) decode"
        case .empty: return "the audio holds no samples"
        case let .crcMismatch(what, offset): return "the FLAC \(what) does not match its checksum (byte \(offset))"
        case .md5Mismatch: return "the decoded FLAC audio does not match the MD5 signature in its STREAMINFO"
        case let .corrupt(what): return "the audio data is corrupt: \(what)"
        case let .tooLong(limit): return "the audio is longer than the \(formatSeconds(limit)) s allowed"
        case let .invalidSeek(index): return "cannot seek to sample \(index)"
        }
    }

    private func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
