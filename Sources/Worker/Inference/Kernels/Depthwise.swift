/// Depthwise convolution (one filter per channel) over a zero-padded copy of each input plane.
///
/// The padded copy removes all bounds tests from the inner loops. 3×3 filters with stride 1 or 2 get
/// SIMD8 loops over output columns; for stride 2 the copy splits each row into its even and odd
/// columns so every tap is a contiguous load. Other shapes use a scalar loop.
enum Depthwise {
    /// Runs all `channels` planes; `weights` is [C, kh, kw]; scratch holds `threads × planeCount` floats.
    static func run(_ g: ConvGeometry, channels: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                    output: UnsafeMutablePointer<Float>, epilogue: Epilogue,
                    scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let taps = g.kernelH * g.kernelW
        let split = g.isFast3x3 && g.strideW == 2
        let half = g.paddedW / 2
        parallelChunks(channels, threads: threads) { part, range in
            let plane = scratch + part * g.planeCount
            plane.initialize(repeating: 0, count: g.planeCount)
            for c in range {
                // Interior copy; the zero border written above is never overwritten.
                let src = input + c * g.height * g.width
                for y in 0..<g.height {
                    let row = plane + (y + g.padTop) * g.paddedW
                    let line = src + y * g.width
                    if split {
                        splitRow(line, width: g.width, padLeft: g.padLeft, even: row, odd: row + half)
                    } else {
                        let dst = row + g.padLeft
                        for x in 0..<g.width { dst[x] = line[x] }
                    }
                }
                let out = output + c * g.outH * g.outW
                let w = weights + c * taps
                if g.isFast3x3 {
                    if split {
                        conv3x3(g, plane: plane, w: w, out: out, epilogue: epilogue, channel: c,
                                offsets: (0, half, 1), rowStep: 2 * g.paddedW)
                    } else {
                        conv3x3(g, plane: plane, w: w, out: out, epilogue: epilogue, channel: c,
                                offsets: (0, 1, 2), rowStep: g.paddedW)
                    }
                } else {
                    generic(g, plane: plane, w: w, out: out, epilogue: epilogue, channel: c)
                }
            }
        }
    }

    /// Copies one input row into the split layout: padded column p = x + padLeft goes to even[p/2]
    /// (even p) or odd[p/2] (odd p). The main loop reads both columns of each pair, an interleaved
    /// pattern LLVM vectorises; the at most four edge columns are placed one by one.
    @inline(__always)
    static func splitRow(_ line: UnsafePointer<Float>, width: Int, padLeft: Int,
                         even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>) {
        @inline(__always) func put(_ p: Int) {
            let x = p - padLeft
            guard x >= 0 && x < width else { return }
            if p & 1 == 0 { even[p >> 1] = line[x] } else { odd[p >> 1] = line[x] }
        }
        // Pairs j whose two columns 2j and 2j+1 are both inside the row.
        let first = (padLeft + 1) / 2
        let end = max(first, (width + padLeft) / 2)
        let base = UnsafeRawPointer(line - padLeft + 2 * first)
        let evenOut = UnsafeMutableRawPointer(even + first), oddOut = UnsafeMutableRawPointer(odd + first)
        let pairs = end - first
        var j = 0
        while j + 8 <= pairs {
            let v = base.loadUnaligned(fromByteOffset: j * 8, as: SIMD16<Float>.self)
            evenOut.storeBytes(of: v.evenHalf, toByteOffset: j * 4, as: SIMD8<Float>.self)
            oddOut.storeBytes(of: v.oddHalf, toByteOffset: j * 4, as: SIMD8<Float>.self)
            j += 8
        }
        let tail = line - padLeft + 2 * first
        while j < pairs {
            even[first + j] = tail[2 * j]
            odd[first + j] = tail[2 * j + 1]
            j += 1
        }
        put(2 * first - 2); put(2 * first - 1); put(2 * end); put(2 * end + 1)
    }

    /// 3×3 with SIMD8 across output columns. Tap kx of output column ox reads `row[ox + offsets.kx]`
    /// (stride 1: 0,1,2; stride 2 on the split plane: even[ox], odd[ox], even[ox+1]).
    @inline(__always)
    static func conv3x3(_ g: ConvGeometry, plane: UnsafePointer<Float>, w: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, epilogue: Epilogue, channel: Int,
                        offsets: (Int, Int, Int), rowStep: Int) {
        let k0 = w[0], k1 = w[1], k2 = w[2], k3 = w[3], k4 = w[4], k5 = w[5], k6 = w[6], k7 = w[7], k8 = w[8]
        let raw = UnsafeRawPointer(plane)
        let o0 = offsets.0 * 4, o1 = offsets.1 * 4, o2 = offsets.2 * 4
        let rowBytes = g.paddedW * 4
        let planeSize = g.outH * g.outW
        for oy in 0..<g.outH {
            let r0 = raw + oy * rowStep * 4, r1 = r0 + rowBytes, r2 = r1 + rowBytes
            let row = out + oy * g.outW
            var ox = 0
            while ox < g.outW {
                let x = ox * 4
                var acc = r0.loadUnaligned(fromByteOffset: x + o0, as: SIMD8<Float>.self) * k0
                acc += r0.loadUnaligned(fromByteOffset: x + o1, as: SIMD8<Float>.self) * k1
                acc += r0.loadUnaligned(fromByteOffset: x + o2, as: SIMD8<Float>.self) * k2
                acc += r1.loadUnaligned(fromByteOffset: x + o0, as: SIMD8<Float>.self) * k3
                acc += r1.loadUnaligned(fromByteOffset: x + o1, as: SIMD8<Float>.self) * k4
                acc += r1.loadUnaligned(fromByteOffset: x + o2, as: SIMD8<Float>.self) * k5
                acc += r2.loadUnaligned(fromByteOffset: x + o0, as: SIMD8<Float>.self) * k6
                acc += r2.loadUnaligned(fromByteOffset: x + o1, as: SIMD8<Float>.self) * k7
                acc += r2.loadUnaligned(fromByteOffset: x + o2, as: SIMD8<Float>.self) * k8
                // A full-vector store may run past this row into later rows of the same plane, which
                // are written afterwards; only the plane's last few values need the careful path.
                if oy * g.outW + ox + 8 <= planeSize {
                    UnsafeMutableRawPointer(row + ox).storeBytes(of: acc, as: SIMD8<Float>.self)
                } else {
                    withUnsafeBytes(of: acc) { lanes in
                        for i in 0..<(g.outW - ox) { row[ox + i] = lanes.load(fromByteOffset: i * 4, as: Float.self) }
                    }
                }
                ox += 8
            }
        }
        epilogue.finish(out, planeSize, row: channel)
    }

    /// Any kernel size, stride and dilation.
    static func generic(_ g: ConvGeometry, plane: UnsafePointer<Float>, w: UnsafePointer<Float>,
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
