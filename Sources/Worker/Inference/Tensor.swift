/// A dense float32 tensor, row-major (NCHW for images).
public struct Tensor: Sendable {
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Elements in row-major order; `data.count` equals the product of `shape`.
    public var data: [Float]

    /// Creates a tensor from its shape and elements (the counts must agree).
    /// - Parameters:
    ///   - shape: dimensions, outermost first.
    ///   - data: row-major elements.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "Tensor shape \(shape) does not match \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    /// Creates a tensor with every element set to `repeating`.
    /// - Parameters:
    ///   - shape: dimensions, outermost first.
    ///   - repeating: the value of every element.
    public init(shape: [Int], repeating: Float) {
        self.shape = shape
        self.data = [Float](repeating: repeating, count: shape.reduce(1, *))
    }
}
