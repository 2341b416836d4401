import Foundation

/// A Gaussian mixture over RGB colours (GrabCut's colour model): a few full-covariance
/// components, fitted deterministically by k-means from luminance-quantile seeds.
struct ColourMixture {
    /// One Gaussian: its weight, mean, and inverse covariance with the log normaliser folded in.
    private struct Component {
        var weight: Float
        var mean: (Float, Float, Float)
        /// Upper triangle of Σ⁻¹: xx, xy, xz, yy, yz, zz.
        var inverse: (Float, Float, Float, Float, Float, Float)
        /// log(weight) − ½·log((2π)³·|Σ|).
        var logScale: Float
    }

    private let components: [Component]

    /// Fits `count` components to the colours of the pixels `pixels[i * 3 ..< i * 3 + 3]` for
    /// every `i` in `indices`; nil when there are fewer samples than components.
    init?(pixels: [UInt8], indices: [Int], count: Int = 5) {
        guard indices.count >= max(count, 1) * 4 else { return nil }
        // Seeds: the mean colours of `count` luminance quantiles (a counting sort by luminance,
        // stable in index order, so the fit is deterministic).
        var buckets = [[Int]](repeating: [], count: 2551)
        for i in indices {
            buckets[Int(pixels[i * 3]) * 3 + Int(pixels[i * 3 + 1]) * 6 + Int(pixels[i * 3 + 2])].append(i)
        }
        let byLuminance = buckets.flatMap { $0 }
        var centres = [(Float, Float, Float)]()
        for k in 0..<count {
            let slice = byLuminance[(k * byLuminance.count / count)..<((k + 1) * byLuminance.count / count)]
            centres.append(Self.mean(pixels, slice))
        }
        var assignment = [Int](repeating: 0, count: indices.count)
        for _ in 0..<4 {
            for (n, i) in indices.enumerated() {
                let r = Float(pixels[i * 3]), g = Float(pixels[i * 3 + 1]), b = Float(pixels[i * 3 + 2])
                var best = 0, bestDistance = Float.infinity
                for (k, c) in centres.enumerated() {
                    let d = (r - c.0) * (r - c.0) + (g - c.1) * (g - c.1) + (b - c.2) * (b - c.2)
                    if d < bestDistance { bestDistance = d; best = k }
                }
                assignment[n] = best
            }
            var groups = [[Int]](repeating: [], count: count)
            for (n, i) in indices.enumerated() { groups[assignment[n]].append(i) }
            for k in 0..<count where !groups[k].isEmpty { centres[k] = Self.mean(pixels, groups[k][...]) }
        }
        var groups = [[Int]](repeating: [], count: count)
        for (n, i) in indices.enumerated() { groups[assignment[n]].append(i) }
        components = groups.filter { $0.count >= 2 }.map { Self.component(pixels, $0, total: indices.count) }
    }

    /// log p(colour) under the mixture.
    @inline(__always)
    func logLikelihood(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Float {
        let x = Float(r), y = Float(g), z = Float(b)
        @inline(__always) func term(_ c: Component) -> Float {
            let dx = x - c.mean.0, dy = y - c.mean.1, dz = z - c.mean.2
            let i = c.inverse
            let q = dx * (i.0 * dx + 2 * (i.1 * dy + i.2 * dz)) + dy * (i.3 * dy + 2 * i.4 * dz) + dz * i.5 * dz
            return c.logScale - 0.5 * q
        }
        // Log-sum-exp in two passes: the largest term first, so no exponential underflows to 0.
        var best = -Float.infinity
        for c in components { best = max(best, term(c)) }
        var sum: Float = 0
        for c in components { sum += expf(term(c) - best) }
        return best + logf(sum)
    }

    private static func mean(_ pixels: [UInt8], _ indices: ArraySlice<Int>) -> (Float, Float, Float) {
        var r = 0, g = 0, b = 0
        for i in indices { r += Int(pixels[i * 3]); g += Int(pixels[i * 3 + 1]); b += Int(pixels[i * 3 + 2]) }
        let n = Float(max(indices.count, 1))
        return (Float(r) / n, Float(g) / n, Float(b) / n)
    }

    private static func component(_ pixels: [UInt8], _ indices: [Int], total: Int) -> Component {
        let m = mean(pixels, indices[...])
        var sxx: Float = 0, sxy: Float = 0, sxz: Float = 0, syy: Float = 0, syz: Float = 0, szz: Float = 0
        for i in indices {
            let dx = Float(pixels[i * 3]) - m.0, dy = Float(pixels[i * 3 + 1]) - m.1, dz = Float(pixels[i * 3 + 2]) - m.2
            sxx += dx * dx; sxy += dx * dy; sxz += dx * dz; syy += dy * dy; syz += dy * dz; szz += dz * dz
        }
        let n = Float(indices.count)
        // A floor on the variance (JPEG noise, flat areas) keeps Σ invertible and the model from
        // becoming overconfident about one exact colour.
        let floor: Float = 9
        let a = sxx / n + floor, b = sxy / n, c = sxz / n, d = syy / n + floor, e = syz / n, f = szz / n + floor
        let det = a * (d * f - e * e) - b * (b * f - c * e) + c * (b * e - c * d)
        let inverse = ((d * f - e * e) / det, (c * e - b * f) / det, (b * e - c * d) / det,
                       (a * f - c * c) / det, (b * c - a * e) / det, (a * d - b * b) / det)
        let weight = n / Float(total)
        let logScale = logf(weight) - 0.5 * (3 * logf(2 * Float.pi) + logf(max(det, 1e-6)))
        return Component(weight: weight, mean: m, inverse: inverse, logScale: logScale)
    }
}
