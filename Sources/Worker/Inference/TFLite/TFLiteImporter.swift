/// Translates the convolutional part of a TFLite graph (TensorFlow's NHWC layout) into the ONNX
/// form (NCHW) that `GraphBuilder` compiles, so TFLite models run on the engine's own kernels.
///
/// Shapes are computed here for one fixed input shape (TFLite stores placeholders for dimensions
/// that depend on the input length), and the shape arithmetic TensorFlow leaves in the graph
/// (SHAPE, STRIDED_SLICE, PACK feeding RESHAPE) is folded to constants. PAD is absorbed into the
/// convolution that reads it. Weights are transposed once: convolution kernels OHWI → OIHW,
/// depthwise 1HWC → C1HW, per-channel constants to broadcast over NCHW.
struct TFLiteImporter {
    /// What a TFLite tensor has become.
    private enum Value {
        /// Known at load time: values and TensorFlow shape.
        case constant(TFLiteModel.Constant, shape: [Int])
        /// Computed at run time: the ONNX value's name and the TensorFlow (NHWC) shape.
        case runtime(name: String, shape: [Int])
        /// A PAD whose only reader must be a convolution: the padded value and [top, left, bottom, right].
        case padded(name: String, shape: [Int], pads: [Int])
    }

    private let model: TFLiteModel
    private var values: [Int: Value] = [:]
    private var nodes: [OnnxNode] = []
    private var initializers: [OnnxTensor] = []
    private var counter = 0
    /// Operators already translated as part of an earlier one (the MUL of a swish).
    private var absorbed = Set<Int>()

    /// Imports `model`'s operators from `first` onward, fed by tensor `input` of TensorFlow shape `inputShape`
    /// (an ONNX input named `inputName`, NCHW when rank 4). The model's outputs become the graph's outputs.
    static func importGraph(_ model: TFLiteModel, from first: Int, input: Int, inputShape: [Int], inputName: String) throws -> OnnxModel {
        var importer = TFLiteImporter(model: model)
        importer.values[input] = .runtime(name: inputName, shape: inputShape)
        for index in first..<model.operations.count where !importer.absorbed.contains(index) {
            try importer.translate(model.operations[index], index: index)
        }
        var onnx = OnnxModel()
        onnx.opsets[""] = 13
        onnx.graph.nodes = importer.nodes
        onnx.graph.initializers = importer.initializers
        onnx.graph.inputs = [OnnxValueInfo(name: inputName, elementType: 1, shape: TFLiteImporter.onnxShape(inputShape))]
        onnx.graph.outputs = try model.outputs.map { index in
            guard case .runtime(let name, let shape)? = importer.values[index] else {
                throw InferenceError.invalidGraph("TFLite output '\(model.tensors[index].name)' is not computed")
            }
            return OnnxValueInfo(name: name, elementType: 1, shape: TFLiteImporter.onnxShape(shape))
        }
        return onnx
    }

    private init(model: TFLiteModel) { self.model = model }

    // MARK: - Operators

    private mutating func translate(_ op: TFLiteModel.Operation, index: Int) throws {
        let label = op.outputs.first.map { model.tensors[$0].name } ?? "operator \(index)"
        let inputs = op.inputs.map { $0 >= 0 ? values[$0] ?? constantValue($0) : nil }
        if inputs.allSatisfy({ if case .constant? = $0 { return true } else { return $0 == nil } }) || op.code == TFLiteOp.shape {
            let folded = try ShapeArithmetic.evaluate(op, inputs: op.inputs.map { $0 >= 0 ? constantOrShape(values[$0] ?? constantValue($0)) : nil },
                                                      model: model, label: label)
            values[op.outputs[0]] = .constant(folded.values, shape: folded.shape)
            return
        }
        switch op.code {
        case TFLiteOp.conv2D, TFLiteOp.depthwiseConv2D: try convolution(op, inputs, label)
        case TFLiteOp.averagePool, TFLiteOp.maxPool: try pool(op, inputs, label)
        case TFLiteOp.add, TFLiteOp.mul, TFLiteOp.sub, TFLiteOp.div: try binary(op, inputs, label)
        case TFLiteOp.logistic:
            let (name, shape) = try runtime(inputs[0], label)
            // x · sigmoid(x), the sigmoid read by nothing else, is one swish (fused into the convolution before it).
            let readers = model.operations.indices.filter { $0 > index && model.operations[$0].inputs.contains(op.outputs[0]) }
            if readers.count == 1, !model.outputs.contains(op.outputs[0]), model.operations[readers[0]].code == TFLiteOp.mul,
               Set(model.operations[readers[0]].inputs) == [op.inputs[0], op.outputs[0]] {
                absorbed.insert(readers[0])
                values[model.operations[readers[0]].outputs[0]] = .runtime(name: emit("Swish", [name], label), shape: shape)
            } else {
                values[op.outputs[0]] = .runtime(name: emit("Sigmoid", [name], label), shape: shape)
            }
        case TFLiteOp.pad: try pad(op, inputs, label)
        case TFLiteOp.concatenation: try concatenation(op, inputs, label)
        case TFLiteOp.mean: try mean(op, inputs, label)
        case TFLiteOp.reshape: try reshape(op, inputs, label)
        case TFLiteOp.fullyConnected: try fullyConnected(op, inputs, label)
        default:
            throw InferenceError.unsupported("TFLite operator \(op.code)", node: label)
        }
    }

