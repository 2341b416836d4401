/// Unfolds convolution input patches into columns so a general convolution becomes one GEMM:
/// row `(c·kh + ky)·kw + kx`, column `oy·outW + ox` holds the input pixel under that tap (0 in padding).
enum Im2col {
    /// Writes `channels·kh·kw` rows of `outH·outW` floats to `columns`.
    static func unfold(_ g: DepthwiseGeometry, channels: Int, input: UnsafePointer<Float>,
                       columns: UnsafeMutablePointer<Float>) {
        let n = g.outH * g.outW
        var row = columns
        for c in 0..<channels {
            let plane = input + c * g.height * g.width
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                    // Output columns whose tap falls inside the image: lo..<hi.
                    let offsetX = kx * g.dilationW - g.padLeft
                    var lo = 0
                    while lo < g.outW && lo * g.strideW + offsetX < 0 { lo += 1 }
                    var hi = g.outW
                    while hi > lo && (hi - 1) * g.strideW + offsetX >= g.width { hi -= 1 }
                    for oy in 0..<g.outH {
                        let iy = oy * g.strideH + ky * g.dilationH - g.padTop
                        let dst = row + oy * g.outW
                        if iy < 0 || iy >= g.height {
                            dst.update(repeating: 0, count: g.outW)
                            continue
                        }
                        let src = plane + iy * g.width + offsetX
                        for ox in 0..<lo { dst[ox] = 0 }
                        if g.strideW == 1 {
                            (dst + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            for ox in lo..<hi { dst[ox] = src[ox * g.strideW] }
                        }
                        for ox in hi..<g.outW { dst[ox] = 0 }
                    }
                    row += n
                }
            }
        }
    }
}
