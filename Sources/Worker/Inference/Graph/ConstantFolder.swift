/// Evaluates, at load time, the ops that act on constant tensors in the supported models:
/// weight dequantisation and the reshapes around it. Returns nil for ops it leaves to run time.
enum ConstantFolder {
    /// Outputs of `node` given its constant inputs (nil entries are omitted optional inputs).
    static func evaluate(_ node: OnnxNode, inputs: [OnnxTensor?]) throws -> [OnnxTensor]? {
        let name = node.outputs.first ?? ""
        switch node.opType {
        case "Constant":
            guard case .tensor(var t)? = node.attributes["value"] else {
                if case .float(let v)? = node.attributes["value_float"] {
                    return [OnnxTensor(name: name, shape: [], elementType: .float, storage: .floats([v]))]
                }
                if case .ints(let v)? = node.attributes["value_ints"] {
                    return [OnnxTensor(name: name, shape: [v.count], elementType: .int64, storage: .integers(v))]
                }
                throw InferenceError.unsupported("Constant", node: node.label, "only tensor, float and ints values")
            }
            t.name = name
            return [t]
        case "Identity", "Dropout":
            guard var t = inputs.first ?? nil else { return nil }
            t.name = name
            return [t]
        case "Reshape", "Flatten", "Unsqueeze", "Squeeze":
            guard var t = inputs.first ?? nil else { return nil }
            t.shape = try ShapeRules.reshaped(node, input: t.shape, shapeArgument: inputs.count > 1 ? inputs[1]?.integers : nil)
            t.name = name
            return [t]
        case "DequantizeLinear":
            return [try dequantize(node, inputs)]
        default:
            return nil
        }
    }

    /// `(x - zero_point) * scale`, per tensor, per axis, or per block along `axis` (opset 21 `block_size`).
    static func dequantize(_ node: OnnxNode, _ inputs: [OnnxTensor?]) throws -> OnnxTensor {
        guard inputs.count >= 2, let x = inputs[0], let scale = inputs[1] else {
            throw InferenceError.invalidGraph("DequantizeLinear '\(node.label)' needs x and x_scale")
        }
        let zero = inputs.count > 2 ? inputs[2] : nil
        let rank = x.shape.count
        var axis = try node.int("axis", 1)
        if axis < 0 { axis += rank }
        let blockSize = try node.int("block_size", 0)
        guard blockSize >= 0, blockSize <= maximumElementCount else {
            throw InferenceError.invalidGraph("DequantizeLinear '\(node.label)' block_size \(blockSize)")
        }
        let values = x.floats, scales = scale.floats
        let zeros = zero?.floats ?? [Float](repeating: 0, count: scales.count)
        guard zeros.count == scales.count else {
            throw InferenceError.invalidGraph("DequantizeLinear '\(node.label)' scale and zero point sizes differ")
        }
        var result = [Float](repeating: 0, count: values.count)
        if scales.count == 1 && blockSize == 0 {
            for i in values.indices { result[i] = (values[i] - zeros[0]) * scales[0] }
        } else {
            guard rank > 0, axis >= 0, axis < rank else {
                throw InferenceError.invalidGraph("DequantizeLinear '\(node.label)' axis out of range")
            }
            let dim = x.shape[axis]
            let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
            let blocks: Int
            if blockSize > 0 {
                blocks = (dim + blockSize - 1) / blockSize
                var expected = x.shape
                expected[axis] = blocks
                guard scale.shape == expected else {
                    throw InferenceError.invalidGraph("DequantizeLinear '\(node.label)' block scale shape \(scale.shape), expected \(expected)")
                }
            } else {
                guard scales.count == dim else {
                    throw InferenceError.invalidGraph("DequantizeLinear '\(node.label)' per-axis scale size \(scales.count) != \(dim)")
                }
                blocks = dim
            }
            let step = max(blockSize, 1)
            for o in 0..<outer {
                for d in 0..<dim {
                    // Per-axis scales are indexed by d alone; blocked scales keep the outer and inner coordinates.
                    let base = o * dim * inner + d * inner
                    for i in 0..<inner {
                        let s = blockSize > 0 ? (o * blocks + d / step) * inner + i : d
                        result[base + i] = (values[base + i] - zeros[s]) * scales[s]
                    }
                }
            }
        }
        return OnnxTensor(name: node.outputs.first ?? "", shape: x.shape, elementType: .float, storage: .floats(result))
    }
}

/// Shape arithmetic shared by constant folding and the runtime reshape operators.
enum ShapeRules {
    /// Output shape of Reshape (0 copies, -1 infers), Flatten, Unsqueeze or Squeeze.
    static func reshaped(_ node: OnnxNode, input: [Int], shapeArgument: [Int64]?) throws -> [Int] {
        guard let count = checkedCount(input) else {
            throw InferenceError.invalidGraph("\(node.opType) '\(node.label)' input \(input) is too large")
        }
        switch node.opType {
        case "Flatten":
            var axis = try node.int("axis", 1)
            if axis < 0 { axis += input.count }
            guard axis >= 0, axis <= input.count else { throw InferenceError.invalidGraph("Flatten '\(node.label)' axis") }
            // Both factors divide `count`, which is already bounded.
            return [input[..<axis].reduce(1, *), input[axis...].reduce(1, *)]
        case "Unsqueeze", "Squeeze":
            let axes = try shapeArgument.map { $0.map { Int($0) } } ?? node.ints("axes", [])
            guard axes.count <= 16, axes.allSatisfy({ abs($0) <= 32 }) else {
                throw InferenceError.invalidGraph("\(node.opType) '\(node.label)' has invalid axes \(axes)")
            }
            var result: [Int] = []
            if node.opType == "Squeeze" {
                let normal = Set(axes.map { $0 < 0 ? $0 + input.count : $0 })
                result = input.enumerated().filter { axes.isEmpty ? $0.element != 1 : !normal.contains($0.offset) }.map(\.element)
            } else {
                let rank = input.count + axes.count
                let normal = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
                var source = input.makeIterator()
                for i in 0..<rank { result.append(normal.contains(i) ? 1 : (source.next() ?? 1)) }
            }
            guard checkedCount(result) == count else {
                throw InferenceError.invalidGraph("\(node.opType) '\(node.label)' of \(input) with axes \(axes) changes the element count")
            }
            return result
        default:
            guard let spec = shapeArgument else {
                throw InferenceError.unsupported("Reshape", node: node.label, "the shape input must be a constant")
            }
            let allowZero = try node.int("allowzero", 0) == 1
            guard spec.allSatisfy({ $0 >= -1 && $0 <= Int64(maximumElementCount) }), spec.filter({ $0 == -1 }).count <= 1 else {
                throw InferenceError.invalidGraph("Reshape '\(node.label)' has an invalid shape \(spec)")
            }
            var shape = spec.enumerated().map { i, d -> Int in
                d == 0 && !allowZero ? (i < input.count ? input[i] : 0) : Int(d)
            }
            if let unknown = shape.firstIndex(of: -1) {
                var known = shape
                known.remove(at: unknown)
                guard let product = checkedCount(known), product > 0, count % product == 0 else {
                    throw InferenceError.invalidGraph("Reshape '\(node.label)' cannot infer -1 for \(input) -> \(spec)")
                }
                shape[unknown] = count / product
            }
            guard checkedCount(shape) == count else {
                throw InferenceError.invalidGraph("Reshape '\(node.label)' of \(input) to \(spec) changes the element count")
            }
            return shape
        }
    }
}