    private mutating func convolution(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let depthwise = op.code == TFLiteOp.depthwiseConv2D
        var source: String, shape: [Int], explicit = [0, 0, 0, 0]
        switch inputs[0] {
        case .padded(let name, let padded, let pads)?: (source, shape, explicit) = (name, padded, pads)
        default: (source, shape) = try runtime(inputs[0], label)
        }
        guard shape.count == 4, case .constant(let kernel, let kernelShape)? = inputs[1], kernelShape.count == 4 else {
            throw InferenceError.unsupported("CONV_2D", node: label, "a non-constant or non-4-D kernel")
        }
        // Options: padding, stride_w, stride_h, [depth_multiplier,] activation, dilation_w, dilation_h.
        let o = depthwise ? 1 : 0
        let (padding, strideW, strideH, activation, dilationW, dilationH) = try model.options(of: op) { t in
            (Int(try t.scalar(0, Int8(0))), Int(try t.scalar(1, Int32(1))), Int(try t.scalar(2, Int32(1))),
             Int(try t.scalar(3 + o, Int8(0))), Int(try t.scalar(4 + o, Int32(1))), Int(try t.scalar(5 + o, Int32(1))))
        } ?? (0, 1, 1, 0, 1, 1)
        let (kh, kw) = (kernelShape[1], kernelShape[2])
        let inH = shape[1] + explicit[0] + explicit[2], inW = shape[2] + explicit[1] + explicit[3]
        let (outH, top, bottom) = TFLiteImporter.window(inH, kh, strideH, dilationH, same: padding == 0)
        let (outW, left, right) = TFLiteImporter.window(inW, kw, strideW, dilationW, same: padding == 0)
        let channels = shape[3]
        let weights: OnnxTensor, outChannels: Int
        if depthwise {
            outChannels = kernelShape[3]
            // [1, KH, KW, C·M] → [C·M, 1, KH, KW].
            weights = constantTensor(TFLiteImporter.permute(kernel.floats, kernelShape, [3, 0, 1, 2]), [outChannels, 1, kh, kw])
        } else {
            outChannels = kernelShape[0]
            // [O, KH, KW, I] → [O, I, KH, KW].
            weights = constantTensor(TFLiteImporter.permute(kernel.floats, kernelShape, [0, 3, 1, 2]), [outChannels, kernelShape[3], kh, kw])
        }
        var conv = [source, weights.name]
        if op.inputs.count > 2, op.inputs[2] >= 0, case .constant(let bias, _)? = inputs[2] {
            conv.append(constantTensor(bias.floats, [outChannels]).name)
        }
        let attributes: [String: OnnxAttribute] = [
            "kernel_shape": .ints([Int64(kh), Int64(kw)]), "strides": .ints([Int64(strideH), Int64(strideW)]),
            "dilations": .ints([Int64(dilationH), Int64(dilationW)]), "group": .int(Int64(depthwise ? channels : 1)),
            "pads": .ints([explicit[0] + top, explicit[1] + left, explicit[2] + bottom, explicit[3] + right].map(Int64.init)),
        ]
        let output = try activate(emit("Conv", conv, label, attributes), activation, label)
        values[op.outputs[0]] = .runtime(name: output, shape: [shape[0], outH, outW, outChannels])
    }

