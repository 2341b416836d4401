import Foundation

extension InferenceModel {
    /// Name of a dense classifier's output (see `init(denseClassifierAt:threads:)`).
    public static let locationLogitsName = OnnxModel.locationLogitsName

    /// Loads an image classifier ending in `GlobalAveragePool → Flatten → Gemm` (MobileNetV2)
    /// in dense form: one output, `location_logits` `[1, classes, h, w]`, the classifier's
    /// final layer applied at every position of its last feature map (a 1×1 convolution).
    ///
    /// The mean over positions is exactly the classifier's logits; a class's plane minus its
    /// bias is its class-activation map. The network stays fully convolutional, so it runs at
    /// any input size (multiples of 32 keep MobileNetV2's grid aligned).
    /// - Parameters:
    ///   - url: the classifier's ONNX file.
    ///   - threads: intra-op threads per run.
    /// - Throws: `InferenceError` when the file is unreadable or has no such head.
    public convenience init(denseClassifierAt url: URL, threads: Int = 1) throws {
        let model = try OnnxDecoder.decodeModel(try modelFileBytes(url))
        try self.init(onnx: try model.denseClassifier(), threads: threads)
    }
}
