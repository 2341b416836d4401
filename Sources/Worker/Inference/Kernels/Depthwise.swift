/// Depthwise convolution (one filter per channel).
///
/// Stride 1 or 2 without dilation (every depthwise layer of MobileNetV2, YuNet and BirdNET) runs on
/// *phase planes* (`PhaseLayout`): the input plane is copied into s² planes (for stride 2: even and
/// odd rows × even and odd columns) whose rows are as wide as the output's. Every tap of output
/// (oy, ox) is then a fixed offset from the output's own flat position oy·outW + ox, so a whole plane
/// is one 1-D loop of SIMD16 multiply-adds written straight into the output, with no row boundaries
/// and no ragged vectors on 7×7 or 14×14 planes. A tap whose column lies left or right of the image
/// would wrap to the neighbouring row; those taps are summed apart and multiplied by a 0/1 column
/// mask. Other shapes use a scalar loop over a padded copy.
enum Depthwise {
    /// Floats of scratch `run` needs per call.
    static func scratchCount(_ g: ConvGeometry, threads: Int) -> Int {
        guard let layout = PhaseLayout(g) else { return threads * g.planeCount }
        return layout.maskStorage + threads * layout.scratchCount
    }

    /// Runs all `channels` planes; `weights` is [C, kh, kw]; scratch holds `scratchCount(g, threads:)` floats.
    static func run(_ g: ConvGeometry, channels: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                    output: UnsafeMutablePointer<Float>, epilogue: Epilogue,
                    scratch: UnsafeMutablePointer<Float>, threads: Int) {
        guard let layout = PhaseLayout(g) else {
            generic(g, channels: channels, input: input, weights: weights, output: output, epilogue: epilogue,
                    scratch: scratch, threads: threads)
            return
        }
        layout.writeMasks(scratch)
        let masks = UnsafePointer(scratch)
        let taps = g.kernelH * g.kernelW
        parallelChunks(channels, threads: threads) { part, range in
            let phases = scratch + layout.maskStorage + part * layout.scratchCount
            let sums = phases + layout.phaseStorage
            // Zero once: each channel writes the same positions, the rest (padding) stays zero.
            phases.initialize(repeating: 0, count: layout.phaseStorage)
            withUnsafeTemporaryAllocation(of: PhaseLayout.Tap.self, capacity: taps) { tapList in
                let list = tapList.baseAddress!
                for t in 0..<taps { list[t] = layout.tap(ky: t / g.kernelW, kx: t % g.kernelW) }
                // The unrolled 3×3 kernel masks the outer columns only.
                let unrolled = taps == 9 && list[1].shift == 0
                for c in range {
                    layout.fill(phases, from: input + c * g.height * g.width)
                    let out = output + c * g.outH * g.outW
                    if unrolled && layout.rowWidth == g.outW {
                        layout.convolve3x3(phases, weights + c * taps, list, masks: masks,
                                           epilogue: epilogue, channel: c, into: out)
                    } else if layout.rowWidth == g.outW {
                        layout.convolve(phases, weights + c * taps, list, taps: taps, masks: masks,
                                        epilogue: epilogue, channel: c, into: out)
                    } else {
                        // Unpadded layers read past the output's width: sum at the input's width, copy rows.
                        layout.convolve(phases, weights + c * taps, list, taps: taps, masks: masks,
                                        epilogue: epilogue, channel: c, into: sums)
                        for oy in 0..<g.outH {
                            let row = sums + oy * layout.rowWidth, dst = out + oy * g.outW
                            for x in 0..<g.outW { dst[x] = row[x] + 0 }
                        }
                    }
                }
            }
        }
    }

    /// Any kernel size, stride and dilation: a scalar loop over a zero-padded copy of each plane.
    static func generic(_ g: ConvGeometry, channels: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                        output: UnsafeMutablePointer<Float>, epilogue: Epilogue,
                        scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let taps = g.kernelH * g.kernelW
        parallelChunks(channels, threads: threads) { part, range in
            let plane = scratch + part * g.planeCount
            plane.initialize(repeating: 0, count: g.planeCount)
            for c in range {
                let src = input + c * g.height * g.width
                for y in 0..<g.height {
                    (plane + (y + g.padTop) * g.paddedW + g.padLeft).update(from: src + y * g.width, count: g.width)
                }
                let w = weights + c * taps
                let out = output + c * g.outH * g.outW
                for oy in 0..<g.outH {
                    for ox in 0..<g.outW {
                        var acc: Float = 0
                        for ky in 0..<g.kernelH {
                            let rowBase = (oy * g.strideH + ky * g.dilationH) * g.paddedW + ox * g.strideW
                            for kx in 0..<g.kernelW { acc += w[ky * g.kernelW + kx] * plane[rowBase + kx * g.dilationW] }
                        }
                        out[oy * g.outW + ox] = epilogue.apply(acc, row: c)
                    }
                }
            }
        }
    }
}

