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
            let spectrum = UnsafeMutablePointer<Float>.allocate(capacity: branch.frameLength / 2 + 1)
            defer { spectrum.deallocate() }
            let plane = output + channel * bandTotal * frames
            branch.window.withUnsafeBufferPointer { window in
                for t in 0..<frames {
                    let start = signal + t * branch.hop
                    for i in 0..<branch.frameLength { windowed[i] = start[i] * window[i] }
                    fft.realPart(of: windowed, into: spectrum)
                    for (band, row) in branch.bands.enumerated() {
                        var energy: Float = 0
                        row.weights.withUnsafeBufferPointer { w in
                            for j in 0..<w.count { energy += w[j] * spectrum[row.first + j] }
                        }
                        // Band axis reversed: the highest band is row 0.
                        plane[(bandTotal - 1 - band) * frames + t] = powf(energy * energy, branch.power)
                    }
                }
            }
        }
    }
}
