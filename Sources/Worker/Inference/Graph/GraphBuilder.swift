/// Turns a decoded ONNX model into a `CompiledGraph`: folds constants, fuses Conv+BN+activation,
/// and instantiates operators with pre-packed weights. Unsupported ops are reported here, at load.
struct GraphBuilder {
    private let model: OnnxModel
    private let threads: Int
    /// Constant tensors by value name (initializers, Constant nodes, and folded results).
    private(set) var constants: [String: OnnxTensor] = [:]
    private var runtimeNodes: [OnnxNode] = []
    private var ids: [String: Int] = [:]
    private var constantBuffers: [Int: ConstantBuffer] = [:]
    private var steps: [Step] = []

    /// Prepares to compile `model`; operators will split work over `threads` threads.
    init(model: OnnxModel, threads: Int) {
        self.model = model
        self.threads = max(1, threads)
    }

    /// Builds the optimised graph.
    mutating func build() throws -> CompiledGraph {
        if let opset = model.opsets[""], opset < 7 {
            throw InferenceError.invalidGraph("opset \(opset) is older than the supported range (7 and later)")
        }
        for tensor in model.graph.initializers { constants[tensor.name] = tensor }
        try foldConstants()
        try lowerNodes()
        // Runtime inputs: declared inputs that are not initializers and that something reads
        // (SFace declares its pre-quantisation weight names as inputs that no node uses).
        let read = Set(runtimeNodes.flatMap(\.inputs) + model.graph.outputs.map(\.name))
        let runtimeInputs = model.graph.inputs.filter { constants[$0.name] == nil && read.contains($0.name) }
        let inputs = runtimeInputs.map { CompiledGraph.Input(name: $0.name, id: id(of: $0.name), shape: $0.shape) }
        for input in runtimeInputs where input.elementType != 1 && input.elementType != 0 {
            throw InferenceError.unsupported("input", node: input.name, "only float32 inputs are supported")
        }
        var outputs: [(name: String, id: Int)] = []
        for output in model.graph.outputs {
            if let constant = constants[output.name], ids[output.name] == nil {
                // A constant graph output still needs a value the session can copy out.
                constantBuffers[id(of: output.name)] = ConstantBuffer(shape: constant.shape, values: constant.floats)
            }
            guard let known = ids[output.name] else {
                throw InferenceError.invalidGraph("graph output '\(output.name)' is never produced")
            }
            outputs.append((output.name, known))
        }
        return CompiledGraph(steps: steps, valueCount: ids.count, constants: constantBuffers,
                             inputs: inputs, outputs: outputs)
    }

    /// Evaluates at load every node whose inputs are all constant and whose op the folder knows
    /// (dequantisation of weights, weight reshapes, Constant); the rest run at inference time.
    private mutating func foldConstants() throws {
        for node in model.graph.nodes {
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw InferenceError.unsupported(node.opType, node: node.label, "domain '\(node.domain)'")
            }
            let present = node.inputs.filter { !$0.isEmpty }
            if present.allSatisfy({ constants[$0] != nil }),
               let folded = try ConstantFolder.evaluate(node, inputs: node.inputs.map { $0.isEmpty ? nil : constants[$0] }) {
                for (name, tensor) in zip(node.outputs, folded) { constants[name] = tensor }
            } else {
                runtimeNodes.append(node)
            }
        }
    }

    /// Value id of a name, assigning a new one on first use.
    mutating func id(of name: String) -> Int {
        if let known = ids[name] { return known }
        let next = ids.count
        ids[name] = next
        return next
    }

    /// Value id of a runtime input; constants get a constant buffer.
    mutating func inputID(_ name: String) -> Int {
        let value = id(of: name)
        if let constant = constants[name], constantBuffers[value] == nil {
            constantBuffers[value] = ConstantBuffer(shape: constant.shape, values: constant.floats)
        }
        return value
    }

    /// Appends a step.
    mutating func emit(_ op: any Operator, inputs: [String], outputs: [String], label: String) {
        let inputIDs = inputs.map { inputID($0) }
        steps.append(Step(op: op, inputs: inputIDs, outputs: outputs.map { id(of: $0) }, label: label))
    }

    /// Walks runtime nodes, fusing Conv with the BatchNormalization and activation that follow it.
    private mutating func lowerNodes() throws {
        var consumers: [String: [Int]] = [:]
        for (index, node) in runtimeNodes.enumerated() {
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(index) }
        }
        let graphOutputs = Set(model.graph.outputs.map(\.name))
        var fused = Set<Int>()
        /// The single node reading `value`, when nothing else (including the graph's outputs) does.
        func soleConsumer(_ value: String) -> Int? {
            guard !graphOutputs.contains(value), let users = consumers[value], users.count == 1 else { return nil }
            return users[0]
        }
        for (index, node) in runtimeNodes.enumerated() where !fused.contains(index) {
            if node.opType == "Conv" {
                var conv = try ConvSpec(node: node, constants: constants)
                var output = node.outputs[0]
                while let next = soleConsumer(output), next > index {
                    let follower = runtimeNodes[next]
                    guard try conv.absorb(follower, constants: constants) else { break }
                    fused.insert(next)
                    output = follower.outputs[0]
                }
                emit(ConvOperator(conv, threads: threads), inputs: [node.inputs[0]], outputs: [output], label: node.label)
            } else {
                try OperatorFactory.lower(node, into: &self, threads: threads)
            }
        }
    }
}
