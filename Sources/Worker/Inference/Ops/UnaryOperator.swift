import Foundation

/// Element-wise single-input operators: Relu, Clip, Sigmoid, and copies (Identity, Dropout, reshapes).
final class UnaryOperator: Operator {
    /// The function applied.
    enum Kind: Sendable {
        case relu, sigmoid, swish, copy
        case clip(Float, Float)
        /// A copy with a new shape (Reshape, Flatten, Squeeze, Unsqueeze).
        case reshape(OnnxNode, [Int64]?)
    }
    private let kind: Kind

    /// An operator computing `kind`.
    init(_ kind: Kind) { self.kind = kind }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        if case .reshape(let node, let shape) = kind {
            return [try ShapeRules.reshaped(node, input: inputs[0], shapeArgument: shape)]
        }
        return [inputs[0]]
    }

    func run(_ call: OpCall) {
        let x = call.inputs[0], y = call.outputs[0]
        let count = elementCount(call.inputShapes[0])
        switch kind {
        case .relu:
            for i in 0..<count { y[i] = max(x[i], 0) }
        case .clip(let lo, let hi):
            for i in 0..<count { y[i] = min(max(x[i], lo), hi) }
        case .sigmoid:
            if UnsafePointer(y) != x { y.update(from: x, count: count) }
            VectorMath.sigmoid(y, count)
        case .swish:
            if UnsafePointer(y) != x { y.update(from: x, count: count) }
            VectorMath.swish(y, count)
        case .copy, .reshape:
            if UnsafePointer(y) != x { y.update(from: x, count: count) }
        }
    }
}

/// BatchNormalization in inference mode (when it could not be folded into a preceding Conv).
final class BatchNormOperator: Operator {
    private let scale: [Float]
    private let shift: [Float]

    /// Precomputes `y = x·scale[c] + shift[c]` from the node's constant statistics.
    init(node: OnnxNode, constants: [String: OnnxTensor]) throws {
        guard let g = try node.constantInput(1, constants), let b = try node.constantInput(2, constants),
              let m = try node.constantInput(3, constants), let v = try node.constantInput(4, constants),
              g.count == b.count, b.count == m.count, m.count == v.count else {
            throw InferenceError.invalidGraph("BatchNormalization '\(node.label)' needs four equal-sized constant inputs")
        }
        let epsilon = try node.float("epsilon", 1e-5)
        let (gamma, beta, mean, variance) = (g.floats, b.floats, m.floats, v.floats)
        scale = gamma.indices.map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        shift = gamma.indices.map { beta[$0] - mean[$0] * gamma[$0] / (variance[$0] + epsilon).squareRoot() }
    }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        guard inputs[0].count >= 2, inputs[0][1] == scale.count else {
            throw InferenceError.invalidGraph("BatchNormalization input \(inputs[0]) does not have \(scale.count) channels")
        }
        return [inputs[0]]
    }

    func run(_ call: OpCall) {
        let shape = call.inputShapes[0]
        let channels = shape[1]
        var inner = 1
        for d in shape.dropFirst(2) { inner *= d }
        let x = call.inputs[0], y = call.outputs[0]
        scale.withUnsafeBufferPointer { s in
            shift.withUnsafeBufferPointer { t in
                for n in 0..<shape[0] {
                    for c in 0..<channels {
                        let base = (n * channels + c) * inner
                        for i in 0..<inner { y[base + i] = x[base + i] * s[c] + t[c] }
                    }
                }
            }
        }
    }
}
