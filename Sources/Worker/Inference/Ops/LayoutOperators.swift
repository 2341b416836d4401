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
        let rank = shape.count
        let x = call.inputs[0], y = call.outputs[0]
        // Small per-run tables live on the stack (no heap allocation per inference).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * max(rank, 1)) { table in
            let walk = table.baseAddress!, index = walk + rank, inputStrides = index + rank
            var step = 1
            for d in stride(from: rank - 1, through: 0, by: -1) { inputStrides[d] = step; step *= shape[d] }
            // Output dimension d walks the input with the stride of input dimension perm[d].
            for d in 0..<rank { walk[d] = inputStrides[perm?[d] ?? (rank - 1 - d)]; index[d] = 0 }
            let count = elementCount(out)
            guard rank > 0, count > 0 else { if count > 0 { y[0] = x[0] }; return }
            let inner = out[rank - 1], innerStride = walk[rank - 1]
            var source = 0, o = 0
            while o < count {
                for i in 0..<inner { y[o + i] = x[source + i * innerStride] }
                o += inner
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    source += walk[d]
                    if index[d] < out[d] { break }
                    source -= walk[d] * out[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
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
        var outer = 1, inner = 1
        for d in out[..<a] { outer *= d }
        for d in out[(a + 1)...] { inner *= d }
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