    private mutating func pool(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let (source, shape) = try runtime(inputs[0], label)
        let (padding, strideW, strideH, filterW, filterH, activation) = try model.options(of: op) { t in
            (Int(try t.scalar(0, Int8(0))), Int(try t.scalar(1, Int32(1))), Int(try t.scalar(2, Int32(1))),
             Int(try t.scalar(3, Int32(1))), Int(try t.scalar(4, Int32(1))), Int(try t.scalar(5, Int8(0))))
        } ?? (0, 1, 1, 1, 1, 0)
        let (outH, top, bottom) = TFLiteImporter.window(shape[1], filterH, strideH, 1, same: padding == 0)
        let (outW, left, right) = TFLiteImporter.window(shape[2], filterW, strideW, 1, same: padding == 0)
        // TFLite's average excludes padded cells, as ONNX's count_include_pad = 0 does.
        let attributes: [String: OnnxAttribute] = [
            "kernel_shape": .ints([Int64(filterH), Int64(filterW)]), "strides": .ints([Int64(strideH), Int64(strideW)]),
            "pads": .ints([top, left, bottom, right].map(Int64.init)),
        ]
        let kind = op.code == TFLiteOp.maxPool ? "MaxPool" : "AveragePool"
        let output = try activate(emit(kind, [source], label, attributes), activation, label)
        values[op.outputs[0]] = .runtime(name: output, shape: [shape[0], outH, outW, shape[3]])
    }

    private mutating func binary(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        var names: [String] = [], shapes: [[Int]] = []
        // The runtime operand's rank decides how a constant one is laid out.
        let rank = inputs.compactMap { value -> Int? in
            if case .runtime(_, let shape)? = value { return shape.count } else { return nil }
        }.max() ?? 0
        for value in inputs.prefix(2) {
            switch value {
            case .runtime(let name, let shape)?: names.append(name); shapes.append(shape)
            case .constant(let constant, let shape)?:
                var padded = [Int](repeating: 1, count: max(0, rank - shape.count)) + shape
                var data = constant.floats
                if padded.count == 4 {
                    data = TFLiteImporter.permute(data, padded, [0, 3, 1, 2])
                    padded = TFLiteImporter.onnxShape(padded)
                    names.append(constantTensor(data, padded).name)
                    shapes.append([padded[0], padded[2], padded[3], padded[1]])
                } else {
                    names.append(constantTensor(data, padded).name); shapes.append(padded)
                }
            default: throw InferenceError.unsupported("binary operator", node: label, "an operand that is neither computed nor constant")
            }
        }
        guard shapes[0].count == shapes[1].count else {
            throw InferenceError.unsupported("binary operator", node: label, "operands of ranks \(shapes[0].count) and \(shapes[1].count)")
        }
        let kind = [TFLiteOp.add: "Add", TFLiteOp.mul: "Mul", TFLiteOp.sub: "Sub", TFLiteOp.div: "Div"][op.code]!
        let activation = try model.options(of: op) { Int(try $0.scalar(0, Int8(0))) } ?? 0
        let output = try activate(emit(kind, names, label), activation, label)
        values[op.outputs[0]] = .runtime(name: output, shape: zip(shapes[0], shapes[1]).map { max($0, $1) })
    }

    private mutating func pad(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let (source, shape) = try runtime(inputs[0], label)
        guard shape.count == 4, case .constant(let amounts, _)? = inputs[1] else {
            throw InferenceError.unsupported("PAD", node: label, "non-constant paddings")
        }
        let p = amounts.integers
        guard p.count == 8, p[0] == 0, p[1] == 0, p[6] == 0, p[7] == 0 else {
            throw InferenceError.unsupported("PAD", node: label, "padding outside the spatial axes")
        }
        values[op.outputs[0]] = .padded(name: source, shape: shape, pads: [p[2], p[4], p[3], p[5]])
    }

