/// Maps an ONNX node to a runtime operator; anything not listed is rejected at load with its name.
enum OperatorFactory {
    /// Emits the step(s) for `node` into `builder`.
    static func lower(_ node: OnnxNode, into builder: inout GraphBuilder, threads: Int) throws {
        let constants = builder.constants
        let data = node.inputs.first ?? ""
        func emit(_ op: any Operator, _ inputs: [String]) {
            builder.emit(op, inputs: inputs, outputs: [node.outputs[0]], label: node.label)
        }
        guard !node.outputs.isEmpty else { throw InferenceError.invalidGraph("node '\(node.label)' has no output") }
        switch node.opType {
        case "Add": emit(BinaryOperator(.add), Array(node.inputs.prefix(2)))
        case "Sub": emit(BinaryOperator(.sub), Array(node.inputs.prefix(2)))
        case "Mul": emit(BinaryOperator(.mul), Array(node.inputs.prefix(2)))
        case "Div": emit(BinaryOperator(.div), Array(node.inputs.prefix(2)))
        case "PRelu": emit(BinaryOperator(.prelu), Array(node.inputs.prefix(2)))
        case "Relu": emit(UnaryOperator(.relu), [data])
        case "Sigmoid": emit(UnaryOperator(.sigmoid), [data])
        case "Swish": emit(UnaryOperator(.swish), [data])   // not ONNX: written by the TFLite importer
        case "Clip":
            let bounds = try ClipBounds(node: node, constants: constants)
            emit(UnaryOperator(.clip(bounds.low, bounds.high)), [data])
        case "Identity", "Dropout":
            if (try? node.constantInput(2, constants)).flatMap({ $0?.integers.first }) == 1 {
                throw InferenceError.unsupported("Dropout", node: node.label, "training_mode = true")
            }
            emit(UnaryOperator(.copy), [data])
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze":
            let shape = try node.constantInput(1, constants)?.integers
            emit(UnaryOperator(.reshape(node, shape)), [data])
        case "BatchNormalization":
            emit(try BatchNormOperator(node: node, constants: constants), [data])
        case "GlobalAveragePool": emit(try PoolOperator(.globalAverage, node: node), [data])
        case "GlobalMaxPool": emit(try PoolOperator(.globalMax, node: node), [data])
        case "MaxPool":
            guard node.outputs.count == 1 || node.outputs[1].isEmpty else {
                throw InferenceError.unsupported("MaxPool", node: node.label, "the Indices output")
            }
            emit(try PoolOperator(.max, node: node), [data])
        case "AveragePool": emit(try PoolOperator(.average, node: node), [data])
        case "Transpose":
            let perm = node.attributes["perm"] == nil ? nil : try node.ints("perm", [])
            emit(TransposeOperator(perm: perm), [data])
        case "Concat": emit(ConcatOperator(axis: try node.int("axis", 0)), node.inputs.filter { !$0.isEmpty })
        case "Resize", "Upsample": emit(try ResizeOperator(node: node, constants: constants), [data])
        case "Gemm": emit(try GemmOperator(node: node, constants: constants, threads: threads), [data])
        case "Conv":
            // Reached only when GraphBuilder did not take the fused path (never in practice).
            emit(ConvOperator(try ConvSpec(node: node, constants: constants), threads: threads), [data])
        case "DequantizeLinear":
            throw InferenceError.unsupported("DequantizeLinear", node: node.label, "only constant (weight) inputs are dequantised")
        default:
            throw InferenceError.unsupported(node.opType, node: node.label)
        }
    }
}
