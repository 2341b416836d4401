import Foundation

/// The real part of the discrete Fourier transform of a real frame of power-of-two length N:
/// `Re X[k] = Σ x[n]·cos(2πkn/N)` for k = 0…N/2, computed as one complex FFT of N/2 points
/// (even samples as real parts, odd as imaginary) and the usual split into the two halves.
///
/// Owns its scratch buffers: one instance per thread.
final class RealFFT {
    /// Frame length.
    let size: Int
    private let half: Int
    private let bitReversed: [Int32]
    private let twiddleCos: [Float], twiddleSin: [Float]     // e^{-2πi j/M}, j < M/2
    private let splitCos: [Float], splitSin: [Float]         // e^{-2πi k/N}, k ≤ M
    private var real: [Float], imaginary: [Float]

    /// Prepares transforms of `size` points (a power of two, at least 4).
    init(size: Int) throws {
        guard size >= 4, size & (size - 1) == 0 else { throw InferenceError.invalidGraph("FFT length \(size) is not a power of two") }
        self.size = size
        half = size / 2
        let bits = half.trailingZeroBitCount
        bitReversed = (0..<half).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return Int32(r)
        }
        let m = Double(half), n = Double(size)
        twiddleCos = (0..<max(1, half / 2)).map { Float(cos(2 * Double.pi * Double($0) / m)) }
        twiddleSin = (0..<max(1, half / 2)).map { Float(-sin(2 * Double.pi * Double($0) / m)) }
        splitCos = (0...half).map { Float(cos(2 * Double.pi * Double($0) / n)) }
        splitSin = (0...half).map { Float(sin(2 * Double.pi * Double($0) / n)) }
        real = [Float](repeating: 0, count: half)
        imaginary = [Float](repeating: 0, count: half)
    }

    /// Writes `Re X[k]` for k = 0…N/2 of `frame` (N samples) into `output` (N/2 + 1 values).
    func realPart(of frame: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let m = half
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                bitReversed.withUnsafeBufferPointer { order in
                    for i in 0..<m {
                        let j = Int(order[i])
                        re[j] = frame[2 * i]
                        im[j] = frame[2 * i + 1]
                    }
                }
                twiddleCos.withUnsafeBufferPointer { wc in
                    twiddleSin.withUnsafeBufferPointer { ws in
                        var length = 2
                        while length <= m {
                            let step = m / length, halfLength = length / 2
                            var start = 0
                            while start < m {
                                for j in 0..<halfLength {
                                    let c = wc[j * step], s = ws[j * step]
                                    let a = start + j, b = a + halfLength
                                    let tr = re[b] * c - im[b] * s
                                    let ti = re[b] * s + im[b] * c
                                    re[b] = re[a] - tr; im[b] = im[a] - ti
                                    re[a] += tr; im[a] += ti
                                }
                                start += length
                            }
                            length *= 2
                        }
                    }
                }
                splitCos.withUnsafeBufferPointer { c in
                    splitSin.withUnsafeBufferPointer { s in
                        for k in 0...m {
                            let zk = k % m, zm = (m - k) % m
                            let sumRe = re[zk] + re[zm], sumIm = im[zk] + im[zm], diffRe = re[zk] - re[zm]
                            output[k] = 0.5 * (sumRe + c[k] * sumIm - s[k] * diffRe)
                        }
                    }
                }
            }
        }
    }
}
