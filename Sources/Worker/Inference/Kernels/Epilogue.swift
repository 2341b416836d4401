/// Bias and activation applied to output rows (channels) as a kernel stores them.
struct Epilogue {
    /// How the stored value is clamped.
    enum Kind { case none, relu, clip, prelu }
    /// Per-row bias (nil: none).
    var bias: UnsafePointer<Float>?
    var kind: Kind = .none
    var low: Float = 0
    var high: Float = 0
    /// Per-row negative slopes for PRelu.
    var slopes: UnsafePointer<Float>?

    /// Applies bias and activation to a vector of row `row`.
    @inline(__always)
    func apply<V: SIMD>(_ value: V, row: Int) -> V where V.Scalar == Float {
        var v = value
        if let bias { v += bias[row] }
        switch kind {
        case .none: return v
        case .relu: return v.replacing(with: 0, where: v .< 0)
        case .clip: return v.clamped(lowerBound: V(repeating: low), upperBound: V(repeating: high))
        case .prelu: return v.replacing(with: v * slopes![row], where: v .< 0)
        }
    }

    /// Applies bias and activation to a scalar of row `row`.
    @inline(__always)
    func apply(_ value: Float, row: Int) -> Float {
        var v = value
        if let bias { v += bias[row] }
        switch kind {
        case .none: return v
        case .relu: return v < 0 ? 0 : v
        case .clip: return min(max(v, low), high)
        case .prelu: return v < 0 ? v * slopes![row] : v
        }
    }
}

/// Owned weights for an activation: bias and slopes kept alive with the operator.
struct EpilogueStorage: Sendable {
    let bias: ConstantBuffer
    let activation: Activation
    let slopes: ConstantBuffer?

    /// Copies a bias vector and activation.
    init(bias: [Float], activation: Activation) {
        self.bias = ConstantBuffer(shape: [bias.count], values: bias)
        self.activation = activation
        if case .prelu(let s) = activation { slopes = ConstantBuffer(shape: [s.count], values: s) } else { slopes = nil }
    }

    /// The kernel-side view; pointers stay valid while `self` lives.
    var epilogue: Epilogue {
        var e = Epilogue(bias: UnsafePointer(bias.pointer))
        switch activation {
        case .none: break
        case .relu: e.kind = .relu
        case .clip(let lo, let hi): e.kind = .clip; e.low = lo; e.high = hi
        case .prelu: e.kind = .prelu; e.slopes = UnsafePointer(slopes!.pointer)
        }
        return e
    }
}
