import Foundation

/// Runs a small TFLite graph op by op on plain float arrays: for models too small to be worth
/// compiling (BirdNET's location/week species prior: 3 inputs, four dense layers), whose ops
/// the convolutional importer does not take (SIN, comparisons, SELECT_V2, N-D STRIDED_SLICE).
/// Integers and booleans are carried as floats. Shapes come from the input, not the file.
struct TFLiteEvaluator: Sendable {
    /// A value: shape and row-major elements.
    struct Value: Sendable {
        /// Dimensions.
        var shape: [Int]
        /// Elements.
        var data: [Float]
    }

    private let model: TFLiteModel

    /// Prepares `model`; throws when it uses an operator this evaluator does not know.
    init(model: TFLiteModel) throws {
        let known: Set<Int> = [TFLiteOp.dequantize, TFLiteOp.stridedSlice, TFLiteOp.add, TFLiteOp.sub, TFLiteOp.mul, TFLiteOp.div,
                               TFLiteOp.expandDims, TFLiteOp.sin, TFLiteOp.greater, TFLiteOp.less, TFLiteOp.selectV2,
                               TFLiteOp.concatenation, TFLiteOp.fullyConnected, TFLiteOp.logistic, TFLiteOp.reshape]
        if let unknown = model.operations.first(where: { !known.contains($0.code) }) {
            throw InferenceError.unsupported("TFLite operator \(unknown.code)", node: model.tensors[unknown.outputs[0]].name)
        }
        self.model = model
    }

    /// The graph's first output for `input` (its first input).
    func run(_ input: Value) throws -> Value {
        var values: [Int: Value] = [model.inputs[0]: input]
        func operand(_ index: Int) throws -> Value {
            if let value = values[index] { return value }
            let tensor = model.tensors[index]
            guard let constant = tensor.constant else { throw InferenceError.invalidGraph("tensor '\(tensor.name)' has no value") }
            return Value(shape: tensor.shape, data: constant.floats)
        }
        for op in model.operations {
            let inputs = try op.inputs.map { $0 >= 0 ? try operand($0) : Value(shape: [0], data: []) }
            let activation = try model.options(of: op) { t -> Int in
                switch op.code {
                case TFLiteOp.add, TFLiteOp.sub, TFLiteOp.mul, TFLiteOp.div, TFLiteOp.fullyConnected: return Int(try t.scalar(0, Int8(0)))
                default: return 0
                }
            } ?? 0
            var out: Value
            switch op.code {
            case TFLiteOp.dequantize, TFLiteOp.reshape where op.inputs.count < 2:
                out = inputs[0]
            case TFLiteOp.reshape:
                out = Value(shape: inputs[1].data.map { Int($0) }, data: inputs[0].data)
            case TFLiteOp.add: out = try Self.broadcast(inputs[0], inputs[1], +)
            case TFLiteOp.sub: out = try Self.broadcast(inputs[0], inputs[1], -)
            case TFLiteOp.mul: out = try Self.broadcast(inputs[0], inputs[1], *)
            case TFLiteOp.div: out = try Self.broadcast(inputs[0], inputs[1], /)
            case TFLiteOp.greater: out = try Self.broadcast(inputs[0], inputs[1]) { $0 > $1 ? 1 : 0 }
            case TFLiteOp.less: out = try Self.broadcast(inputs[0], inputs[1]) { $0 < $1 ? 1 : 0 }
            case TFLiteOp.selectV2:
                let picked = try Self.broadcast(inputs[0], inputs[1]) { c, x in c != 0 ? x : .nan }
                out = try Self.broadcast(picked, inputs[2]) { p, y in p.isNaN ? y : p }
            case TFLiteOp.sin: out = Value(shape: inputs[0].shape, data: inputs[0].data.map { sinf($0) })
            case TFLiteOp.logistic: out = Value(shape: inputs[0].shape, data: inputs[0].data.map { 1 / (1 + expf(-$0)) })
            case TFLiteOp.expandDims:
                var axis = Int(inputs[1].data.first ?? 0)
                if axis < 0 { axis += inputs[0].shape.count + 1 }
                var shape = inputs[0].shape
                shape.insert(1, at: min(max(axis, 0), shape.count))
                out = Value(shape: shape, data: inputs[0].data)
            case TFLiteOp.concatenation:
                let rank = inputs[0].shape.count
                var axis = try model.options(of: op) { Int(try $0.scalar(0, Int32(0))) } ?? 0
                if axis < 0 { axis += rank }
                out = try Self.concatenate(inputs, axis: axis)
            case TFLiteOp.fullyConnected:
                out = try Self.dense(inputs[0], weights: inputs[1], bias: inputs.count > 2 && !inputs[2].data.isEmpty ? inputs[2] : nil)
            case TFLiteOp.stridedSlice:
                out = try slice(op, inputs)
            default:
                throw InferenceError.unsupported("TFLite operator \(op.code)", node: model.tensors[op.outputs[0]].name)
            }
            switch activation {
            case 0: break
            case 1: out.data = out.data.map { max($0, 0) }
            default: throw InferenceError.unsupported("fused activation \(activation)", node: model.tensors[op.outputs[0]].name)
            }
            values[op.outputs[0]] = out
        }
        return try operand(model.outputs[0])
    }

