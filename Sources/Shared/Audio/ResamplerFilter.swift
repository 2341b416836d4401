import Foundation

/// The resampler's prototype low-pass filter: a Kaiser-windowed sinc, tabulated by phase.
///
/// For a conversion from `inputRate` to `outputRate` (reduced to L/M by their gcd) the filter
/// passes up to 0.4565 · min(rates) (91.3 % of the lower Nyquist frequency, as soxr's high
/// qualities do), reaches 90 dB of rejection at the lower Nyquist frequency, and has unity gain.
/// Row `r` of `table` holds the `taps` coefficients for an output instant `r / phases` of an input
/// sample after input `i`: they weigh inputs `i − taps/2 + 1 ... i + taps/2`, in that order.
struct ResamplerFilter: Sendable {
    /// Coefficients per output sample (a multiple of 16, for the SIMD dot product).
    let taps: Int
    /// Rows in `table` minus one: phases per input sample.
    let phases: Int
    /// (`phases` + 1) rows of `taps` coefficients.
    let table: [Float]

    /// Stop-band rejection the design aims for, in dB.
    static let rejection = 90.0
    /// Pass-band edge as a fraction of the lower of the two rates.
    static let passband = 0.4565
    /// The most phases tabulated; finer ratios interpolate between neighbouring rows.
    static let maxPhases = 4096

    /// Designs the filter for `inputRate` → `outputRate`, whose reduced ratio has `l` output phases.
    init(inputRate: Int, outputRate: Int, upsampling l: Int) {
        let lower = Double(min(inputRate, outputRate))
        let input = Double(inputRate)
        let cutoff = (Self.passband + 0.5) / 2 * lower / input        // cycles per input sample
        let transition = (0.5 - Self.passband) * lower / input
        let beta = 0.1102 * (Self.rejection - 8.7)
        let length = (Self.rejection - 7.95) / (2.285 * 2 * Double.pi * transition)
        let half = Int(((length + 1) / 2 / 8).rounded(.up)) * 8
        taps = 2 * half
        phases = min(l, Self.maxPhases)
        var table = [Float](repeating: 0, count: (phases + 1) * taps)
        let norm = 1 / Self.besselI0(beta)
        // The filter is even: row `phases − r` is row `r` reversed, so half the rows are mirrored.
        for row in 0...(phases / 2) {
            let fraction = Double(row) / Double(phases)
            for k in 0..<taps {
                // Distance (in input samples) from the output instant to input k of the window.
                let t = fraction + Double(half - 1 - k)
                let x = t / Double(half)
                let window = abs(x) < 1 ? Self.besselI0(beta * (1 - x * x).squareRoot()) * norm : 0
                let argument = 2 * cutoff * t
                let sinc = argument == 0 ? 1 : sin(Double.pi * argument) / (Double.pi * argument)
                let value = Float(2 * cutoff * sinc * window)
                table[row * taps + k] = value
                table[(phases - row) * taps + taps - 1 - k] = value
            }
        }
        self.table = table
    }

    /// The zeroth-order modified Bessel function of the first kind (its power series).
    private static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let quarter = x * x / 4
        for k in 1..<64 {
            term *= quarter / Double(k * k)
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }
}
