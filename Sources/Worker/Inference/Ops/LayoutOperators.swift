/// Transpose with an arbitrary permutation.
final class TransposeOperator: Operator {
    private let perm: [Int]?

    /// `perm` nil reverses the dimensions (the ONNX default).
    init(perm: [Int]?) { self.perm = perm }

    private func permutation(_ rank: Int) -> [Int] { perm ?? Array((0..<rank).reversed()) }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        let p = permutation(inputs[0].count)
        guard p.count == inputs[0].count, Set(p) == Set(0..<p.count) else {
            throw InferenceError.invalidGraph("Transpose perm \(p) does not fit input \(inputs[0])")
        }
        return [p.map { inputs[0][$0] }]
    }

    func run(_ call: OpCall) {
        let shape = call.inputShapes[0], out = call.outputShapes[0]
        let p = permutation(shape.count)
        var inputStrides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) { inputStrides[d] = inputStrides[d + 1] * shape[d + 1] }
        // Output dimension d walks the input with the stride of input dimension p[d].
        let walk = p.map { inputStrides[$0] }
        let x = call.inputs[0], y = call.outputs[0]
        Broadcast.forEach(out, walk, walk) { o, i, _ in y[o] = x[i] }
    }
}

/// Concat along one axis.
final class ConcatOperator: Operator {
    private let axis: Int

    /// Concatenates along `axis` (negative counts from the end).
    init(axis: Int) { self.axis = axis }

    private func normalized(_ rank: Int) -> Int { axis < 0 ? axis + rank : axis }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        let a = normalized(inputs[0].count)
        guard a >= 0, a < inputs[0].count else { throw InferenceError.invalidGraph("Concat axis \(axis) out of range") }
        var shape = inputs[0]
        shape[a] = 0
        for s in inputs {
            var other = s
            other[a] = 0
            guard other == { var t = inputs[0]; t[a] = 0; return t }() else {
                throw InferenceError.invalidGraph("Concat inputs \(inputs) differ outside axis \(a)")
            }
            shape[a] += s[a]
        }
        return [shape]
    }

    func run(_ call: OpCall) {
        let out = call.outputShapes[0]
        let a = normalized(out.count)
        let outer = elementCount(Array(out[..<a])), inner = elementCount(Array(out[(a + 1)...]))
        var offset = 0
        for (input, shape) in zip(call.inputs, call.inputShapes) {
            let chunk = shape[a] * inner
            for o in 0..<outer {
                (call.outputs[0] + o * out[a] * inner + offset).update(from: input + o * chunk, count: chunk)
            }
            offset += chunk
        }
    }
}
