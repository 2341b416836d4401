import Foundation
import Shared

/// `roost-worker bench-png [--runs N] file.png…`: Roost's side of `bench/png.sh`.
///
/// For each file, in this thread only: the median (and minimum) over N runs (default 21, after one
/// warm-up) of `PNGDecoder.decode` from bytes already in memory to 8-bit RGB, and of
/// `Zlib.decompress` alone on the file's concatenated IDAT data (the raw inflate, Adler-32 included).
/// Prints one JSON line per file: `{"file", "width", "height", "decode_ms", "decode_min_ms",
/// "inflate_ms", "inflate_min_ms", "idat_bytes", "inflated_bytes"}`. Exit status 1 when a file does
/// not decode, 2 on a usage error.
func runBenchPNGCommand(_ arguments: [String]) -> Int32 {
    var runs = 21
    var files: [String] = []
    var index = 0
    while index < arguments.count {
        if arguments[index] == "--runs", index + 1 < arguments.count, let n = Int(arguments[index + 1]), n > 0 {
            runs = n
            index += 2
            continue
        }
        if arguments[index].hasPrefix("-") {
            FileHandle.standardError.write(Data("usage: roost-worker bench-png [--runs N] file.png…\n".utf8))
            return 2
        }
        files.append(arguments[index])
        index += 1
    }
    guard !files.isEmpty else {
        FileHandle.standardError.write(Data("usage: roost-worker bench-png [--runs N] file.png…\n".utf8))
        return 2
    }
    for file in files {
        do {
            guard let data = FileManager.default.contents(atPath: file) else { throw BenchPNGError(message: "cannot read \(file)") }
            let bytes = [UInt8](data)
            let (idat, inflatedSize) = try PNGDecoder.compressedImageData(bytes)
            var width = 0, height = 0
            let decode = try benchTimes(runs: runs) {
                let png = try PNGDecoder.decode(bytes)
                width = png.image.width
                height = png.image.height
            }
            var inflated = 0
            let inflate = try benchTimes(runs: runs) { inflated = try Zlib.decompress(idat, maxOutput: inflatedSize).count }
            let line: JSON = .object([
                ("file", .string(file)), ("width", .int(width)), ("height", .int(height)),
                ("decode_ms", .double(decode.median)), ("decode_min_ms", .double(decode.min)),
                ("inflate_ms", .double(inflate.median)), ("inflate_min_ms", .double(inflate.min)),
                ("idat_bytes", .int(idat.count)), ("inflated_bytes", .int(inflated)),
            ])
            print(line.serialized())
        } catch {
            FileHandle.standardError.write(Data("roost-worker bench-png: \(file): \(error)\n".utf8))
            return 1
        }
    }
    return 0
}

private struct BenchPNGError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Median and minimum milliseconds of `runs` calls of `body`, after one warm-up call.
private func benchTimes(runs: Int, _ body: () throws -> Void) throws -> (median: Double, min: Double) {
    try body()
    var samples: [Double] = []
    samples.reserveCapacity(runs)
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}