    private mutating func concatenation(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let parts = try inputs.map { try runtime($0, label) }
        let rank = parts[0].1.count
        var axis = try model.options(of: op) { Int(try $0.scalar(0, Int32(0))) } ?? 0
        if axis < 0 { axis += rank }
        let activation = try model.options(of: op) { Int(try $0.scalar(1, Int8(0))) } ?? 0
        var shape = parts[0].1
        shape[axis] = parts.map { $0.1[axis] }.reduce(0, +)
        let onnxAxis = rank == 4 ? [0, 2, 3, 1][axis] : axis
        let output = try activate(emit("Concat", parts.map(\.0), label, ["axis": .int(Int64(onnxAxis))]), activation, label)
        values[op.outputs[0]] = .runtime(name: output, shape: shape)
    }

    private mutating func mean(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let (source, shape) = try runtime(inputs[0], label)
        guard case .constant(let axesValue, _)? = inputs[1], shape.count == 4,
              Set(axesValue.integers.map { $0 < 0 ? $0 + 4 : $0 }) == [1, 2] else {
            throw InferenceError.unsupported("MEAN", node: label, "a mean over anything but the spatial axes")
        }
        let keep = try model.options(of: op) { try $0.scalar(0, UInt8(0)) != 0 } ?? false
        let pooled = emit("GlobalAveragePool", [source], label)
        if keep {
            values[op.outputs[0]] = .runtime(name: pooled, shape: [shape[0], 1, 1, shape[3]])
        } else {
            let flat = emit("Reshape", [pooled, constantTensor([Float(shape[0]), Float(shape[3])], [2], integer: true).name], label)
            values[op.outputs[0]] = .runtime(name: flat, shape: [shape[0], shape[3]])
        }
    }

