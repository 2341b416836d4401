/// 2-D convolution with folded BatchNormalization and fused activation.
///
/// Picks its kernel once at load: depthwise (group = C = M), 1×1 stride-1 unpadded as a plain GEMM
/// on the NCHW input, and implicit im2col (patches packed per GEMM tile) for everything else, except
/// that layers with at most four input channels (first layers) run `FewChannelConv` when their
/// geometry suits it. Weights are packed at load.
final class ConvOperator: Operator {
    private enum Path { case depthwise, pointwise, im2col }
    private let spec: ConvSpec
    private let path: Path
    private let threads: Int
    /// Per group: packed panels of the [M/g × C/g·kh·kw] weight matrix (GEMM paths), or raw [C,kh,kw] (depthwise).
    private let packed: [ConstantBuffer]
    private let post: EpilogueStorage
    /// Tap-major weights for `FewChannelConv`, when the layer has few input channels and no groups.
    private let fewChannelWeights: ConstantBuffer?

    /// Prepares kernels and packed weights for `spec`.
    init(_ spec: ConvSpec, threads: Int) {
        self.spec = spec
        self.threads = threads
        post = EpilogueStorage(bias: spec.bias, activation: spec.activation)
        let m = spec.outChannels / spec.group
        let k = spec.inChannelsPerGroup * spec.kernel.h * spec.kernel.w
        fewChannelWeights = spec.group == 1 && spec.inChannelsPerGroup <= FewChannelConv.maximumInputChannels
            && spec.kernel != (1, 1)
            ? FewChannelConv.pack(spec.weights, outChannels: spec.outChannels, perOutput: k) : nil
        if spec.inChannelsPerGroup == 1 && m == 1 {
            path = .depthwise
            packed = [ConstantBuffer(shape: [spec.outChannels, k], values: spec.weights)]
        } else {
            let unitKernel = spec.kernel == (1, 1) && spec.strides == (1, 1)
            path = unitKernel && spec.autoPad != "SAME_LOWER" && spec.pads.allSatisfy({ $0 == 0 }) ? .pointwise : .im2col
            packed = (0..<spec.group).map { g in
                Gemm.pack(Array(spec.weights[(g * m * k)..<((g + 1) * m * k)]), m: m, k: k, rowStride: k)
            }
        }
    }

    private func geometry(_ input: [Int]) throws -> ConvGeometry {
        guard input.count == 4, input[1] == spec.inChannelsPerGroup * spec.group else {
            throw InferenceError.invalidGraph("Conv input shape \(input) does not match weights (C=\(spec.inChannelsPerGroup * spec.group))")
        }
        let pads = spec.resolvedPads(height: input[2], width: input[3])
        let outH = (input[2] + pads.top + pads.bottom - ((spec.kernel.h - 1) * spec.dilations.h + 1)) / spec.strides.h + 1
        let outW = (input[3] + pads.left + pads.right - ((spec.kernel.w - 1) * spec.dilations.w + 1)) / spec.strides.w + 1
        guard outH > 0, outW > 0 else { throw InferenceError.invalidGraph("Conv output would be empty for input \(input)") }
        return ConvGeometry(height: input[2], width: input[3], kernelH: spec.kernel.h, kernelW: spec.kernel.w,
                                 strideH: spec.strides.h, strideW: spec.strides.w,
                                 dilationH: spec.dilations.h, dilationW: spec.dilations.w,
                                 padTop: pads.top, padLeft: pads.left, outH: outH, outW: outW)
    }

    /// The direct few-channel kernel for this input geometry, if the layer and geometry suit it.
    private func fewChannel(_ g: ConvGeometry) -> FewChannelConv? {
        guard fewChannelWeights != nil else { return nil }
        return FewChannelConv(g, channels: spec.inChannelsPerGroup, outChannels: spec.outChannels)
    }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        let g = try geometry(inputs[0])
        return [[inputs[0][0], spec.outChannels, g.outH, g.outW]]
    }

    func scratchCount(_ inputs: [[Int]]) -> Int {
        guard let g = try? geometry(inputs[0]) else { return 0 }
        let k = spec.inChannelsPerGroup * spec.kernel.h * spec.kernel.w
        switch path {
        case .depthwise: return Depthwise.scratchCount(g, threads: threads)
        case .pointwise: return Gemm.scratchCount(k: k, threads: threads)
        case .im2col:
            let direct = fewChannel(g)?.scratchCount ?? 0
            return max(direct, Gemm.scratchCount(k: k, threads: threads))
        }
    }

    func run(_ call: OpCall) {
        let shape = call.inputShapes[0]
        guard let g = try? geometry(shape) else { return }
        let epilogue = post.epilogue
        let m = spec.outChannels / spec.group
        let cg = spec.inChannelsPerGroup
        let k = cg * spec.kernel.h * spec.kernel.w
        let n = g.outH * g.outW
        for batch in 0..<shape[0] {
            let input = call.inputs[0] + batch * shape[1] * g.height * g.width
            let output = call.outputs[0] + batch * spec.outChannels * n
            switch path {
            case .depthwise:
                Depthwise.run(g, channels: spec.outChannels, input: input, weights: packed[0].pointer,
                              output: output, epilogue: epilogue, scratch: call.scratch, threads: threads)
            case .pointwise:
                for group in 0..<spec.group {
                    Gemm.multiply(packedA: packed[group].pointer, m: m, k: k, b: input + group * cg * n, ldb: n, n: n,
                                  c: output + group * m * n, ldc: n, epilogue: epilogue, rowOffset: group * m,
                                  scratch: call.scratch, threads: threads)
                }
            case .im2col:
                if let direct = fewChannel(g), let weights = fewChannelWeights {
                    direct.run(input: input, weights: weights.pointer, output: output, epilogue: epilogue,
                               scratch: call.scratch, threads: threads)
                    continue
                }
                for group in 0..<spec.group {
                    let patches = PatchColumns(input: input + group * cg * g.height * g.width, g: g, channels: cg)
                    Gemm.multiply(packedA: packed[group].pointer, m: m, k: k, source: patches, n: n,
                                  c: output + group * m * n, ldc: n, epilogue: epilogue, rowOffset: group * m,
                                  scratch: call.scratch, threads: threads)
                }
            }
        }
    }
}
