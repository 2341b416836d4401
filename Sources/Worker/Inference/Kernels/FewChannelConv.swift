/// Direct convolution for layers with few input channels (the first layer of an image network:
/// 3 → 32 for MobileNetV2, 3 → 16 for YuNet), stride 1 or 2 without dilation.
///
/// Through im2col such a layer is a GEMM with K = C·kh·kw = 27: short dot products whose tile
/// packing and stores cost as much as the multiply-adds. Here each input channel is copied once into
/// phase planes (`PhaseLayout`, as for depthwise layers), every tap is then a fixed offset from the
/// output's flat position, and for each vector of 16 outputs the kernel loads each tap once (masked
/// at the row ends) and multiply-adds it into 16 output channels' accumulators at a time.
struct FewChannelConv {
    /// Output channels per pass (accumulators held in registers).
    static let block = 16
    /// Largest input channel count this path takes.
    static let maximumInputChannels = 4

    /// The phase layout shared by all input channels.
    let layout: PhaseLayout
    /// Input channels.
    let channels: Int
    /// Output channels.
    let outChannels: Int
    /// Taps per input channel (kh·kw).
    let taps: Int

    /// Nil when the layer does not suit this path.
    init?(_ g: ConvGeometry, channels: Int, outChannels: Int) {
        guard channels <= Self.maximumInputChannels, let layout = PhaseLayout(g), layout.rowWidth == g.outW else { return nil }
        self.layout = layout
        self.channels = channels
        self.outChannels = outChannels
        taps = g.kernelH * g.kernelW
    }

    /// Weights [M, C, kh, kw] rearranged tap-major, output channel innermost and padded to whole
    /// blocks: value (t, m) at `t · paddedOutChannels + m`, t = c·kh·kw + ky·kw + kx.
    static func pack(_ weights: [Float], outChannels: Int, perOutput: Int) -> ConstantBuffer {
        let padded = paddedOutChannels(outChannels)
        var packed = [Float](repeating: 0, count: perOutput * padded)
        for m in 0..<outChannels {
            for t in 0..<perOutput { packed[t * padded + m] = weights[m * perOutput + t] }
        }
        return ConstantBuffer(shape: [perOutput, padded], values: packed)
    }

    /// Output channels rounded up to whole blocks: the packed weights' row length.
    static func paddedOutChannels(_ outChannels: Int) -> Int { (outChannels + block - 1) / block * block }

    /// Floats of scratch per call: masks and every input channel's phase planes.
    var scratchCount: Int { layout.maskStorage + channels * layout.phaseStorage }

    /// Computes every output plane of one image, its output vectors split over `threads`.
    func run(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
             epilogue: Epilogue, scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let g = layout.g
        layout.writeMasks(scratch)
        let phases = scratch + layout.maskStorage
        phases.initialize(repeating: 0, count: channels * layout.phaseStorage)
        for c in 0..<channels {
            layout.fill(phases + c * layout.phaseStorage, from: input + c * g.height * g.width)
        }
        let count = channels * taps
        let padded = Self.paddedOutChannels(outChannels)
        let total = g.outH * g.outW
        let bounds = epilogue.clampBounds
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * count) { table in
            // Per tap: its float offset (phase storage of its channel included) and its mask's offset.
            let offsets = table.baseAddress!, maskOffsets = offsets + count
            for c in 0..<channels {
                for t in 0..<taps {
                    let tap = layout.tap(ky: t / g.kernelW, kx: t % g.kernelW)
                    offsets[c * taps + t] = c * layout.phaseStorage + tap.offset
                    maskOffsets[c * taps + t] = (tap.shift + 2) * layout.maskCount
                }
            }
            let table = UnsafePointer(offsets)
            parallelChunks((total + 15) / 16, threads: threads) { _, vectors in
                withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: Self.block) { lanes in
                    let acc = lanes.baseAddress!
                    for vector in vectors {
                        let j = vector * 16
                        for m0 in stride(from: 0, to: outChannels, by: Self.block) {
                            accumulate(phases, scratch, table, table + count, count, weights + m0, padded, j, acc)
                            let rows = min(Self.block, outChannels - m0)
                            for i in 0..<rows {
                                var v = acc[i]
                                if let bounds {
                                    v += epilogue.bias?[m0 + i] ?? 0
                                    v.replace(with: SIMD16(repeating: bounds.low), where: v .< bounds.low)
                                    v.replace(with: SIMD16(repeating: bounds.high), where: v .> bounds.high)
                                }
                                let plane = output + (m0 + i) * total
                                if j + 16 <= total {
                                    UnsafeMutableRawPointer(plane + j).storeBytes(of: v, as: SIMD16<Float>.self)
                                } else {
                                    v.store(first: total - j, to: plane + j)
                                }
                            }
                        }
                    }
                }
            }
        }
        if bounds == nil {
            for m in 0..<outChannels { epilogue.finish(output + m * total, total, row: m) }
        }
    }

    /// Writes to `acc` the 16 output channels' sums over every tap of its masked input vector at flat
    /// position `j` times its weights.
    @inline(__always)
    private func accumulate(_ phases: UnsafePointer<Float>, _ masks: UnsafePointer<Float>,
                            _ offsets: UnsafePointer<Int>, _ maskOffsets: UnsafePointer<Int>, _ count: Int,
                            _ weights: UnsafePointer<Float>, _ stride: Int, _ j: Int,
                            _ acc: UnsafeMutablePointer<SIMD16<Float>>) {
        var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
        var a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0
        let src = UnsafeRawPointer(phases), maskBase = UnsafeRawPointer(masks)
        for t in 0..<count {
            let v = src.loadUnaligned(fromByteOffset: (offsets[t] + j) * 4, as: SIMD16<Float>.self)
                * maskBase.loadUnaligned(fromByteOffset: (maskOffsets[t] + j) * 4, as: SIMD16<Float>.self)
            let w = weights + t * stride
            a0.addProduct(v, w[0]); a1.addProduct(v, w[1]); a2.addProduct(v, w[2]); a3.addProduct(v, w[3])
            a4.addProduct(v, w[4]); a5.addProduct(v, w[5]); a6.addProduct(v, w[6]); a7.addProduct(v, w[7])
            a8.addProduct(v, w[8]); a9.addProduct(v, w[9]); a10.addProduct(v, w[10]); a11.addProduct(v, w[11])
            a12.addProduct(v, w[12]); a13.addProduct(v, w[13]); a14.addProduct(v, w[14]); a15.addProduct(v, w[15])
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7
        acc[8] = a8; acc[9] = a9; acc[10] = a10; acc[11] = a11; acc[12] = a12; acc[13] = a13; acc[14] = a14; acc[15] = a15
    }
}
