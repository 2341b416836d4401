/// Depthwise convolution (one filter per channel) over a zero-padded copy of each input plane.
///
/// The padded copy removes all bounds tests from the inner loops; 3×3 filters with stride 1 or 2 get
/// SIMD8 loops over output columns (stride 2 de-interleaves with `evenHalf`), other shapes a scalar loop.
struct DepthwiseGeometry {
    var height: Int, width: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var dilationH: Int, dilationW: Int
    var padTop: Int, padLeft: Int
    var outH: Int, outW: Int

    /// Padded plane rows (enough for every tap of every output row).
    var paddedH: Int { max(height + padTop, (outH - 1) * strideH + (kernelH - 1) * dilationH + 1) }
    /// Padded plane row stride, with slack so SIMD loads past the last output stay inside the row.
    var paddedW: Int { max(width + padLeft, (outW - 1) * strideW + (kernelW - 1) * dilationW + 1) + 32 }
    /// Floats of scratch per thread.
    var planeCount: Int { paddedH * paddedW }
}

enum Depthwise {
    /// Runs all `channels` planes; `weights` is [C, kh, kw]; scratch holds `threads × planeCount` floats.
    static func run(_ g: DepthwiseGeometry, channels: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                    output: UnsafeMutablePointer<Float>, epilogue: Epilogue,
                    scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let taps = g.kernelH * g.kernelW
        parallelChunks(channels, threads: threads) { part, range in
            let plane = scratch + part * g.planeCount
            plane.initialize(repeating: 0, count: g.planeCount)
            for c in range {
                // Interior copy; the zero border written above is never overwritten.
                let src = input + c * g.height * g.width
                for y in 0..<g.height {
                    (plane + (y + g.padTop) * g.paddedW + g.padLeft).update(from: src + y * g.width, count: g.width)
                }
                let out = output + c * g.outH * g.outW
                let w = weights + c * taps
                if g.kernelH == 3, g.kernelW == 3, g.dilationH == 1, g.dilationW == 1, g.strideH == g.strideW,
                   g.strideH <= 2 {
                    conv3x3(g, plane: plane, w: w, out: out, epilogue: epilogue, channel: c)
                } else {
                    generic(g, plane: plane, w: w, out: out, epilogue: epilogue, channel: c)
                }
            }
        }
    }

    /// 3×3, stride 1 or 2, SIMD8 across output columns; the ragged last tile is stored element-wise.
    @inline(__always)
    static func conv3x3(_ g: DepthwiseGeometry, plane: UnsafePointer<Float>, w: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, epilogue: Epilogue, channel: Int) {
        let k0 = w[0], k1 = w[1], k2 = w[2], k3 = w[3], k4 = w[4], k5 = w[5], k6 = w[6], k7 = w[7], k8 = w[8]
        let s = g.strideH
        let raw = UnsafeRawPointer(plane)
        @inline(__always) func tap(_ offset: Int) -> SIMD8<Float> {
            if s == 1 { return raw.loadUnaligned(fromByteOffset: offset * 4, as: SIMD8<Float>.self) }
            return raw.loadUnaligned(fromByteOffset: offset * 4, as: SIMD16<Float>.self).evenHalf
        }
        for oy in 0..<g.outH {
            let r0 = oy * s * g.paddedW, r1 = r0 + g.paddedW, r2 = r1 + g.paddedW
            let row = out + oy * g.outW
            var ox = 0
            while ox < g.outW {
                let x = ox * s
                var acc = tap(r0 + x) * k0
                acc += tap(r0 + x + 1) * k1
                acc += tap(r0 + x + 2) * k2
                acc += tap(r1 + x) * k3
                acc += tap(r1 + x + 1) * k4
                acc += tap(r1 + x + 2) * k5
                acc += tap(r2 + x) * k6
                acc += tap(r2 + x + 1) * k7
                acc += tap(r2 + x + 2) * k8
                let v = epilogue.apply(acc, row: channel)
                if ox + 8 <= g.outW {
                    UnsafeMutableRawPointer(row + ox).storeBytes(of: v, as: SIMD8<Float>.self)
                } else {
                    for i in 0..<(g.outW - ox) { row[ox + i] = v[i] }
                }
                ox += 8
            }
        }
    }

    /// Any kernel size, stride and dilation.
    static func generic(_ g: DepthwiseGeometry, plane: UnsafePointer<Float>, w: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, epilogue: Epilogue, channel: Int) {
        for oy in 0..<g.outH {
            for ox in 0..<g.outW {
                var acc: Float = 0
                for ky in 0..<g.kernelH {
                    let rowBase = (oy * g.strideH + ky * g.dilationH) * g.paddedW + ox * g.strideW
                    for kx in 0..<g.kernelW { acc += w[ky * g.kernelW + kx] * plane[rowBase + kx * g.dilationW] }
                }
                out[oy * g.outW + ox] = epilogue.apply(acc, row: channel)
            }
        }
    }
}
