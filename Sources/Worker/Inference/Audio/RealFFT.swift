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
    private let twiddleCos: [Float], twiddleSin: [Float]     // per stage of length L: e^{-2πi j/L}, j < L/2, stages concatenated
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
        // Contiguous per stage, so that each stage's inner loop reads its twiddles in order (and vectorises).
        var cosines: [Float] = [], sines: [Float] = []
        var length = 2
        while length <= half {
            for j in 0..<(length / 2) {
                cosines.append(Float(cos(2 * Double.pi * Double(j) / Double(length))))
                sines.append(Float(-sin(2 * Double.pi * Double(j) / Double(length))))
            }
            length *= 2
        }
        twiddleCos = cosines.isEmpty ? [1] : cosines
        twiddleSin = sines.isEmpty ? [0] : sines
        _ = m
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
                        let reBase = re.baseAddress!, imBase = im.baseAddress!
                        var length = 2, offset = 0
                        while length <= m {
                            let halfLength = length / 2
                            let c = wc.baseAddress! + offset, s = ws.baseAddress! + offset
                            var start = 0
                            if halfLength >= 8 {
                                // Eight butterflies at a time (explicit SIMD: the scalar loop is not vectorised).
                                while start < m {
                                    let ra = reBase + start, ia = imBase + start, rb = ra + halfLength, ib = ia + halfLength
                                    var j = 0
                                    while j < halfLength {
                                        let cj = load8(c + j), sj = load8(s + j)
                                        let xr = load8(rb + j), xi = load8(ib + j), ar = load8(ra + j), ai = load8(ia + j)
                                        let tr = xr * cj - xi * sj, ti = xr * sj + xi * cj
                                        store8(ar - tr, rb + j); store8(ai - ti, ib + j)
                                        store8(ar + tr, ra + j); store8(ai + ti, ia + j)
                                        j += 8
                                    }
                                    start += length
                                }
                            } else {
                                while start < m {
                                    let ra = reBase + start, ia = imBase + start, rb = ra + halfLength, ib = ia + halfLength
                                    for j in 0..<halfLength {
                                        let tr = rb[j] * c[j] - ib[j] * s[j]
                                        let ti = rb[j] * s[j] + ib[j] * c[j]
                                        rb[j] = ra[j] - tr; ib[j] = ia[j] - ti
                                        ra[j] += tr; ia[j] += ti
                                    }
                                    start += length
                                }
                            }
                            offset += halfLength
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

    @inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    @inline(__always) private func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    @inline(__always) private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }
}
