/// The dense (per-location) form of an image classifier that ends in
/// `GlobalAveragePool → Flatten → Gemm`.
extension OnnxModel {
    /// Name of the dense form's only output: `[1, classes, h, w]` logits, one vector per position
    /// of the last feature map.
    static let locationLogitsName = "location_logits"

    /// This classifier with its head turned inside out: the Gemm's weights applied at every
    /// position of the feature map the pool reads, as a 1×1 convolution. Pooling is linear and
    /// the Gemm affine, so the mean of the per-location logits over all positions is exactly
    /// the classifier's logits; each class's plane minus its bias is its class-activation map.
    /// Nodes after the feature map are dropped.
    /// - Throws: `InferenceError.invalidGraph` when the graph does not end in that head.
    func denseClassifier() throws -> OnnxModel {
        let nodes = graph.nodes
        guard let gemmIndex = nodes.lastIndex(where: { $0.opType == "Gemm" }),
              let poolIndex = nodes.lastIndex(where: { $0.opType == "GlobalAveragePool" }), poolIndex < gemmIndex else {
            throw InferenceError.invalidGraph("dense classifier: the graph has no GlobalAveragePool → Gemm head")
        }
        let gemm = nodes[gemmIndex]
        let features = nodes[poolIndex].inputs[0]
        guard gemm.inputs.count >= 2,
              let weights = graph.initializers.first(where: { $0.name == gemm.inputs[1] }), weights.shape.count == 2 else {
            throw InferenceError.invalidGraph("dense classifier: the Gemm's weights are not a constant matrix")
        }
        // ONNX Gemm computes A·Bᵀ when transB = 1 (torchvision's export); B is then [classes, channels].
        let transposed: Bool
        switch gemm.attributes["transB"] {
        case .int(let value)?: transposed = value != 0
        default: transposed = false
        }
        let classes = transposed ? weights.shape[0] : weights.shape[1]
        let channels = transposed ? weights.shape[1] : weights.shape[0]
        var matrix = weights.floats
        if !transposed {
            matrix = [Float](repeating: 0, count: classes * channels)
            let source = weights.floats
            for k in 0..<channels { for c in 0..<classes { matrix[c * channels + k] = source[k * classes + c] } }
        }
        if case .float(let alpha)? = gemm.attributes["alpha"], alpha != 1 { matrix = matrix.map { $0 * alpha } }
        var bias = [Float](repeating: 0, count: classes)
        if gemm.inputs.count >= 3, let term = graph.initializers.first(where: { $0.name == gemm.inputs[2] }) {
            let beta: Float
            if case .float(let value)? = gemm.attributes["beta"] { beta = value } else { beta = 1 }
            let values = term.floats
            guard values.count == classes || values.count == 1 else {
                throw InferenceError.invalidGraph("dense classifier: the Gemm's bias is not one value per class")
            }
            bias = (0..<classes).map { beta * values[values.count == 1 ? 0 : $0] }
        }

        var dense = self
        dense.graph.nodes = Array(nodes[..<poolIndex])
        let weightName = "location_logits.weight", biasName = "location_logits.bias"
        dense.graph.initializers.append(OnnxTensor(name: weightName, shape: [classes, channels, 1, 1], elementType: .float,
                                                   storage: .floats(matrix)))
        dense.graph.initializers.append(OnnxTensor(name: biasName, shape: [classes], elementType: .float, storage: .floats(bias)))
        dense.graph.nodes.append(OnnxNode(name: Self.locationLogitsName, opType: "Conv", domain: "",
                                          inputs: [features, weightName, biasName], outputs: [Self.locationLogitsName],
                                          attributes: ["kernel_shape": .ints([1, 1])]))
        dense.graph.outputs = [OnnxValueInfo(name: Self.locationLogitsName, elementType: 1, shape: [1, classes, nil, nil])]
        // The classifier's weights are no longer read (the new head has its own copy).
        let read = Set(dense.graph.nodes.flatMap(\.inputs))
        dense.graph.initializers.removeAll { !read.contains($0.name) }
        return dense
    }
}
