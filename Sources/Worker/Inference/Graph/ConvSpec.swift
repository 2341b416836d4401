import Foundation

/// An activation applied to a fused operator's output, per output channel where it has parameters.
enum Activation: Sendable {
    /// Identity.
    case none
    /// max(x, 0).
    case relu
    /// min(max(x, low), high).
    case clip(Float, Float)
    /// Per-channel negative slopes (one value per output channel).
    case prelu([Float])
    /// x · sigmoid(x) (swish, SiLU: EfficientNet's activation, written `Swish` by the TFLite importer).
    case swish
}

/// Everything a Conv needs, with folded BatchNormalization and fused activation.
struct ConvSpec: Sendable {
    /// Output channels (M).
    var outChannels: Int
    /// Input channels each filter sees (C / group).
    var inChannelsPerGroup: Int
    /// Number of channel groups (C for depthwise).
    var group: Int
    /// Filter size.
    var kernel: (h: Int, w: Int)
    /// Output step in input pixels.
    var strides: (h: Int, w: Int)
    /// Tap spacing in input pixels.
    var dilations: (h: Int, w: Int)
    /// Explicit pads top, left, bottom, right (ignored unless autoPad is NOTSET).
    var pads: [Int]
    /// ONNX auto_pad: NOTSET, SAME_UPPER, SAME_LOWER or VALID.
    var autoPad: String
    /// Weights [M, C/group, kh, kw], row-major.
    var weights: [Float]
    /// Bias per output channel (zeros when absent).
    var bias: [Float]
    /// Activation fused into the output.
    var activation: Activation = .none

    /// Reads a Conv node; the weights (and bias) must be constants.
    init(node: OnnxNode, constants: [String: OnnxTensor]) throws {
        guard let w = try node.constantInput(1, constants), w.shape.count == 4 else {
            throw InferenceError.unsupported("Conv", node: node.label, "only 2-D convolution with constant weights")
        }
        outChannels = w.shape[0]
        inChannelsPerGroup = w.shape[1]
        kernel = (w.shape[2], w.shape[3])
        group = try node.int("group", 1)
        let s = try node.ints("strides", [1, 1]), d = try node.ints("dilations", [1, 1])
        pads = try node.ints("pads", [0, 0, 0, 0])
        autoPad = try node.string("auto_pad", "NOTSET")
        guard s.count == 2, d.count == 2, pads.count == 4, group >= 1, outChannels >= 1, outChannels % group == 0,
              s.allSatisfy({ isSaneSize($0, minimum: 1) }), d.allSatisfy({ isSaneSize($0, minimum: 1) }),
              pads.allSatisfy({ isSaneSize($0, minimum: 0) }),
              isSaneSize(kernel.h, minimum: 1), isSaneSize(kernel.w, minimum: 1), inChannelsPerGroup >= 1 else {
            throw InferenceError.invalidGraph("Conv '\(node.label)' has invalid strides/dilations/pads/group")
        }
        if let shape = try? node.ints("kernel_shape", []), !shape.isEmpty, shape != [kernel.h, kernel.w] {
            throw InferenceError.invalidGraph("Conv '\(node.label)' kernel_shape disagrees with its weights")
        }
        guard ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"].contains(autoPad) else {
            throw InferenceError.unsupported("Conv", node: node.label, "auto_pad \(autoPad)")
        }
        strides = (s[0], s[1])
        dilations = (d[0], d[1])
        weights = w.floats
        if let b = try node.constantInput(2, constants) {
            guard b.count == outChannels else { throw InferenceError.invalidGraph("Conv '\(node.label)' bias size") }
            bias = b.floats
        } else {
            bias = [Float](repeating: 0, count: outChannels)
        }
    }

    /// Pads (top, left, bottom, right) for an input of `height`×`width` (a tuple: no allocation per run).
    func resolvedPads(height: Int, width: Int) -> (top: Int, left: Int, bottom: Int, right: Int) {
        func same(_ size: Int, _ stride: Int, _ k: Int, _ dilation: Int) -> (Int, Int) {
            let out = (size + stride - 1) / stride
            let total = max(0, (out - 1) * stride + (k - 1) * dilation + 1 - size)
            return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
        }
        switch autoPad {
        case "VALID": return (0, 0, 0, 0)
        case "SAME_UPPER", "SAME_LOWER":
            let (t, b) = same(height, strides.h, kernel.h, dilations.h)
            let (l, r) = same(width, strides.w, kernel.w, dilations.w)
            return (t, l, b, r)
        default: return (pads[0], pads[1], pads[2], pads[3])
        }
    }

    /// Folds a following BatchNormalization or fuses a following activation; false if `next` cannot be absorbed.
    mutating func absorb(_ next: OnnxNode, constants: [String: OnnxTensor]) throws -> Bool {
        guard case .none = activation else { return false }
        switch next.opType {
        case "BatchNormalization":
            guard next.outputs.count == 1,
                  let scale = try? next.constantInput(1, constants), let shift = try? next.constantInput(2, constants),
                  let mean = try? next.constantInput(3, constants), let variance = try? next.constantInput(4, constants),
                  [scale, shift, mean, variance].allSatisfy({ $0.count == outChannels }) else { return false }
            let epsilon = try next.float("epsilon", 1e-5)
            let (g, b, m, v) = (scale.floats, shift.floats, mean.floats, variance.floats)
            let perChannel = weights.count / outChannels
            for c in 0..<outChannels {
                let factor = g[c] / (v[c] + epsilon).squareRoot()
                for i in 0..<perChannel { weights[c * perChannel + i] *= factor }
                bias[c] = (bias[c] - m[c]) * factor + b[c]
            }
            return true
        case "Relu":
            activation = .relu
            return true
        case "Swish":
            activation = .swish
            return true
        case "Clip":
            guard let bounds = try? ClipBounds(node: next, constants: constants) else { return false }
            activation = .clip(bounds.low, bounds.high)
            return true
        case "PRelu":
            guard let slope = try? next.constantInput(1, constants) else { return false }
            let dims = Array(slope.shape.drop(while: { $0 == 1 }))
            if slope.count == 1 {
                activation = .prelu([Float](repeating: slope.floats[0], count: outChannels))
            } else if dims.first == outChannels, dims.dropFirst().allSatisfy({ $0 == 1 }), dims.count == 3 {
                activation = .prelu(slope.floats)
            } else {
                return false
            }
            return true
        default:
            return false
        }
    }
}

/// Clip bounds from attributes (opset < 11) or constant inputs (opset ≥ 11).
struct ClipBounds {
    /// Lower bound (-infinity when absent).
    var low: Float
    /// Upper bound (+infinity when absent).
    var high: Float

    /// Reads the bounds; missing ones are ±infinity.
    init(node: OnnxNode, constants: [String: OnnxTensor]) throws {
        low = try node.float("min", -.infinity)
        high = try node.float("max", .infinity)
        if let t = try node.constantInput(1, constants), let v = t.floats.first { low = v }
        if let t = try node.constantInput(2, constants), let v = t.floats.first { high = v }
    }
}
