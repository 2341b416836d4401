/// MaxPool, AveragePool and GlobalAveragePool / GlobalMaxPool over NCHW tensors.
final class PoolOperator: Operator {
    /// The reduction.
    enum Kind: Sendable { case max, average, globalAverage, globalMax }
    private let kind: Kind
    private let kernel: [Int]
    private let strides: [Int]
    private let dilations: [Int]
    private let pads: [Int]
    private let autoPad: String
    private let ceilMode: Bool
    private let countIncludePad: Bool
    /// 2×2 windows, stride 2, no padding or dilation: the vectorised path.
    private let isMax2x2: Bool

    /// Reads the pooling attributes of `node`.
    init(_ kind: Kind, node: OnnxNode) throws {
        self.kind = kind
        kernel = try node.ints("kernel_shape", [1, 1])
        strides = try node.ints("strides", [1, 1])
        dilations = try node.ints("dilations", [1, 1])
        pads = try node.ints("pads", [0, 0, 0, 0])
        autoPad = try node.string("auto_pad", "NOTSET")
        ceilMode = try node.int("ceil_mode", 0) == 1
        countIncludePad = try node.int("count_include_pad", 0) == 1
        isMax2x2 = kind == .max && kernel == [2, 2] && strides == [2, 2] && dilations == [1, 1]
            && pads == [0, 0, 0, 0] && !ceilMode
        if kind == .max || kind == .average {
            guard kernel.count == 2, strides.count == 2, dilations.count == 2, pads.count == 4,
                  kernel.allSatisfy({ isSaneSize($0, minimum: 1) }), strides.allSatisfy({ isSaneSize($0, minimum: 1) }),
                  dilations.allSatisfy({ isSaneSize($0, minimum: 1) }), pads.allSatisfy({ isSaneSize($0, minimum: 0) }),
                  autoPad == "NOTSET" || autoPad == "VALID" else {
                throw InferenceError.unsupported(node.opType, node: node.label, "only 2-D pooling with explicit pads")
            }
        }
    }

    private func outputSize(_ size: Int, _ axis: Int) -> Int {
        let span = (kernel[axis] - 1) * dilations[axis] + 1
        let padded = size + (autoPad == "VALID" ? 0 : pads[axis] + pads[axis + 2]) - span
        var out = (ceilMode ? (padded + strides[axis] - 1) / strides[axis] : padded / strides[axis]) + 1
        // A ceil-mode window must start inside the input or its left padding.
        if ceilMode && (out - 1) * strides[axis] >= size + (autoPad == "VALID" ? 0 : pads[axis]) { out -= 1 }
        return out
    }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        let x = inputs[0]
        guard x.count == 4 else { throw InferenceError.invalidGraph("pooling needs an NCHW input, got \(x)") }
        if kind == .globalAverage || kind == .globalMax { return [[x[0], x[1], 1, 1]] }
        let h = outputSize(x[2], 0), w = outputSize(x[3], 1)
        guard h > 0, w > 0 else { throw InferenceError.invalidGraph("pooling output would be empty for \(x)") }
        return [[x[0], x[1], h, w]]
    }

    /// 2×2 stride-2 max pooling of one plane: SIMD over 8 outputs (16 input columns) at a time.
    static func max2x2(_ src: UnsafePointer<Float>, width: Int, _ dst: UnsafeMutablePointer<Float>, outH: Int, outW: Int) {
        for oy in 0..<outH {
            let r0 = src + 2 * oy * width, r1 = r0 + width
            let out = dst + oy * outW
            var ox = 0
            // Vector loads of 16 columns stay inside the row while 2·ox + 16 <= width.
            while ox + 8 <= outW && 2 * ox + 16 <= width {
                let top = UnsafeRawPointer(r0 + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                let bottom = UnsafeRawPointer(r1 + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                // `replacing(with:where:)` with a vector lowers to vmaxps; `pointwiseMax` is a lane loop.
                let rows = top.replacing(with: bottom, where: top .< bottom)
                let even = rows.evenHalf, odd = rows.oddHalf
                UnsafeMutableRawPointer(out + ox).storeBytes(of: even.replacing(with: odd, where: even .< odd), as: SIMD8<Float>.self)
                ox += 8
            }
            while ox < outW {
                out[ox] = Swift.max(Swift.max(r0[2 * ox], r0[2 * ox + 1]), Swift.max(r1[2 * ox], r1[2 * ox + 1]))
                ox += 1
            }
        }
    }

    /// Sum of `count` floats, eight lanes at a time: a serial sum is one long chain of dependent adds
    /// (MobileNetV2's 1280×49 pool took 0.1 ms). Differs from the serial order only by rounding.
    @inline(__always)
    private static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(p)
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    func run(_ call: OpCall) {
        let x = call.inputShapes[0], o = call.outputShapes[0]
        let planes = x[0] * x[1], h = x[2], w = x[3], oh = o[2], ow = o[3]
        let input = call.inputs[0], output = call.outputs[0]
        switch kind {
        case .globalAverage:
            for p in 0..<planes { output[p] = PoolOperator.sum(input + p * h * w, count: h * w) / Float(h * w) }
        case .globalMax:
            for p in 0..<planes {
                let src = input + p * h * w
                var acc: Float = kind == .globalMax ? -.infinity : 0
                for i in 0..<(h * w) { acc = kind == .globalMax ? max(acc, src[i]) : acc + src[i] }
                output[p] = kind == .globalMax ? acc : acc / Float(h * w)
            }
        case .max where isMax2x2:
            for p in 0..<planes {
                PoolOperator.max2x2(input + p * h * w, width: w, output + p * oh * ow, outH: oh, outW: ow)
            }
        case .max, .average:
            let top = autoPad == "VALID" ? 0 : pads[0], left = autoPad == "VALID" ? 0 : pads[1]
            for p in 0..<planes {
                let src = input + p * h * w, dst = output + p * oh * ow
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var acc: Float = kind == .max ? -.infinity : 0
                        var taken = 0
                        for ky in 0..<kernel[0] {
                            let iy = oy * strides[0] - top + ky * dilations[0]
                            guard iy >= 0 && iy < h else { continue }
                            for kx in 0..<kernel[1] {
                                let ix = ox * strides[1] - left + kx * dilations[1]
                                guard ix >= 0 && ix < w else { continue }
                                let v = src[iy * w + ix]
                                acc = kind == .max ? max(acc, v) : acc + v
                                taken += 1
                            }
                        }
                        if kind == .average {
                            acc /= Float(countIncludePad ? kernel[0] * kernel[1] : max(taken, 1))
                        }
                        dst[oy * ow + ox] = acc
                    }
                }
            }
        }
    }
}