    private mutating func reshape(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let (source, shape) = try runtime(inputs[0], label)
        var target: [Int]
        if inputs.count > 1, case .constant(let given, _)? = inputs[1] {
            target = given.integers
        } else {
            target = try model.options(of: op) { try $0.int32s(0) } ?? []
        }
        let count = shape.reduce(1, *)
        if let unknown = target.firstIndex(of: -1) {
            target[unknown] = count / max(1, target.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *))
        }
        guard target.reduce(1, *) == count else {
            throw InferenceError.invalidGraph("RESHAPE '\(label)': \(shape) cannot become \(target)")
        }
        // Data must be in TensorFlow's order while it is reshaped: rank-4 values whose NCHW order
        // differs from NHWC go through a transpose on the way in and out.
        var name = source
        if TFLiteImporter.needsTranspose(shape) { name = emit("Transpose", [name], label, ["perm": .ints([0, 2, 3, 1])]) }
        let layout = TFLiteImporter.needsTranspose(target) ? [target[0], target[1], target[2], target[3]] : TFLiteImporter.onnxShape(target)
        name = emit("Reshape", [name, constantTensor(layout.map(Float.init), [layout.count], integer: true).name], label)
        if TFLiteImporter.needsTranspose(target) { name = emit("Transpose", [name], label, ["perm": .ints([0, 3, 1, 2])]) }
        values[op.outputs[0]] = .runtime(name: name, shape: target)
    }

    private mutating func fullyConnected(_ op: TFLiteModel.Operation, _ inputs: [Value?], _ label: String) throws {
        let (source, shape) = try runtime(inputs[0], label)
        guard shape.count == 2, case .constant(let weights, let weightShape)? = inputs[1], weightShape.count == 2,
              weightShape[1] == shape[1] else {
            throw InferenceError.unsupported("FULLY_CONNECTED", node: label, "input \(shape) with non-constant or mismatched weights")
        }
        var gemm = [source, constantTensor(weights.floats, weightShape).name]
        if op.inputs.count > 2, op.inputs[2] >= 0, case .constant(let bias, _)? = inputs[2] {
            gemm.append(constantTensor(bias.floats, [weightShape[0]]).name)
        }
        let activation = try model.options(of: op) { Int(try $0.scalar(0, Int8(0))) } ?? 0
        let output = try activate(emit("Gemm", gemm, label, ["transB": .int(1)]), activation, label)
        values[op.outputs[0]] = .runtime(name: output, shape: [shape[0], weightShape[0]])
    }

    // MARK: - Helpers

    /// The runtime value of an operand, or an error naming the operator.
    private func runtime(_ value: Value?, _ label: String) throws -> (String, [Int]) {
        switch value {
        case .runtime(let name, let shape)?: return (name, shape)
        case .padded?: throw InferenceError.unsupported("PAD", node: label, "a padded value read by something other than a convolution")
        default: throw InferenceError.unsupported("TFLite operator", node: label, "an operand that is not computed")
        }
    }

    /// A constant tensor of the file as a value (nil for activations).
    private func constantValue(_ index: Int) -> Value? {
        let tensor = model.tensors[index]
        return tensor.constant.map { .constant($0, shape: tensor.shape) }
    }

    /// Constants, and runtime values reduced to their shape (all SHAPE needs).
    private func constantOrShape(_ value: Value?) -> ShapeArithmetic.Operand? {
        switch value {
        case .constant(let values, let shape)?: return .constant(values, shape: shape)
        case .runtime(_, let shape)?, .padded(_, let shape, _)?: return .shapeOnly(shape)
        case nil: return nil
        }
    }

    /// Appends a node and returns its output's name.
    private mutating func emit(_ type: String, _ inputs: [String], _ label: String, _ attributes: [String: OnnxAttribute] = [:]) -> String {
        counter += 1
        let output = "\(label)#\(counter)"
        nodes.append(OnnxNode(name: output, opType: type, inputs: inputs, outputs: [output], attributes: attributes))
        return output
    }

    /// Applies a TFLite fused activation (0 none, 1 RELU, 3 RELU6) to `name`.
    private mutating func activate(_ name: String, _ activation: Int, _ label: String) throws -> String {
        switch activation {
        case 0: return name
        case 1: return emit("Relu", [name], label)
        case 3: return emit("Clip", [name, constantTensor([0], []).name, constantTensor([6], []).name], label)
        default: throw InferenceError.unsupported("fused activation \(activation)", node: label)
        }
    }

    /// Registers a float (or, for shapes, integer) constant and returns it.
    private mutating func constantTensor(_ data: [Float], _ shape: [Int], integer: Bool = false) -> OnnxTensor {
        counter += 1
        let tensor = integer
            ? OnnxTensor(name: "const#\(counter)", shape: shape, elementType: .int64, storage: .integers(data.map { Int64($0) }))
            : OnnxTensor(name: "const#\(counter)", shape: shape, elementType: .float, storage: .floats(data))
        initializers.append(tensor)
        return tensor
    }

    /// Output length and padding (before, after) of a sliding window, as TensorFlow computes SAME and VALID.
    static func window(_ size: Int, _ kernel: Int, _ stride: Int, _ dilation: Int, same: Bool) -> (Int, Int, Int) {
        let span = (kernel - 1) * dilation + 1
        guard same else { return ((size - span) / stride + 1, 0, 0) }
        let out = (size + stride - 1) / stride
        let total = max((out - 1) * stride + span - size, 0)
        return (out, total / 2, total - total / 2)
    }

    /// NHWC → NCHW for rank-4 shapes; others unchanged.
    static func onnxShape(_ shape: [Int]) -> [Int] {
        shape.count == 4 ? [shape[0], shape[3], shape[1], shape[2]] : shape
    }

    /// Whether a rank-4 value's NHWC and NCHW memory orders differ.
    static func needsTranspose(_ shape: [Int]) -> Bool {
        shape.count == 4 && shape[3] > 1 && shape[1] * shape[2] > 1
    }

    /// `data` of `shape` with its axes reordered: output axis i is input axis `order[i]`.
    static func permute(_ data: [Float], _ shape: [Int], _ order: [Int]) -> [Float] {
        let outShape = order.map { shape[$0] }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let sourceStrides = order.map { strides[$0] }
        var out = [Float](repeating: 0, count: data.count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<data.count {
            var offset = 0
            for axis in 0..<index.count { offset += index[axis] * sourceStrides[axis] }
            out[position] = data[offset]
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}

extension TFLiteModel.Constant {
    /// Values as floats.
    var floats: [Float] {
        switch self {
        case .floats(let values): return values
        case .integers(let values): return values.map(Float.init)
        }
    }

    /// Values as integers (floats truncated).
    var integers: [Int] {
        switch self {
        case .integers(let values): return values
        case .floats(let values): return values.map { Int($0) }
        }
    }
}
