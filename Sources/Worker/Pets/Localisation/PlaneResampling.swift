/// A `width` × `height` plane of floats (row-major) resampled bilinearly to `outWidth` ×
/// `outHeight`: each output pixel samples the input at its centre's position (cells centred on
/// the area they cover, edges clamped). Shared by the evidence map and the mask upsampler.
func bilinearResampled(_ plane: [Float], width: Int, height: Int, toWidth outWidth: Int, height outHeight: Int) -> [Float] {
    var out = [Float](repeating: 0, count: outWidth * outHeight)
    let sx = Float(width) / Float(outWidth), sy = Float(height) / Float(outHeight)
    for y in 0..<outHeight {
        let gy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(height - 1))
        let y0 = Int(gy), y1 = min(y0 + 1, height - 1), fy = gy - Float(y0)
        for x in 0..<outWidth {
            let gx = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(width - 1))
            let x0 = Int(gx), x1 = min(x0 + 1, width - 1), fx = gx - Float(x0)
            let top = plane[y0 * width + x0] * (1 - fx) + plane[y0 * width + x1] * fx
            let bottom = plane[y1 * width + x0] * (1 - fx) + plane[y1 * width + x1] * fx
            out[y * outWidth + x] = top * (1 - fy) + bottom * fy
        }
    }
    return out
}