    /// STRIDED_SLICE with begin/end masks and shrunk axes (no ellipsis or new axes).
    private func slice(_ op: TFLiteModel.Operation, _ inputs: [Value]) throws -> Value {
        let source = inputs[0], rank = source.shape.count
        let (beginMask, endMask, ellipsis, newAxis, shrink) = try model.options(of: op) { t in
            (Int(try t.scalar(0, Int32(0))), Int(try t.scalar(1, Int32(0))), Int(try t.scalar(2, Int32(0))),
             Int(try t.scalar(3, Int32(0))), Int(try t.scalar(4, Int32(0))))
        } ?? (0, 0, 0, 0, 0)
        guard ellipsis == 0, newAxis == 0, inputs[1].data.count == rank else {
            throw InferenceError.unsupported("STRIDED_SLICE", node: model.tensors[op.outputs[0]].name, "ellipsis or new axes")
        }
        var ranges: [[Int]] = []
        for axis in 0..<rank {
            let size = source.shape[axis], step = Int(inputs[3].data[axis])
            guard step != 0 else { throw InferenceError.invalidGraph("STRIDED_SLICE with a zero stride") }
            func clamp(_ v: Int) -> Int { let w = v < 0 ? v + size : v; return step > 0 ? min(max(w, 0), size) : min(max(w, -1), size - 1) }
            var begin = beginMask & (1 << axis) != 0 ? (step > 0 ? 0 : size - 1) : clamp(Int(inputs[1].data[axis]))
            var end = endMask & (1 << axis) != 0 ? (step > 0 ? size : -1) : clamp(Int(inputs[2].data[axis]))
            if shrink & (1 << axis) != 0 { begin = clamp(Int(inputs[1].data[axis])); end = begin + 1 }
            var picked: [Int] = []
            while step > 0 ? begin < end : begin > end { picked.append(begin); begin += step }
            ranges.append(picked)
        }
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * source.shape[axis + 1] }
        var data: [Float] = []
        func walk(_ axis: Int, _ offset: Int) {
            if axis == rank { data.append(source.data[offset]); return }
            for i in ranges[axis] { walk(axis + 1, offset + i * strides[axis]) }
        }
        walk(0, 0)
        let shape = ranges.enumerated().filter { shrink & (1 << $0.offset) == 0 }.map(\.element.count)
        return Value(shape: shape, data: data)
    }

    /// numpy broadcasting of `f` over two values.
    static func broadcast(_ a: Value, _ b: Value, _ f: (Float, Float) -> Float) throws -> Value {
        let rank = max(a.shape.count, b.shape.count)
        let sa = [Int](repeating: 1, count: rank - a.shape.count) + a.shape, sb = [Int](repeating: 1, count: rank - b.shape.count) + b.shape
        var shape: [Int] = []
        for (x, y) in zip(sa, sb) {
            guard x == y || x == 1 || y == 1 else { throw InferenceError.invalidGraph("shapes \(a.shape) and \(b.shape) do not broadcast") }
            shape.append(max(x, y))
        }
        func strides(_ s: [Int]) -> [Int] {
            var out = [Int](repeating: 0, count: rank), step = 1
            for axis in stride(from: rank - 1, through: 0, by: -1) { out[axis] = s[axis] == 1 ? 0 : step; step *= s[axis] }
            return out
        }
        let ta = strides(sa), tb = strides(sb)
        let count = shape.reduce(1, *)
        var data = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        for position in 0..<count {
            var ia = 0, ib = 0
            for axis in 0..<rank { ia += index[axis] * ta[axis]; ib += index[axis] * tb[axis] }
            data[position] = f(a.data[ia], b.data[ib])
            var axis = rank - 1
            while axis >= 0 { index[axis] += 1; if index[axis] < shape[axis] { break }; index[axis] = 0; axis -= 1 }
        }
        return Value(shape: shape, data: data)
    }

    /// Concatenation along `axis`.
    static func concatenate(_ parts: [Value], axis: Int) throws -> Value {
        let shape0 = parts[0].shape
        let outer = shape0[..<axis].reduce(1, *), inner = shape0[(axis + 1)...].reduce(1, *)
        var shape = shape0
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        var data: [Float] = []
        data.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for part in parts {
                let block = part.shape[axis] * inner
                data += part.data[(o * block)..<((o + 1) * block)]
            }
        }
        return Value(shape: shape, data: data)
    }

    /// `input · weightsᵀ + bias` over the last axis.
    static func dense(_ input: Value, weights: Value, bias: Value?) throws -> Value {
        guard weights.shape.count == 2, let k = input.shape.last, weights.shape[1] == k else {
            throw InferenceError.invalidGraph("FULLY_CONNECTED: input \(input.shape), weights \(weights.shape)")
        }
        let rows = input.data.count / k, outputs = weights.shape[0]
        var data = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var sum: Float = bias?.data[o] ?? 0
                for i in 0..<k { sum += input.data[r * k + i] * weights.data[o * k + i] }
                data[r * outputs + o] = sum
            }
        }
        return Value(shape: [rows, outputs], data: data)
    }
}

/// BirdNET's location/week species prior (`BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite`):
/// for a place and a week of the 48-week year, how likely each of the 6,522 classes is to occur.
public final class SpeciesPrior: Sendable {
    private let evaluator: TFLiteEvaluator

    /// Loads the model at `url`.
    public init(contentsOf url: URL) throws {
        evaluator = try TFLiteEvaluator(model: try TFLiteModel(bytes: try modelFileBytes(url)))
    }

    /// The prior of every class at (`latitude`, `longitude`) in `week` (1–48, `AudioParams.week`; −1 for the whole year).
    public func occurrence(latitude: Double, longitude: Double, week: Int) throws -> [Float] {
        try evaluator.run(.init(shape: [1, 3], data: [Float(latitude), Float(longitude), Float(week)])).data
    }
}
