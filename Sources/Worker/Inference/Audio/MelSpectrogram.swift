import Foundation

/// BirdNET's spectrogram front end, computed in Swift with the parameters read from the model
/// file: min-max normalisation of the 3-s chunk to [−1, 1]; per branch, frames of N samples every
/// `hop` samples, a periodic Hann window (the model's own), the real part of the spectrum (the
/// model keeps the real part, not the magnitude), the model's mel matrix, the square raised to
/// the model's learned power, and the band axis reversed. Output: NCHW [1, branches, bands, frames].
struct MelSpectrogram: Sendable {
    /// One STFT branch.
    struct Branch: Sendable {
        /// Frame length (also the FFT length).
        let frameLength: Int
        /// Samples between frame starts.
        let hop: Int
        /// Window, `frameLength` values.
        let window: [Float]
        /// Mel matrix rows as (first bin, weights): only the non-zero span of each band is kept.
        let bands: [(first: Int, weights: [Float])]
        /// The exponent applied to the squared mel energies.
        let power: Float
        /// `bands` flattened for the inner loop: (first bin, weight count, offset in `weights`) per band.
        let layout: [Int32]
        /// Every band's weights, concatenated.
        let weights: [Float]

        /// A branch; the band weights are flattened once here.
        init(frameLength: Int, hop: Int, window: [Float], bands: [(first: Int, weights: [Float])], power: Float) {
            self.frameLength = frameLength; self.hop = hop; self.window = window; self.bands = bands; self.power = power
            var layout: [Int32] = [], weights: [Float] = []
            for band in bands {
                layout += [Int32(band.first), Int32(band.weights.count), Int32(weights.count)]
                weights += band.weights
            }
            self.layout = layout
            self.weights = weights
        }
    }

    /// The branches, in channel order.
    let branches: [Branch]
    /// Normalisation: `((x − min) / (max − min + epsilon) − offset) · scale`.
    let epsilon: Float, offset: Float, scale: Float
    /// Samples per chunk the model was built for.
    let chunkLength: Int

    /// Mel bands (rows of the output).
    var bandCount: Int { branches[0].bands.count }
    /// Frames per branch for a chunk (the output's columns); every branch must give the same count.
    var frameCount: Int { 1 + (chunkLength - branches[0].frameLength) / branches[0].hop }

    /// Fills `output` (branches × bands × frames floats) from `chunk` (`chunkLength` samples).
    /// `ffts` holds one transform per branch, `scratch` at least `chunkLength + maxFrameLength` floats.
    func compute(_ chunk: UnsafePointer<Float>, ffts: [RealFFT], scratch: UnsafeMutablePointer<Float>,
                 into output: UnsafeMutablePointer<Float>) {
        let n = chunkLength
        var low = Float.infinity
        for i in 0..<n { low = min(low, chunk[i]) }
        var high = -Float.infinity
        for i in 0..<n { high = max(high, chunk[i] - low) }
        let denominator = high + epsilon
        let signal = scratch
        for i in 0..<n { signal[i] = ((chunk[i] - low) / denominator - offset) * scale }
        let frames = frameCount, bandTotal = bandCount
        for (channel, branch) in branches.enumerated() {
            let fft = ffts[channel]
            let windowed = scratch + n
            let frameLength = branch.frameLength
            let spectrum = UnsafeMutablePointer<Float>.allocate(capacity: frameLength / 2 + 1)
            defer { spectrum.deallocate() }
            let plane = output + channel * bandTotal * frames
            branch.window.withUnsafeBufferPointer { window in
                branch.layout.withUnsafeBufferPointer { layout in
                    branch.weights.withUnsafeBufferPointer { weights in
                        let w = window.baseAddress!
                        for t in 0..<frames {
                            let start = signal + t * branch.hop
                            for i in 0..<frameLength { windowed[i] = start[i] * w[i] }
                            fft.realPart(of: windowed, into: spectrum)
                            for band in 0..<bandTotal {
                                let first = Int(layout[3 * band]), count = Int(layout[3 * band + 1]), at = Int(layout[3 * band + 2])
                                var energy: Float = 0
                                for j in 0..<count { energy += weights[at + j] * spectrum[first + j] }
                                // Band axis reversed: the highest band is row 0.
                                plane[(bandTotal - 1 - band) * frames + t] = powf(energy * energy, branch.power)
                            }
                        }
                    }
                }
            }
        }
    }
}
