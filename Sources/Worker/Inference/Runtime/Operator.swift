/// One runtime step's view of its buffers: planned once per input shape, reused every run.
struct OpCall {
    /// Input buffers, in the operator's input order.
    var inputs: [UnsafePointer<Float>]
    /// Shapes of `inputs`.
    var inputShapes: [[Int]]
    /// Output buffers.
    var outputs: [UnsafeMutablePointer<Float>]
    /// Shapes of `outputs`.
    var outputShapes: [[Int]]
    /// Scratch space of at least `scratchCount(inputShapes)` floats, 64-byte aligned.
    var scratch: UnsafeMutablePointer<Float>
}

/// A runtime operator: immutable after load (weights pre-packed), so one instance serves all sessions.
protocol Operator: AnyObject, Sendable {
    /// Output shapes for the given input shapes; throws `invalid_graph` when they are incompatible.
    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]]
    /// Floats of scratch space `run` needs for these input shapes.
    func scratchCount(_ inputs: [[Int]]) -> Int
    /// Computes the outputs; never allocates.
    func run(_ call: OpCall)
}

extension Operator {
    func scratchCount(_ inputs: [[Int]]) -> Int { 0 }
}

/// A node of the optimised graph: an operator with its value ids.
struct Step: Sendable {
    /// What to compute.
    let op: any Operator
    /// Input value ids (activations or constants).
    let inputs: [Int]
    /// Output value ids.
    let outputs: [Int]
    /// The ONNX node this came from, for error messages.
    let label: String
}

/// Element count of a shape.
@inline(__always) func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Largest tensor the engine accepts (2^32 elements): keeps all index arithmetic far from overflow.
let maximumElementCount = 1 << 32

/// Element count of a shape read from a file or computed from one; nil when a dimension is negative
/// or the product overflows or exceeds `maximumElementCount`.
func checkedCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
        guard d >= 0, d <= maximumElementCount else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: d)
        guard !overflow, product <= maximumElementCount else { return nil }
        count = product
    }
    return count
}

/// True for a spatial attribute (kernel, stride, dilation, pad) in a sane range, so size arithmetic cannot overflow.
func isSaneSize(_ value: Int, minimum: Int) -> Bool { value >= minimum && value <= 1 << 20 }
