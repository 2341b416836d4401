/// Band-limited sample-rate conversion by a rational factor L/M (the rates over their gcd):
/// a windowed-sinc polyphase filter (`ResamplerFilter`), streamed block by block.
///
/// Output sample `n` is the filter centred on input time `n · M / L`, so the output is aligned
/// with the input (no delay) and depends only on `n` and the inputs around it: a stream started
/// at any output index with the right inputs gives bit-identical samples to a whole-file run.
/// Equal rates copy the input unchanged.
///
///     var resampler = Resampler(inputRate: 22_050, outputRate: 48_000)
///     resampler.append(block)            // as many times as there are blocks
///     resampler.finish()                 // the input ended: flush with silence
///     let samples = resampler.take(max: 4096)
struct Resampler: Sendable {
    /// Input and output rates.
    let inputRate: Int, outputRate: Int
    /// The reduced ratio: L output samples for every M input samples.
    let up: Int, down: Int
    private let filter: ResamplerFilter?
    /// Inputs from index `inputStart` on (earlier ones are dropped once no output needs them).
    private var input: [Float] = []
    private var inputStart = 0
    /// Index one past the last real input, once `finish()` has been called.
    private var inputEnd: Int?
    /// The next output sample's index.
    private(set) var nextOutput = 0

    /// A resampler from `inputRate` to `outputRate` (both positive), at output 0.
    init(inputRate: Int, outputRate: Int) {
        self.inputRate = inputRate
        self.outputRate = outputRate
        let divisor = Self.gcd(inputRate, outputRate)
        up = outputRate / divisor
        down = inputRate / divisor
        filter = up == down ? nil : ResamplerFilter(inputRate: inputRate, outputRate: outputRate, upsampling: up)
        _ = start(atOutput: 0)
    }

    /// Whether every output has been taken after `finish()`.
    var isFinished: Bool {
        guard let end = inputEnd else { return false }
        return nextOutput >= outputCount(forInputs: end)
    }

    /// Resets the stream so that the next output is sample `index`; returns the first input
    /// index to append from (inputs before 0 are silence and are supplied here).
    mutating func start(atOutput index: Int) -> Int {
        nextOutput = index
        inputEnd = nil
        let first = firstInput(for: index)
        inputStart = first
        input = [Float](repeating: 0, count: max(0, -first))
        return max(first, 0)
    }

    /// Adds the next input samples.
    mutating func append(_ samples: ArraySlice<Float>) {
        input.append(contentsOf: samples)
    }

    /// Marks the end of the input: the last outputs see silence after it.
    mutating func finish() {
        guard inputEnd == nil else { return }
        inputEnd = inputStart + input.count
        input.append(contentsOf: repeatElement(0, count: filter?.taps ?? 0))
    }

    /// Up to `maxCount` outputs that the inputs so far determine, appended to `out`.
    mutating func take(max maxCount: Int, appendingTo out: inout [Float]) {
        let up = self.up, down = self.down, inputStart = self.inputStart
        let limit = inputEnd.map(outputCount) ?? Int.max
        guard let filter else {
            // Equal rates: a plain copy.
            let available = min(inputStart + input.count, limit) - nextOutput
            let count = max(0, min(maxCount, available))
            out.append(contentsOf: input[(nextOutput - inputStart)..<(nextOutput - inputStart + count)])
            nextOutput += count
            compact()
            return
        }
        let half = filter.taps / 2, taps = filter.taps, phases = filter.phases
        let exact = phases == up
        var produced = 0, nextOutput = self.nextOutput
        input.withUnsafeBufferPointer { x in
            filter.table.withUnsafeBufferPointer { table in
                while produced < maxCount && nextOutput < limit {
                    let position = nextOutput * down
                    let base = position / up, phase = position % up
                    let window = base - half + 1 - inputStart
                    guard window + taps <= x.count else { break }
                    let samples = x.baseAddress! + window
                    let value: Float
                    if exact {
                        value = Self.dot(table.baseAddress! + phase * taps, samples, taps)
                    } else {
                        // More phases than tabulated: interpolate between the two nearest rows.
                        let scaled = phase * phases
                        let row = scaled / up
                        let weight = Float(scaled % up) / Float(up)
                        let a = Self.dot(table.baseAddress! + row * taps, samples, taps)
                        let b = Self.dot(table.baseAddress! + (row + 1) * taps, samples, taps)
                        value = a + (b - a) * weight
                    }
                    out.append(value)
                    nextOutput += 1
                    produced += 1
                }
            }
        }
        self.nextOutput = nextOutput
        compact()
    }

    /// Outputs for `count` inputs: count · L / M rounded to the nearest, as soxr does.
    func outputCount(forInputs count: Int) -> Int { (2 * count * up + down) / (2 * down) }

    /// The first input the filter reads for output `index`.
    private func firstInput(for index: Int) -> Int {
        guard let filter else { return index }
        return index * down / up - filter.taps / 2 + 1
    }

    /// Drops inputs no future output reads, in large steps.
    private mutating func compact() {
        let unused = firstInput(for: nextOutput) - inputStart
        guard unused >= 8192, unused * 2 >= input.count else { return }
        let drop = min(unused, input.count)
        input.removeFirst(drop)
        inputStart += drop
    }

    /// Σ a[i]·b[i] over `count` (a multiple of 16) floats, in four independent SIMD lanes of four.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var s0 = SIMD4<Float>(), s1 = SIMD4<Float>(), s2 = SIMD4<Float>(), s3 = SIMD4<Float>()
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        var offset = 0
        let end = count &* 4
        while offset < end {
            s0 += rawA.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self)
            s1 += rawA.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD4<Float>.self)
            s2 += rawA.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD4<Float>.self)
            s3 += rawA.loadUnaligned(fromByteOffset: offset &+ 48, as: SIMD4<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset &+ 48, as: SIMD4<Float>.self)
            offset &+= 64
        }
        return ((s0 + s1) + (s2 + s3)).sum()
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
