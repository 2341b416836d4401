/// Activations with `exp`, written as branch-free scalar code that LLVM vectorises in plain loops
/// (Swift's generic SIMD rounding and conversions compile lane by lane). `exp` reduces to
/// `2^n · e^r` with |r| ≤ ln2/2: n by the 1.5·2²³ rounding trick, r in two steps (Cody–Waite), a
/// degree-6 polynomial for `e^r`, and 2^n built in the exponent bits. Relative error within 2 ulp
/// for |x| ≤ 87; beyond it the input is clamped (sigmoid and swish are then exactly 0, 1 or x).
enum VectorMath {
    /// e^x.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let c = x < -87.3 ? -87.3 : (x > 88.3 ? 88.3 : x)
        let shifted = c * 1.442695041 + 12_582_912     // 1.5·2²³: the sum's low bits hold round(c·log2 e)
        let n = shifted - 12_582_912
        var r = c - n * 0.693145752
        r = r - n * 1.42860677e-6
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return p * scale
    }

    /// x / (1 + e^−x) (swish, SiLU).
    @inline(__always)
    static func swish(_ x: Float) -> Float { x / (1 + exp(-x)) }

    /// In place: `p[i] = 1 / (1 + e^−p[i])`.
    @inline(__always)
    static func sigmoid(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { p[i] = 1 / (1 + exp(-p[i])) }
    }

    /// In place: `p[i] = swish(p[i] + bias)`.
    @inline(__always)
    static func swish(_ p: UnsafeMutablePointer<Float>, _ count: Int, bias: Float = 0) {
        for i in 0..<count { p[i] = swish(p[i] + bias) }
    }
}
