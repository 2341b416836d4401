/// Element-wise binary arithmetic with numpy (multidirectional) broadcasting: Add, Sub, Mul, Div, PRelu.
final class BinaryOperator: Operator {
    /// The arithmetic performed.
    enum Kind: Sendable { case add, sub, mul, div, prelu }
    private let kind: Kind

    /// An operator computing `kind`.
    init(_ kind: Kind) { self.kind = kind }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        [try Broadcast.shape(inputs[0], inputs[1])]
    }

    func run(_ call: OpCall) {
        switch kind {
        case .add: apply(call) { $0 + $1 }
        case .sub: apply(call) { $0 - $1 }
        case .mul: apply(call) { $0 * $1 }
        case .div: apply(call) { $0 / $1 }
        case .prelu: apply(call) { $0 < 0 ? $0 * $1 : $0 }
        }
    }

    @inline(__always)
    private func apply(_ call: OpCall, _ f: (Float, Float) -> Float) {
        let a = call.inputs[0], b = call.inputs[1], out = call.outputs[0]
        let shapeA = call.inputShapes[0], shapeB = call.inputShapes[1], shape = call.outputShapes[0]
        let count = elementCount(shape)
        let countA = elementCount(shapeA), countB = elementCount(shapeB)
        if countA == count && countB == count {
            // Plain loops: the closures inline and LLVM vectorises them.
            for i in 0..<count { out[i] = f(a[i], b[i]) }
        } else if countB == 1 && countA == count {
            let s = b[0]
            for i in 0..<count { out[i] = f(a[i], s) }
        } else if countA == 1 && countB == count {
            let s = a[0]
            for i in 0..<count { out[i] = f(s, b[i]) }
        } else {
            let stridesA = Broadcast.strides(shapeA, to: shape), stridesB = Broadcast.strides(shapeB, to: shape)
            Broadcast.forEach(shape, stridesA, stridesB) { o, ia, ib in out[o] = f(a[ia], b[ib]) }
        }
    }
}

/// numpy broadcasting rules.
enum Broadcast {
    /// The broadcast shape of two shapes (aligned on the right).
    static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return try zip(pa, pb).map { x, y in
            guard x == y || x == 1 || y == 1 else { throw InferenceError.invalidGraph("cannot broadcast \(a) with \(b)") }
            return x == 1 ? y : x
        }
    }

    /// Element strides of `shape` viewed as `output` (0 along broadcast dimensions).
    static func strides(_ shape: [Int], to output: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: output.count - shape.count) + shape
        var strides = [Int](repeating: 0, count: output.count)
        var step = 1
        for d in stride(from: output.count - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : step
            step *= padded[d]
        }
        return strides
    }

    /// Calls `body(outputIndex, indexA, indexB)` for every output element in row-major order.
    @inline(__always)
    static func forEach(_ shape: [Int], _ sa: [Int], _ sb: [Int], _ body: (Int, Int, Int) -> Void) {
        let rank = shape.count
        guard rank > 0 else { body(0, 0, 0); return }
        let count = elementCount(shape)
        guard count > 0 else { return }
        var index = [Int](repeating: 0, count: rank)
        var ia = 0, ib = 0
        let inner = shape[rank - 1], innerA = sa[rank - 1], innerB = sb[rank - 1]
        var o = 0
        while o < count {
            for x in 0..<inner { body(o + x, ia + x * innerA, ib + x * innerB) }
            o += inner
            // Advance the odometer over the outer dimensions.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                ia += sa[d]
                ib += sb[d]
                if index[d] < shape[d] { break }
                ia -= sa[d] * shape[d]
                ib -= sb[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
