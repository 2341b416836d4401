/// A constant float buffer owned for the model's lifetime (weights that ops read as runtime inputs).
// @unchecked Sendable: the memory is written once in init and only read afterwards; freed in deinit.
final class ConstantBuffer: @unchecked Sendable {
    /// Dimensions.
    let shape: [Int]
    /// The values, 64-byte aligned.
    let pointer: UnsafeMutablePointer<Float>

    /// Copies `values` into owned aligned memory.
    init(shape: [Int], values: [Float]) {
        self.shape = shape
        pointer = alignedFloats(max(values.count, 1))
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }
}

/// Allocates `count` uninitialised floats aligned to 64 bytes (a cache line, an AVX-512 vector).
func alignedFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: max(count, 1))
}

/// The optimised graph: operators in execution order over numbered values.
struct CompiledGraph: Sendable {
    /// A graph input: its name, value id and declared shape (nil for symbolic dimensions).
    struct Input: Sendable {
        /// Input name.
        let name: String
        /// Value id.
        let id: Int
        /// Declared shape.
        let shape: [Int?]
    }
    /// Steps in execution order.
    var steps: [Step]
    /// Number of distinct value ids.
    var valueCount: Int
    /// Constants that steps read at run time, by value id.
    var constants: [Int: ConstantBuffer]
    /// Runtime inputs.
    var inputs: [Input]
    /// Outputs, by name and value id.
    var outputs: [(name: String, id: Int)]
}
