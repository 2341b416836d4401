/// Streams an in-memory FLAC or WAV file as 48 kHz (or any target rate) mono Float samples.
///
/// Decodes one FLAC frame (or a few thousand WAV frames) at a time, averages the channels, and
/// resamples with a band-limited polyphase filter (`Resampler`), so memory stays bounded
/// whatever the file's length. Every malformed file ends in an `AudioDecodeError`.
///
///     var reader = try AudioReader(bytes: upload, targetRate: 48_000, maxSeconds: 600)
///     try reader.seek(toOutputSample: 3 * 48_000)          // optional: start 3 s in
///     while case let chunk = try reader.read(maxSamples: 144_000), !chunk.isEmpty { analyse(chunk) }
public struct AudioReader: Sendable {
    /// The source's sample rate.
    public let sourceRate: Int
    /// The source's channels (averaged into one).
    public let channels: Int
    /// The source's bits per sample.
    public let bitsPerSample: Int
    /// Source length in frames as the header says (nil when unknown, e.g. FLAC total_samples 0).
    public let sourceFrames: Int?
    /// The rate of the samples `read` returns.
    public let targetRate: Int

    private var wav: WAVDecoder?
    private var flac: FLACDecoder?
    private var resampler: Resampler
    /// The source frames `maxSeconds` allows, when there is a limit.
    private let maxFrames: Int?
    private let maxSeconds: Double?
    /// Decoded source samples to drop before the resampler sees them (a FLAC seek lands on a
    /// frame start, before the wanted sample).
    private var discard = 0
    private var block: [Float] = []

    /// The highest source or target rate accepted, in Hz.
    public static let highestRate = 768_000

    /// WAV frames decoded per step.
    private static let wavBlock = 8192

    /// Opens `bytes` (FLAC or WAV). Throws AudioDecodeError with a clear message.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - targetRate: the output rate in Hz.
    ///   - maxSeconds: the longest audio accepted: checked against the header here, or while
    ///     decoding when the header does not say.
    public init(bytes: [UInt8], targetRate: Int = 48_000, maxSeconds: Double? = nil) throws(AudioDecodeError) {
        guard targetRate > 0 else { throw .invalidHeader("the target rate \(targetRate) is not positive") }
        if try Self.isFLAC(bytes) {
            let decoder = try FLACDecoder(bytes: bytes)
            sourceRate = decoder.info.sampleRate; channels = decoder.info.channels
            bitsPerSample = decoder.info.bitsPerSample
            sourceFrames = decoder.info.totalSamples == 0 ? nil : decoder.info.totalSamples
            flac = decoder
        } else {
            let decoder = try WAVDecoder(bytes: bytes)
            sourceRate = decoder.sampleRate; channels = decoder.channels; bitsPerSample = decoder.bitsPerSample
            sourceFrames = decoder.frames
            wav = decoder
        }
        // Beyond this the resampler's filter would grow without bound (its length scales with the ratio).
        guard sourceRate <= Self.highestRate, targetRate <= Self.highestRate else {
            throw .invalidHeader("sample rates above \(Self.highestRate) Hz are not supported (\(sourceRate) → \(targetRate))")
        }
        self.targetRate = targetRate
        self.maxSeconds = maxSeconds
        if let maxSeconds {
            let frames = max(0, maxSeconds) * Double(sourceRate)
            maxFrames = frames < 1e15 ? Int(frames) : Int(1e15)
        } else {
            maxFrames = nil
        }
        if let limit = maxFrames, let frames = sourceFrames, frames > limit { throw .tooLong(limit: maxSeconds ?? 0) }
        resampler = Resampler(inputRate: sourceRate, outputRate: targetRate)
    }

    /// Positions the stream so that the next samples returned are output sample `index` (at targetRate) onward,
    /// with the resampler warmed up (pre-roll decoded and discarded) so output equals the same slice of a
    /// whole-file read to within ~1e-6. FLAC seeks by binary search over frames (narrowed by a SEEKTABLE
    /// when present), WAV by offset.
    public mutating func seek(toOutputSample index: Int) throws(AudioDecodeError) {
        guard index >= 0 else { throw .invalidSeek(index) }
        let first = resampler.start(atOutput: index)
        var landed = first
        if wav != nil {
            wav!.seek(toFrame: first)
            landed = wav!.position
        } else if flac != nil {
            landed = try flac!.seek(toSample: first)
        }
        discard = max(0, first - landed)
    }

    /// Up to `maxSamples` next output samples; an empty array at the end of the stream.
    public mutating func read(maxSamples: Int) throws(AudioDecodeError) -> [Float] {
        var out: [Float] = []
        guard maxSamples > 0 else { return out }
        out.reserveCapacity(min(maxSamples, 1 << 16))
        while true {
            resampler.take(max: maxSamples - out.count, appendingTo: &out)
            if out.count >= maxSamples || resampler.isFinished { return out }
            try decodeMore()
        }
    }

    /// Feeds the resampler the next decoded block, or tells it the source has ended.
    private mutating func decodeMore() throws(AudioDecodeError) {
        block.removeAll(keepingCapacity: true)
        var count = 0, position = 0
        if wav != nil {
            count = wav!.decode(maxFrames: Self.wavBlock, appendingTo: &block)
            position = wav!.position
        } else if flac != nil {
            count = try flac!.decodeFrame(appendingTo: &block)
            position = flac!.position
        }
        guard count > 0 else {
            resampler.finish()
            return
        }
        if let maxFrames, position > maxFrames { throw .tooLong(limit: maxSeconds ?? 0) }
        let dropped = min(discard, block.count)
        discard -= dropped
        resampler.append(block[dropped...])
    }

    /// Whether `bytes` is FLAC; throws for what is neither FLAC nor WAV, naming it when possible.
    private static func isFLAC(_ bytes: [UInt8]) throws(AudioDecodeError) -> Bool {
        guard !bytes.isEmpty else { throw .empty }
        func tag(_ text: String, at offset: Int = 0) -> Bool {
            bytes.count >= offset + text.utf8.count && bytes[offset..<(offset + text.utf8.count)].elementsEqual(text.utf8)
        }
        if tag("RIFF") { return false }
        if tag("RF64") { throw .unsupportedFormat("RF64 (64-bit WAV)") }
        let start = try FLACStreamInfo.skipID3(bytes)
        if tag("fLaC", at: start) { return true }
        if tag("OggS") { throw .unsupportedFormat("Ogg") }
        if tag("FORM"), tag("AIFF", at: 8) || tag("AIFC", at: 8) { throw .unsupportedFormat("AIFF") }
        if tag("ftyp", at: 4) { throw .unsupportedFormat("MP4/M4A") }
        if tag("caff") { throw .unsupportedFormat("CAF") }
        if tag("wvpk") { throw .unsupportedFormat("WavPack") }
        if tag("MAC ") { throw .unsupportedFormat("Monkey's Audio") }
        if tag("#!AMR") { throw .unsupportedFormat("AMR") }
        if bytes.count >= start + 2, bytes[start] == 0xFF, bytes[start + 1] & 0xF6 == 0xF0 { throw .unsupportedFormat("AAC") }
        // An MPEG audio frame header (11 sync bits, a layer), or an ID3 tag in front of something not FLAC.
        if start > 0 || bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0 && bytes[1] & 0x06 != 0 {
            throw .unsupportedFormat("MP3")
        }
        throw .notAudio
    }
}
