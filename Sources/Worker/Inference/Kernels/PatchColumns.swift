/// Implicit im2col: packs a convolution's patch matrix (row `(c·kh + ky)·kw + kx`, column `oy·outW + ox`)
/// tile by tile straight from the input, so the full patch matrix is never materialised.
struct PatchColumns: ColumnSource {
    /// The group's first input channel plane.
    let input: UnsafePointer<Float>
    /// Convolution geometry.
    let g: ConvGeometry
    /// Input channels in the group.
    let channels: Int

    @inline(__always)
    func pack(_ panel: UnsafeMutablePointer<Float>, k: Int, n0: Int, width: Int) {
        let plane = g.height * g.width
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * Gemm.columns) { origin in
            // Top-left input coordinate of each column's receptive field.
            let iy0 = origin.baseAddress!, ix0 = iy0 + Gemm.columns
            var interior = width == Gemm.columns
            for x in 0..<Gemm.columns {
                let n = n0 + min(x, width - 1)
                let oy = n / g.outW, ox = n - oy * g.outW
                iy0[x] = oy * g.strideH - g.padTop
                ix0[x] = ox * g.strideW - g.padLeft
                interior = interior && iy0[x] >= 0 && iy0[x] + (g.kernelH - 1) * g.dilationH < g.height
                    && ix0[x] >= 0 && ix0[x] + (g.kernelW - 1) * g.dilationW < g.width
            }
            // One output row, stride 1: every tap is a contiguous run of 16 input pixels.
            let sameRow = interior && iy0[0] == iy0[Gemm.columns - 1]
            let contiguous = sameRow && g.strideW == 1
            // One output row, stride 2: a 32-float load de-interleaved (needs the 32nd float inside the plane).
            let lastOffset = (iy0[0] + (g.kernelH - 1) * g.dilationH) * g.width + ix0[0] + (g.kernelW - 1) * g.dilationW
            let strided = sameRow && g.strideW == 2 && lastOffset + 32 <= plane
            var row = panel
            for c in 0..<channels {
                let channel = input + c * plane
                for ky in 0..<g.kernelH {
                    for kx in 0..<g.kernelW {
                        let dy = ky * g.dilationH, dx = kx * g.dilationW
                        if contiguous {
                            let src = UnsafeRawPointer(channel + (iy0[0] + dy) * g.width + ix0[0] + dx)
                            UnsafeMutableRawPointer(row).storeBytes(
                                of: src.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                        } else if strided {
                            let src = UnsafeRawPointer(channel + (iy0[0] + dy) * g.width + ix0[0] + dx)
                            UnsafeMutableRawPointer(row).storeBytes(
                                of: src.loadUnaligned(as: SIMD32<Float>.self).evenHalf, as: SIMD16<Float>.self)
                        } else if interior {
                            for x in 0..<Gemm.columns { row[x] = channel[(iy0[x] + dy) * g.width + ix0[x] + dx] }
                        } else {
                            for x in 0..<Gemm.columns {
                                let iy = iy0[x] + dy, ix = ix0[x] + dx
                                let inside = x < width && iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                                row[x] = inside ? channel[iy * g.width + ix] : 0
                            }
                        }
                        row += Gemm.columns
                    }
                }
            }
        }
    }
}
