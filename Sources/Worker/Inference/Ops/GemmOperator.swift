/// Gemm `Y = alpha·A'·B' + beta·C` with constant B (and C): a fully-connected layer.
///
/// B' is stored transposed ([N × K], one weight row per output) so each output is a SIMD dot product
/// with the activation row; this suits the batch-1 classifier heads the engine serves.
final class GemmOperator: Operator {
    private let transA: Bool
    private let weights: ConstantBuffer   // [n, k]
    private let bias: [Float]             // beta·C broadcast to [n] or [m·n] (empty when absent)
    private let biasIsFull: Bool
    private let n: Int
    private let k: Int
    private let alpha: Float
    private let threads: Int

    /// Reads a Gemm node whose B (and optional C) inputs are constants.
    init(node: OnnxNode, constants: [String: OnnxTensor], threads: Int) throws {
        guard let b = try node.constantInput(1, constants), b.shape.count == 2 else {
            throw InferenceError.unsupported("Gemm", node: node.label, "B must be a constant matrix")
        }
        transA = try node.int("transA", 0) == 1
        let transB = try node.int("transB", 0) == 1
        alpha = try node.float("alpha", 1)
        let beta = try node.float("beta", 1)
        k = transB ? b.shape[1] : b.shape[0]
        n = transB ? b.shape[0] : b.shape[1]
        let values = b.floats
        var wt = [Float](repeating: 0, count: n * k)
        for j in 0..<n { for i in 0..<k { wt[j * k + i] = transB ? values[j * k + i] : values[i * n + j] } }
        weights = ConstantBuffer(shape: [n, k], values: wt)
        self.threads = threads
        if let c = try node.constantInput(2, constants) {
            let cv = c.floats.map { $0 * beta }
            if c.count == 1 { bias = [Float](repeating: cv[0], count: n); biasIsFull = false }
            else if c.count == n && (c.shape.count == 1 || c.shape.first == 1) { bias = cv; biasIsFull = false }
            else if c.shape.count == 2 && c.shape[1] == n { bias = cv; biasIsFull = true }
            else { throw InferenceError.unsupported("Gemm", node: node.label, "C of shape \(c.shape)") }
        } else {
            bias = []
            biasIsFull = false
        }
    }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        let a = inputs[0]
        guard a.count == 2, (transA ? a[0] : a[1]) == k else {
            throw InferenceError.invalidGraph("Gemm input \(a) does not match K=\(k)")
        }
        let m = transA ? a[1] : a[0]
        if biasIsFull && bias.count != m * n { throw InferenceError.invalidGraph("Gemm C does not broadcast to [\(m), \(n)]") }
        return [[m, n]]
    }

    func scratchCount(_ inputs: [[Int]]) -> Int { transA ? k : 0 }

    func run(_ call: OpCall) {
        let shape = call.inputShapes[0]
        let m = transA ? shape[1] : shape[0]
        let w = UnsafePointer(weights.pointer)
        bias.withUnsafeBufferPointer { bias in
            for row in 0..<m {
                var a = call.inputs[0] + row * k
                if transA {
                    for i in 0..<k { call.scratch[i] = call.inputs[0][i * m + row] }
                    a = UnsafePointer(call.scratch)
                }
                let y = call.outputs[0] + row * n
                parallelChunks(n, threads: threads) { _, range in
                    for j in range {
                        var v = alpha * Self.dot(a, w + j * k, k)
                        if !bias.isEmpty { v += bias[biasIsFull ? row * n + j : j] }
                        y[j] = v
                    }
                }
            }
        }
    }

    /// SIMD16 dot product of two length-`count` vectors.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        while i + 32 <= count {
            acc0 += rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += rx.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
                * ry.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        var sum = (acc0 + acc1).sum()
        while i < count { sum += x[i] * y[i]; i += 1 }
        return sum
    }
}