/// Where a depthwise layer's phase planes live in scratch, for stride s ∈ {1, 2} without dilation.
///
/// Phase (a, b) holds input pixel (s·r + a, s·q + b) at `margin + (r + marginRows)·rowWidth + q`,
/// zero where that pixel is outside the image; `marginRows` zero rows above and below absorb the
/// filter's vertical reach. Tap (ky, kx) of output (oy, ox) reads input row s·oy + ky − padTop =
/// s·(oy + f) + a and column s·(ox + e) + b, i.e. phase (a, b) at a fixed offset (f rows, e columns)
/// from the output's flat position, valid when 0 ≤ ox + e < rowWidth (else the column mask for e is 0).
struct PhaseLayout {
    /// One filter tap: where it reads relative to the output's flat position, and its column shift.
    struct Tap {
        /// Offset in floats from the phase storage's start plus the output's flat position.
        var offset: Int
        /// Column shift e (−2…2): taps with e ≠ 0 are masked at the row ends.
        var shift: Int
    }

    /// Stride (1 or 2).
    let stride: Int
    /// Row width of the phase planes (the output's width, unless the filter reads further right).
    let rowWidth: Int
    /// Zero rows above and below each phase plane.
    let marginRows: Int
    /// Floats per phase plane: margin slack, rows with margins, slack for the last vector.
    let phaseCount: Int
    /// Largest |column shift| of any tap.
    let maxShift: Int
    /// The geometry.
    let g: ConvGeometry
    /// Floats of slack before a plane's first row (a shifted read of the first output may start before it).
    static let margin = 16

    /// Nil when the layer needs the generic path (dilation, stride above 2, unequal strides, huge pads).
    init?(_ g: ConvGeometry) {
        guard g.strideH == g.strideW, g.strideH <= 2, g.dilationH == 1, g.dilationW == 1,
              g.padTop < g.kernelH, g.padLeft < g.kernelW else { return nil }
        self.g = g
        stride = g.strideH
        let s = g.strideH
        // Phase rows holding input (ceil(H / s), at least outH).
        let rows = max(g.outH, (g.height + s - 1) / s)
        rowWidth = max(g.outW, (g.width + s - 1) / s)
        // Row shift f = floor((ky − padTop) / s) ranges over [−ceil(padTop/s), (kh−1−padTop)/s].
        marginRows = max((g.padTop + s - 1) / s, (g.kernelH - 1) / s + 1)
        maxShift = max((g.padLeft + s - 1) / s, (g.kernelW - 1 - g.padLeft + s - 1) / s)
        guard maxShift <= 2 else { return nil }
        phaseCount = (Self.margin + (rows + 2 * marginRows) * rowWidth + 32 + 15) & ~15
    }

    /// Floats of all phase planes.
    var phaseStorage: Int { stride * stride * phaseCount }
    /// Floats of per-thread scratch: the phase planes and, for unpadded layers, the raw sums.
    var scratchCount: Int { phaseStorage + (rowWidth == g.outW ? 0 : (g.outH * rowWidth + 16 + 15) & ~15) }
    /// Floats of the shared column masks (one per shift −2…2, each outH·rowWidth plus a vector).
    var maskStorage: Int { 5 * maskCount }
    /// Floats per column mask.
    var maskCount: Int { (g.outH * rowWidth + 16 + 15) & ~15 }

    /// Where tap (ky, kx) reads.
    func tap(ky: Int, kx: Int) -> Tap {
        let dy = ky - g.padTop, dx = kx - g.padLeft
        let f = Int((Double(dy) / Double(stride)).rounded(.down)), e = Int((Double(dx) / Double(stride)).rounded(.down))
        let a = dy - stride * f, b = dx - stride * e
        let phase = a * stride + b
        return Tap(offset: phase * phaseCount + Self.margin + (f + marginRows) * rowWidth + e, shift: e)
    }

    /// Writes the column masks: mask e at flat position j is 1 when 0 ≤ j mod rowWidth + e < rowWidth
    /// (mask 0 is all ones).
    func writeMasks(_ storage: UnsafeMutablePointer<Float>) {
        for e in -maxShift...maxShift {
            let mask = storage + (e + 2) * maskCount
            var j = 0
            while j < maskCount {
                for column in 0..<min(rowWidth, maskCount - j) {
                    mask[j + column] = column + e >= 0 && column + e < rowWidth ? 1 : 0
                }
                j += rowWidth
            }
        }
    }

