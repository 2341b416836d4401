/// Evaluates at load time the integer arithmetic TensorFlow leaves in a TFLite graph to compute
/// shapes (SHAPE → STRIDED_SLICE → PACK → RESHAPE and the like), for the one input shape the
/// graph is imported for, and any other operator whose inputs are all constants.
enum ShapeArithmetic {
    /// An operand: a constant, or a computed tensor of which only the shape is known.
    enum Operand {
        /// Values and shape.
        case constant(TFLiteModel.Constant, shape: [Int])
        /// A runtime tensor's shape.
        case shapeOnly([Int])
    }

    /// The folded result of `op`, or an error naming what cannot be folded.
    static func evaluate(_ op: TFLiteModel.Operation, inputs: [Operand?], model: TFLiteModel, label: String)
        throws -> (values: TFLiteModel.Constant, shape: [Int]) {
        func constant(_ i: Int) throws -> (TFLiteModel.Constant, [Int]) {
            guard i < inputs.count, case .constant(let values, let shape)? = inputs[i] else {
                throw InferenceError.unsupported("TFLite operator \(op.code)", node: label, "input \(i) is not constant")
            }
            return (values, shape)
        }
        func ints(_ i: Int) throws -> [Int] { try constant(i).0.integers }
        switch op.code {
        case TFLiteOp.shape:
            switch inputs.first {
            case .shapeOnly(let shape)??: return (.integers(shape), [shape.count])
            case .constant(_, let shape)??: return (.integers(shape), [shape.count])
            default: throw InferenceError.invalidGraph("SHAPE '\(label)' has no input")
            }
        case TFLiteOp.dequantize, TFLiteOp.cast:
            return try constant(0)
        case TFLiteOp.reshape:
            let (values, _) = try constant(0)
            let target = inputs.count > 1 ? try ints(1) : [values.integers.count]
            return (values, target)
        case TFLiteOp.stridedSlice:
            let (values, shape) = try constant(0)
            guard shape.count <= 1 else { throw InferenceError.unsupported("STRIDED_SLICE", node: label, "folding beyond 1-D") }
            let masks = try model.options(of: op) { t in
                (Int(try t.scalar(0, Int32(0))), Int(try t.scalar(1, Int32(0))), Int(try t.scalar(4, Int32(0))))
            } ?? (0, 0, 0)
            let all = values.integers, n = all.count
            let step = try ints(3).first ?? 1
            guard step != 0 else { throw InferenceError.invalidGraph("STRIDED_SLICE '\(label)' has a zero stride") }
            func clamp(_ v: Int) -> Int { let w = v < 0 ? v + n : v; return step > 0 ? min(max(w, 0), n) : min(max(w, -1), n - 1) }
            var begin = masks.0 & 1 != 0 ? (step > 0 ? 0 : n - 1) : clamp(try ints(1).first ?? 0)
            let end = masks.1 & 1 != 0 ? (step > 0 ? n : -1) : clamp(try ints(2).first ?? n)
            if masks.2 & 1 != 0 {
                guard begin >= 0, begin < n else { throw InferenceError.invalidGraph("STRIDED_SLICE '\(label)' index out of range") }
                return (.integers([all[begin]]), [])
            }
            var picked: [Int] = []
            while step > 0 ? begin < end : begin > end { picked.append(all[begin]); begin += step }
            return (.integers(picked), [picked.count])
        case TFLiteOp.pack, TFLiteOp.concatenation:
            let parts = try (0..<inputs.count).map { try ints($0) }
            let joined = parts.flatMap { $0 }
            return (.integers(joined), [joined.count])
        case TFLiteOp.gather:
            let (values, _) = try constant(0)
            let all = values.integers
            let picked = try ints(1).map { i -> Int in
                guard i >= 0, i < all.count else { throw InferenceError.invalidGraph("GATHER '\(label)' index \(i) out of range") }
                return all[i]
            }
            return (.integers(picked), inputs.count > 1 ? (try constant(1).1) : [picked.count])
        case TFLiteOp.reduceProd:
            return (.integers([try ints(0).reduce(1, *)]), [])
        case TFLiteOp.add, TFLiteOp.sub, TFLiteOp.mul, TFLiteOp.floorDiv, TFLiteOp.maximum:
            let (a, shapeA) = try constant(0), (b, shapeB) = try constant(1)
            guard case .integers(let x) = a, case .integers(let y) = b, x.count == y.count || x.count == 1 || y.count == 1 else {
                throw InferenceError.unsupported("TFLite operator \(op.code)", node: label, "folding float or unbroadcastable constants")
            }
            let count = max(x.count, y.count)
            let result = try (0..<count).map { i -> Int in
                let l = x[x.count == 1 ? 0 : i], r = y[y.count == 1 ? 0 : i]
                switch op.code {
                case TFLiteOp.add: return l + r
                case TFLiteOp.sub: return l - r
                case TFLiteOp.mul: return l * r
                case TFLiteOp.maximum: return max(l, r)
                default:
                    guard r != 0 else { throw InferenceError.invalidGraph("FLOOR_DIV '\(label)' divides by zero") }
                    return Int((Double(l) / Double(r)).rounded(.down))
                }
            }
            return (.integers(result), x.count >= y.count ? shapeA : shapeB)
        default:
            throw InferenceError.unsupported("TFLite operator \(op.code)", node: label, "constant folding")
        }
    }
}
