/// Bias and activation applied to output rows (channels) as a kernel stores them.
struct Epilogue {
    /// How the stored value is clamped.
    enum Kind { case none, relu, clip, prelu, swish }  // see `Activation`
    /// Per-row bias (nil: none).
    var bias: UnsafePointer<Float>?
    /// The activation.
    var kind: Kind = .none
    /// Clip lower bound.
    var low: Float = 0
    /// Clip upper bound.
    var high: Float = 0
    /// Per-row negative slopes for PRelu.
    var slopes: UnsafePointer<Float>?

    /// Applies bias and activation in place to `count` stored values of row `row`.
    ///
    /// A plain scalar loop on purpose: LLVM vectorises it to vmaxps/blends, whereas the generic
    /// SIMD mask operations (`replacing(with:where:)`, `clamped`) compile to lane-by-lane loops.
    @inline(__always)
    func finish(_ p: UnsafeMutablePointer<Float>, _ count: Int, row: Int) {
        let b = bias?[row] ?? 0
        switch kind {
        case .none:
            for i in 0..<count { p[i] += b }
        case .relu:
            for i in 0..<count { let v = p[i] + b; p[i] = v < 0 ? 0 : v }
        case .clip:
            let lo = low, hi = high
            for i in 0..<count { let v = p[i] + b; p[i] = v < lo ? lo : (v > hi ? hi : v) }
        case .prelu:
            let s = slopes![row]
            for i in 0..<count { let v = p[i] + b; p[i] = v < 0 ? v * s : v }
        case .swish:
            VectorMath.swish(p, count, bias: b)
        }
    }

    /// For activations that are a clamp (none, ReLU, clip), its bounds; nil for PRelu and swish.
    /// Kernels apply these to their accumulators before storing, with SIMD compare-and-replace
    /// (which compiles to vmaxps/vminps; `pointwiseMin`/`Max` compile lane by lane).
    var clampBounds: (low: Float, high: Float)? {
        switch kind {
        case .none: return (-.infinity, .infinity)
        case .relu: return (0, .infinity)
        case .clip: return (low, high)
        case .prelu, .swish: return nil
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
        case .swish: return VectorMath.swish(v)
        }
    }
}

/// Owned weights for an activation: bias and slopes kept alive with the operator.
struct EpilogueStorage: Sendable {
    /// Per-channel bias.
    let bias: ConstantBuffer
    /// The fused activation.
    let activation: Activation
    /// PRelu slopes, when the activation is PRelu.
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
        case .swish: e.kind = .swish
        }
        return e
    }
}