    /// Copies one input plane into the phase planes.
    @inline(__always)
    func fill(_ phases: UnsafeMutablePointer<Float>, from plane: UnsafePointer<Float>) {
        if stride == 1 && rowWidth == g.width {
            // Rows as wide as the plane's: one contiguous copy (`+ 0`: see below).
            let base = phases + Self.margin + marginRows * rowWidth
            for i in 0..<(g.height * g.width) { base[i] = plane[i] + 0 }
            return
        }
        for y in 0..<g.height {
            let line = plane + y * g.width
            let base = phases + ((y % stride) * stride) * phaseCount + Self.margin + (y / stride + marginRows) * rowWidth
            if stride == 1 {
                // `+ 0` keeps this an arithmetic loop LLVM vectorises inline: a plain copy loop
                // becomes a memmove call, which costs more than the copy for rows of 7–56 floats.
                for x in 0..<g.width { base[x] = line[x] + 0 }
            } else {
                Depthwise.splitRow(line, width: g.width, even: base, odd: base + phaseCount)
            }
        }
    }

    /// `convolve` for a 3×3 filter, taps unrolled and branch-free: each filter column's three taps
    /// share a column shift, so each column's sum is multiplied by its mask (all ones for shift 0),
    /// and bias and clamp are applied to every vector (−∞…∞ and no bias when `finish` does it after).
    @inline(__always)
    func convolve3x3(_ phases: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ taps: UnsafePointer<Tap>,
                     masks: UnsafePointer<Float>, epilogue: Epilogue, channel: Int, into out: UnsafeMutablePointer<Float>) {
        let src = UnsafeRawPointer(phases)
        let total = g.outH * rowWidth
        let bounds = epilogue.clampBounds
        let bias = bounds == nil ? 0 : epilogue.bias?[channel] ?? 0
        let lo = SIMD16<Float>(repeating: bounds?.low ?? -.infinity), hi = SIMD16<Float>(repeating: bounds?.high ?? .infinity)
        let k0 = w[0], k1 = w[1], k2 = w[2], k3 = w[3], k4 = w[4], k5 = w[5], k6 = w[6], k7 = w[7], k8 = w[8]
        let o0 = taps[0].offset * 4, o1 = taps[1].offset * 4, o2 = taps[2].offset * 4
        let o3 = taps[3].offset * 4, o4 = taps[4].offset * 4, o5 = taps[5].offset * 4
        let o6 = taps[6].offset * 4, o7 = taps[7].offset * 4, o8 = taps[8].offset * 4
        let m0 = UnsafeRawPointer(masks + (taps[0].shift + 2) * maskCount)
        let m2 = UnsafeRawPointer(masks + (taps[2].shift + 2) * maskCount)
        let dst = UnsafeMutableRawPointer(out)
        let whole = total & ~15
        @inline(__always) func vector(_ x: Int) -> SIMD16<Float> {
            var c0 = src.loadUnaligned(fromByteOffset: x + o0, as: SIMD16<Float>.self) * k0
            c0.addProduct(src.loadUnaligned(fromByteOffset: x + o3, as: SIMD16<Float>.self), k3)
            c0.addProduct(src.loadUnaligned(fromByteOffset: x + o6, as: SIMD16<Float>.self), k6)
            var c1 = src.loadUnaligned(fromByteOffset: x + o1, as: SIMD16<Float>.self) * k1
            c1.addProduct(src.loadUnaligned(fromByteOffset: x + o4, as: SIMD16<Float>.self), k4)
            c1.addProduct(src.loadUnaligned(fromByteOffset: x + o7, as: SIMD16<Float>.self), k7)
            var c2 = src.loadUnaligned(fromByteOffset: x + o2, as: SIMD16<Float>.self) * k2
            c2.addProduct(src.loadUnaligned(fromByteOffset: x + o5, as: SIMD16<Float>.self), k5)
            c2.addProduct(src.loadUnaligned(fromByteOffset: x + o8, as: SIMD16<Float>.self), k8)
            c1.addProduct(c0, m0.loadUnaligned(fromByteOffset: x, as: SIMD16<Float>.self))
            c1.addProduct(c2, m2.loadUnaligned(fromByteOffset: x, as: SIMD16<Float>.self))
            c1 += bias
            c1.replace(with: lo, where: c1 .< lo)
            c1.replace(with: hi, where: c1 .> hi)
            return c1
        }
        var j = 0
        while j < whole {
            dst.storeBytes(of: vector(j * 4), toByteOffset: j * 4, as: SIMD16<Float>.self)
            j += 16
        }
        if whole < total {
            // The plane's last vector: only its first values belong to this channel.
            vector(whole * 4).store(first: total - whole, to: out + whole)
        }
        if bounds == nil { epilogue.finish(out, total, row: channel) }
    }

