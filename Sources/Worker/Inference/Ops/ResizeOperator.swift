import Foundation

/// Resize (and opset-9 Upsample) of NCHW tensors over H and W: nearest and (bi)linear modes.
final class ResizeOperator: Operator {
    private let mode: String
    private let coordinates: String
    private let nearest: String
    private let scales: [Float]?
    private let sizes: [Int]?

    /// Reads attributes and the constant scales or sizes input.
    init(node: OnnxNode, constants: [String: OnnxTensor]) throws {
        mode = try node.string("mode", "nearest")
        coordinates = try node.string("coordinate_transformation_mode", node.opType == "Upsample" ? "asymmetric" : "half_pixel")
        nearest = try node.string("nearest_mode", "round_prefer_floor")
        // Opset 10 and Upsample: (X, scales); opset 11+: (X, roi, scales, sizes).
        let scalesIndex = node.inputs.count == 2 ? 1 : 2
        let s = try node.constantInput(scalesIndex, constants)
        let z = try node.constantInput(3, constants)
        scales = (s?.count ?? 0) > 0 ? s?.floats : nil
        sizes = (z?.count ?? 0) > 0 ? z?.integers.map { Int($0) } : nil
        guard scales != nil || sizes != nil else {
            throw InferenceError.unsupported(node.opType, node: node.label, "needs constant scales or sizes")
        }
        guard ["nearest", "linear"].contains(mode),
              ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"].contains(coordinates),
              ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].contains(nearest) else {
            throw InferenceError.unsupported(node.opType, node: node.label, "mode \(mode) / \(coordinates) / \(nearest)")
        }
        if try node.attributes["axes"] != nil || node.int("antialias", 0) != 0 {
            throw InferenceError.unsupported(node.opType, node: node.label, "axes and antialias")
        }
    }

    func outputShapes(_ inputs: [[Int]]) throws -> [[Int]] {
        let x = inputs[0]
        guard x.count == 4 else { throw InferenceError.invalidGraph("Resize supports NCHW inputs, got \(x)") }
        let out: [Int]
        if let sizes {
            out = sizes
        } else {
            let scaled = zip(x, scales!).map { (Float($0) * $1).rounded(.down) }
            guard scaled.count == 4, scaled.allSatisfy({ $0.isFinite && $0 >= 1 && $0 <= Float(1 << 20) }) else {
                throw InferenceError.invalidGraph("Resize scales \(scales!) do not fit input \(x)")
            }
            out = scaled.map { Int($0) }
        }
        guard out.count == 4, out[0] == x[0], out[1] == x[1], isSaneSize(out[2], minimum: 1), isSaneSize(out[3], minimum: 1) else {
            throw InferenceError.invalidGraph("Resize only over H and W: \(x) -> \(out)")
        }
        return [out]
    }

    /// Input coordinate of output index `o` along an axis of `inSize` → `outSize` with `scale`.
    private func source(_ o: Int, inSize: Int, outSize: Int, scale: Float) -> Float {
        let x = Float(o)
        switch coordinates {
        case "asymmetric": return x / scale
        case "align_corners": return outSize == 1 ? 0 : x * Float(inSize - 1) / Float(outSize - 1)
        case "pytorch_half_pixel": return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0
        default: return (x + 0.5) / scale - 0.5
        }
    }

    private func nearestIndex(_ v: Float, _ size: Int) -> Int {
        let i: Float
        switch nearest {
        case "floor": i = v.rounded(.down)
        case "ceil": i = v.rounded(.up)
        case "round_prefer_ceil": i = (v + 0.5).rounded(.down)
        default: i = v == v.rounded(.down) + 0.5 ? v.rounded(.down) : v.rounded()
        }
        return min(max(Int(i), 0), size - 1)
    }

    func run(_ call: OpCall) {
        let x = call.inputShapes[0], o = call.outputShapes[0]
        let (h, w, oh, ow) = (x[2], x[3], o[2], o[3])
        let scaleH = scales.map { $0[2] } ?? Float(oh) / Float(h)
        let scaleW = scales.map { $0[3] } ?? Float(ow) / Float(w)
        // Source coordinates are recomputed per element instead of tabulated: no allocation per run.
        for p in 0..<(x[0] * x[1]) {
            let src = call.inputs[0] + p * h * w, dst = call.outputs[0] + p * oh * ow
            for oy in 0..<oh {
                let sy = source(oy, inSize: h, outSize: oh, scale: scaleH)
                if mode == "nearest" {
                    let row = src + nearestIndex(sy, h) * w
                    for ox in 0..<ow { dst[oy * ow + ox] = row[nearestIndex(source(ox, inSize: w, outSize: ow, scale: scaleW), w)] }
                } else {
                    let fy = min(max(sy, 0), Float(h - 1))
                    let y0 = Int(fy), y1 = min(y0 + 1, h - 1), dy = fy - Float(y0)
                    for ox in 0..<ow {
                        let fx = min(max(source(ox, inSize: w, outSize: ow, scale: scaleW), 0), Float(w - 1))
                        let x0 = Int(fx), x1 = min(x0 + 1, w - 1), dx = fx - Float(x0)
                        let top = src[y0 * w + x0] * (1 - dx) + src[y0 * w + x1] * dx
                        let bottom = src[y1 * w + x0] * (1 - dx) + src[y1 * w + x1] * dx
                        dst[oy * ow + ox] = top * (1 - dy) + bottom * dy
                    }
                }
            }
        }
    }
}
