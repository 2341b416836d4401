/// Shrinking for thumbnails and web sizes.
extension RGBImage {
    /// The image shrunk (never enlarged) so that its longer side is at most `maxSide`, each output
    /// pixel the exact area average of the input pixels it covers (box filter with fractional
    /// edges: no aliasing when shrinking by large factors). Returns `self` when it already fits.
    public func shrunk(toFit maxSide: Int) -> RGBImage {
        let longer = max(width, height)
        guard longer > maxSide, maxSide > 0 else { return self }
        let scale = Double(maxSide) / Double(longer)
        let outWidth = max(1, Int((Double(width) * scale).rounded()))
        let outHeight = max(1, Int((Double(height) * scale).rounded()))
        let columns = Self.coverage(input: width, output: outWidth)
        let rows = Self.coverage(input: height, output: outHeight)
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
        var rowSums = [Double](repeating: 0, count: width * 3)
        pixels.withUnsafeBufferPointer { src in
            for (oy, rowWeights) in rows.enumerated() {
                for i in rowSums.indices { rowSums[i] = 0 }
                for (y, weight) in rowWeights {
                    let base = y * width * 3
                    for i in 0..<(width * 3) { rowSums[i] += Double(src[base + i]) * weight }
                }
                for (ox, columnWeights) in columns.enumerated() {
                    var r = 0.0, g = 0.0, b = 0.0
                    for (x, weight) in columnWeights {
                        r += rowSums[x * 3] * weight; g += rowSums[x * 3 + 1] * weight; b += rowSums[x * 3 + 2] * weight
                    }
                    let o = (oy * outWidth + ox) * 3
                    out[o] = UInt8(min(255, max(0, r.rounded())))
                    out[o + 1] = UInt8(min(255, max(0, g.rounded())))
                    out[o + 2] = UInt8(min(255, max(0, b.rounded())))
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: out)
    }

    /// For each output index, the input indices it covers and their weights (summing to 1).
    private static func coverage(input: Int, output: Int) -> [[(Int, Double)]] {
        let step = Double(input) / Double(output)
        return (0..<output).map { o in
            let start = Double(o) * step, end = Double(o + 1) * step
            var weights: [(Int, Double)] = []
            var i = Int(start)
            while Double(i) < end, i < input {
                let covered = min(end, Double(i + 1)) - max(start, Double(i))
                if covered > 0 { weights.append((i, covered / step)) }
                i += 1
            }
            return weights
        }
    }
}