    /// Convolves one channel: sums for every flat position (outH × rowWidth), bias and activation
    /// applied in registers where the activation allows, written to `out`.
    @inline(__always)
    func convolve(_ phases: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ taps: UnsafePointer<Tap>, taps count: Int,
                  masks: UnsafePointer<Float>, epilogue: Epilogue, channel: Int, into out: UnsafeMutablePointer<Float>) {
        let src = UnsafeRawPointer(phases), maskBase = UnsafeRawPointer(masks)
        let total = g.outH * rowWidth
        let bias = epilogue.bias?[channel] ?? 0
        let bounds = epilogue.clampBounds
        let inRegisters = bounds != nil
        let low = bounds?.low ?? 0, high = bounds?.high ?? 0
        let dst = UnsafeMutableRawPointer(out)
        var j = 0
        while j < total {
            let x = j * 4
            // Sums per column shift: index shift + 2.
            var center = SIMD16<Float>(), left1 = SIMD16<Float>(), right1 = SIMD16<Float>()
            var left2 = SIMD16<Float>(), right2 = SIMD16<Float>()
            for t in 0..<count {
                let tap = taps[t]
                let v = src.loadUnaligned(fromByteOffset: x + tap.offset * 4, as: SIMD16<Float>.self)
                switch tap.shift {
                case 0: center.addProduct(v, w[t])
                case -1: left1.addProduct(v, w[t])
                case 1: right1.addProduct(v, w[t])
                case -2: left2.addProduct(v, w[t])
                default: right2.addProduct(v, w[t])
                }
            }
            if maxShift >= 1 {
                center.addProduct(left1, maskBase.loadUnaligned(fromByteOffset: maskCount * 4 + x, as: SIMD16<Float>.self))
                center.addProduct(right1, maskBase.loadUnaligned(fromByteOffset: 3 * maskCount * 4 + x, as: SIMD16<Float>.self))
            }
            if maxShift >= 2 {
                center.addProduct(left2, maskBase.loadUnaligned(fromByteOffset: x, as: SIMD16<Float>.self))
                center.addProduct(right2, maskBase.loadUnaligned(fromByteOffset: 4 * maskCount * 4 + x, as: SIMD16<Float>.self))
            }
            if inRegisters {
                center += bias
                center.replace(with: SIMD16(repeating: low), where: center .< low)
                center.replace(with: SIMD16(repeating: high), where: center .> high)
            }
            if j + 16 <= total {
                dst.storeBytes(of: center, toByteOffset: x, as: SIMD16<Float>.self)
            } else {
                // The plane's last vector: only its first values belong to this channel.
                center.store(first: total - j, to: out + j)
            }
            j += 16
        }
        if !inRegisters { epilogue.finish(out, total, row: channel) }
    }
}

extension Depthwise {
    /// Splits one input row into its even columns (`even[q]` = line[2q]) and odd columns
    /// (`odd[q]` = line[2q + 1]). The main loop de-interleaves 16 floats at a time.
    @inline(__always)
    static func splitRow(_ line: UnsafePointer<Float>, width: Int,
                         even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>) {
        let pairs = width / 2
        let base = UnsafeRawPointer(line)
        let evenOut = UnsafeMutableRawPointer(even), oddOut = UnsafeMutableRawPointer(odd)
        var j = 0
        while j + 8 <= pairs {
            let v = base.loadUnaligned(fromByteOffset: j * 8, as: SIMD16<Float>.self)
            evenOut.storeBytes(of: v.evenHalf, toByteOffset: j * 4, as: SIMD8<Float>.self)
            oddOut.storeBytes(of: v.oddHalf, toByteOffset: j * 4, as: SIMD8<Float>.self)
            j += 8
        }
        while j < pairs {
            even[j] = line[2 * j]
            odd[j] = line[2 * j + 1]
            j += 1
        }
        if width & 1 == 1 { even[pairs] = line[width - 1] }
    }
}

extension SIMD16 where Scalar == Float {
    /// Stores the first `count` (< 16) lanes at `destination`: a plane's last, partial vector, whose
    /// remaining lanes would overwrite the next plane.
    @inline(__always)
    func store(first count: Int, to destination: UnsafeMutablePointer<Float>) {
        withUnsafeBytes(of: self) { lanes in
            for i in 0..<count { destination[i] = lanes.load(fromByteOffset: i * 4, as: Float.self) }
        }
    }
}
