// libFuzzer harness for the inference engine's protobuf reader and ONNX decoder
// (Sources/Worker/Inference/Onnx). Built by scripts/fuzz.sh with those source files, so the
// internal decoder is visible here. Any bytes must decode or throw InferenceError, never trap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOnnx(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    do {
        let model = try OnnxDecoder.decodeModel(bytes)
        for tensor in model.graph.initializers where tensor.count != tensor.floats.count {
            fatalError("tensor '\(tensor.name)' holds \(tensor.floats.count) values for shape \(tensor.shape)")
        }
    } catch let error as InferenceError {
        if error.code != "corrupt_model" { fatalError("unexpected error code \(error.code)") }
    } catch {
        fatalError("decoder threw a foreign error: \(error)")
    }
    return 0
}
