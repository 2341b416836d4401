import Foundation
import Shared

/// A smoothed histogram over one local-texture value per pixel: the second feature, beside
/// colour, that tells fur from sky or snow of the same colour.
///
/// The value is the standard deviation of luminance over a small window, on a log scale
/// (`values(of:radius:)`), quantised to `bins`; likelihoods are Laplace-smoothed and spread over
/// neighbouring bins so a class never rules a texture out outright.
struct TextureHistogram {
    /// Bins over the log texture value 0…`maximum`.
    static let bins = 24
    /// log(1 + σ) above which values share the last bin (σ ≈ 90 grey levels).
    static let maximum: Float = 4.5
    private let logProbability: [Float]

    /// Fits the histogram to `bin[i]` for every `i` in `indices`.
    init(bins bin: [UInt8], indices: [Int]) {
        var counts = [Float](repeating: 0, count: Self.bins)
        for i in indices { counts[Int(bin[i])] += 1 }
        // Spread each count over its neighbours (1-2-1), then add one to every bin.
        var smoothed = [Float](repeating: 1, count: Self.bins)
        for b in 0..<Self.bins {
            smoothed[b] += 0.5 * counts[b] + 0.25 * (counts[max(b - 1, 0)] + counts[min(b + 1, Self.bins - 1)])
        }
        let total = smoothed.reduce(0, +)
        logProbability = smoothed.map { logf($0 / total) }
    }

    /// log p(bin) under the histogram.
    @inline(__always)
    func logLikelihood(_ bin: UInt8) -> Float { logProbability[Int(bin)] }

    /// Each pixel's texture bin: log(1 + σ) of luminance over the (2·radius + 1)² window around it
    /// (clipped at the image's edges), quantised to `bins`.
    static func values(of image: RGBImage, radius: Int) -> [UInt8] {
        let width = image.width, height = image.height, count = width * height
        let p = image.pixels
        var luminance = [Float](repeating: 0, count: count)
        for i in 0..<count {
            luminance[i] = 0.299 * Float(p[i * 3]) + 0.587 * Float(p[i * 3 + 1]) + 0.114 * Float(p[i * 3 + 2])
        }
        // Box sums of l and l² by summed-area tables (doubles: no cancellation in the variance).
        let stride = width + 1
        var sum = [Double](repeating: 0, count: stride * (height + 1))
        var squares = sum
        for y in 0..<height {
            var rowSum: Double = 0, rowSquares: Double = 0
            for x in 0..<width {
                let l = Double(luminance[y * width + x])
                rowSum += l
                rowSquares += l * l
                sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1] + rowSum
                squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] + rowSquares
            }
        }
        var bins = [UInt8](repeating: 0, count: count)
        for y in 0..<height {
            let y0 = max(0, y - radius), y1 = min(height, y + radius + 1)
            for x in 0..<width {
                let x0 = max(0, x - radius), x1 = min(width, x + radius + 1)
                let n = Double((x1 - x0) * (y1 - y0))
                let s = sum[y1 * stride + x1] - sum[y0 * stride + x1] - sum[y1 * stride + x0] + sum[y0 * stride + x0]
                let q = squares[y1 * stride + x1] - squares[y0 * stride + x1] - squares[y1 * stride + x0] + squares[y0 * stride + x0]
                let sigma = Float(max(0, q / n - (s / n) * (s / n)).squareRoot())
                let b = Int(logf(1 + sigma) / maximum * Float(Self.bins))
                bins[y * width + x] = UInt8(min(max(b, 0), Self.bins - 1))
            }
        }
        return bins
    }
}
