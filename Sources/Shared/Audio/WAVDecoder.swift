/// Streams a RIFF/WAVE file's samples, mixed down to mono Float: PCM 8-bit (unsigned), 16, 24 and
/// 32-bit, IEEE float 32 and 64-bit, any channel count, plain or WAVE_FORMAT_EXTENSIBLE.
///
/// Reads straight from the file's bytes, `maxFrames` at a time; seeking is arithmetic.
struct WAVDecoder: Sendable {
    /// How the samples are stored.
    enum Encoding: Sendable {
        /// Signed integers (unsigned for 8-bit).
        case pcm
        /// IEEE 754 floating point.
        case float
    }

    /// The whole file.
    let bytes: [UInt8]
    /// Samples per second.
    let sampleRate: Int
    /// Interleaved channels.
    let channels: Int
    /// Bits per stored sample (the container size).
    let bitsPerSample: Int
    /// Integer or floating point.
    let encoding: Encoding
    /// Frames (one sample per channel) in the data chunk.
    let frames: Int
    /// Byte offset of the first sample.
    private let dataStart: Int
    private let frameBytes: Int
    /// The next frame to decode.
    private(set) var position = 0

    /// Reads the `fmt ` and `data` chunks of `bytes`.
    init(bytes: [UInt8]) throws(AudioDecodeError) {
        self.bytes = bytes
        guard bytes.count >= 12 else { throw .truncated("the RIFF header is cut short") }
        guard bytes.starts(with: "RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { throw .notAudio }
        var offset = 12
        var format: (code: Int, channels: Int, rate: Int, align: Int, bits: Int)?
        while true {
            guard offset + 8 <= bytes.count else {
                throw .truncated(format == nil ? "the WAV file has no fmt chunk" : "the WAV file has no data chunk")
            }
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = Self.le(bytes, offset + 4, 4)
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw .truncated("the WAV fmt chunk is cut short") }
                var code = Self.le(bytes, body, 2)
                if code == 0xFFFE {
                    // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the real format code.
                    guard size >= 40, body + 40 <= bytes.count else { throw .truncated("the WAV fmt chunk is cut short") }
                    code = Self.le(bytes, body + 24, 2)
                }
                format = (code, Self.le(bytes, body + 2, 2), Self.le(bytes, body + 4, 4), Self.le(bytes, body + 12, 2),
                          Self.le(bytes, body + 14, 2))
            } else if id == "data" {
                guard let f = format else { throw .invalidHeader("the WAV data chunk comes before the fmt chunk") }
                guard f.code == 1 || f.code == 3 else { throw .unsupportedFormat("WAV encoding \(f.code) (not PCM or float)") }
                guard f.rate > 0 else { throw .invalidHeader("the sample rate is 0") }
                guard f.channels > 0 else { throw .invalidHeader("the WAV file has no channels") }
                let supported = f.code == 1 ? [8, 16, 24, 32] : [32, 64]
                guard supported.contains(f.bits) else { throw .unsupportedBitDepth(f.bits) }
                guard f.align == f.channels * f.bits / 8 else { throw .invalidHeader("the WAV block alignment disagrees with its channels and sample size") }
                let available = bytes.count - body
                // Recorders that stream write 0 or 0xFFFFFFFF and never come back to fix the size.
                let streamed = size == 0xFFFF_FFFF || size == 0 && available > 0
                guard streamed || size <= available else {
                    throw .truncated("the WAV data chunk promises \(size) bytes, the file holds \(available)")
                }
                sampleRate = f.rate; channels = f.channels; bitsPerSample = f.bits
                encoding = f.code == 1 ? .pcm : .float
                frameBytes = f.align
                frames = (streamed ? available : size) / f.align
                dataStart = body
                guard frames > 0 else { throw .empty }
                return
            }
            offset = body + size + (size & 1)  // chunks are padded to even lengths
        }
    }

    /// Appends up to `maxFrames` mono samples to `out`; returns how many, 0 at the end.
    mutating func decode(maxFrames: Int, appendingTo out: inout [Float]) -> Int {
        let count = min(maxFrames, frames - position)
        guard count > 0 else { return 0 }
        let first = out.count
        out.append(contentsOf: repeatElement(0, count: count))
        let start = dataStart + position * frameBytes, channels = self.channels
        let bits = bitsPerSample, encoding = self.encoding
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                let mono = o.baseAddress! + first
                let source = raw.baseAddress! + start
                let perChannel = Float(1) / Float(channels)
                switch (encoding, bits) {
                case (.float, 32):
                    Self.mix(mono, count, channels, perChannel) { source.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
                case (.float, _):
                    Self.mix(mono, count, channels, perChannel) { Float(source.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
                case (_, 8):
                    Self.mixIntegers(mono, count, channels, bits) { Int32(source.load(fromByteOffset: $0, as: UInt8.self)) - 128 }
                case (_, 16):
                    Self.mixIntegers(mono, count, channels, bits) {
                        Int32(Int16(littleEndian: source.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)))
                    }
                case (_, 24):
                    Self.mixIntegers(mono, count, channels, bits) {
                        let p = source + $0 * 3
                        let word = Int32(p.load(fromByteOffset: 0, as: UInt8.self)) << 8 | Int32(p.load(fromByteOffset: 1, as: UInt8.self)) << 16
                            | Int32(p.load(fromByteOffset: 2, as: UInt8.self)) << 24
                        return word >> 8
                    }
                default:
                    // 32-bit integers: averaged in Float, which holds their 24 leading bits.
                    Self.mix(mono, count, channels, perChannel) {
                        Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) * 0x1p-31
                    }
                }
            }
        }
        position += count
        return count
    }

    /// Moves to frame `frame` (clamped to the end).
    mutating func seek(toFrame frame: Int) { position = max(0, min(frame, frames)) }

    /// Averages `channels` integer samples per frame exactly, then scales once.
    @inline(__always)
    private static func mixIntegers(_ mono: UnsafeMutablePointer<Float>, _ count: Int, _ channels: Int, _ bits: Int,
                                    _ sample: (Int) -> Int32) {
        let scale = 1 / (Float(channels) * Float(1 << (bits - 1)))
        if channels == 1 {
            for i in 0..<count { mono[i] = Float(sample(i)) * scale }
            return
        }
        for i in 0..<count {
            var sum: Int64 = 0
            for channel in 0..<channels { sum += Int64(sample(i * channels + channel)) }
            mono[i] = Float(sum) * scale
        }
    }

    /// Averages `channels` Float samples per frame.
    @inline(__always)
    private static func mix(_ mono: UnsafeMutablePointer<Float>, _ count: Int, _ channels: Int, _ perChannel: Float,
                            _ sample: (Int) -> Float) {
        if channels == 1 {
            for i in 0..<count { mono[i] = sample(i) }
            return
        }
        for i in 0..<count {
            var sum: Float = 0
            for channel in 0..<channels { sum += sample(i * channels + channel) }
            mono[i] = sum * perChannel
        }
    }

    /// The little-endian unsigned number of `width` bytes at `offset` (which the caller has bounds-checked).
    private static func le(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> Int {
        var value = 0
        for i in (0..<width).reversed() { value = value << 8 | Int(bytes[offset + i]) }
        return value
    }
}
