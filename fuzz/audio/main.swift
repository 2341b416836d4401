// libFuzzer harness for the audio decoders (Sources/Shared/Audio): FLAC and WAV through
// `AudioReader` (decode, mix to mono, resample to 48 kHz, and a seek), and the header reader the
// gateway uses. Any bytes must give samples or an `AudioDecodeError` / `AudioHeaderError`, never
// a trap, a memory error, or more output than the stated limit.
//
// The first input byte picks the output rate (48 kHz, or the source's own rate: no resampling)
// and whether to seek first; the rest is the file.
import Shared

private let maxSeconds = 30.0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudio(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let mode = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    _ = try? AudioHeader.read(bytes)
    guard let probe = try? AudioReader(bytes: bytes, targetRate: 48_000, maxSeconds: maxSeconds) else { return 0 }
    let rate = mode & 1 == 0 ? 48_000 : max(1, min(probe.sourceRate, AudioReader.highestRate))
    guard var reader = try? AudioReader(bytes: bytes, targetRate: rate, maxSeconds: maxSeconds) else { return 0 }
    if mode & 2 != 0 { _ = try? reader.seek(toOutputSample: Int(mode >> 2) * 997) }
    var total = 0
    let limit = Int(maxSeconds * Double(rate)) + 1_000_000
    while true {
        guard let samples = try? reader.read(maxSamples: 4096), !samples.isEmpty else { break }
        if samples.count > 4096 { fatalError("read returned \(samples.count) samples, asked for 4096") }
        total += samples.count
        if total > limit { fatalError("\(total) samples from a file limited to \(maxSeconds) s at \(rate) Hz") }
    }
    return 0
}
