import Shared

extension RGBImage {
    /// This image resized to `width` × `height` with the classifier's separable filter
    /// (`ResampleAxis`: area average when shrinking, like OpenCV's `INTER_AREA`; bilinear when
    /// enlarging), rounded back to bytes so the detector sees the same kind of pixels OpenCV's
    /// `cv2.resize` would give it.
    func resized(width targetWidth: Int, height targetHeight: Int) -> RGBImage {
        precondition(width >= 1 && height >= 1 && targetWidth >= 1 && targetHeight >= 1, "empty image")
        if targetWidth == width && targetHeight == height { return self }
        let columns = ResampleAxis(sourceSize: width, targetSize: targetWidth, outputs: 0..<targetWidth)
        let rows = ResampleAxis(sourceSize: height, targetSize: targetHeight, outputs: 0..<targetHeight)
        // Pass 1: horizontal, every source row, into floats (interleaved RGB).
        var horizontal = [Float](repeating: 0, count: height * targetWidth * 3)
        pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let line = y * width * 3
                    for x in 0..<targetWidth {
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for t in 0..<columns.taps {
                            let w = columns.weights[x * columns.taps + t]
                            let p = line + min(columns.starts[x] + t, width - 1) * 3
                            r += w * Float(source[p]); g += w * Float(source[p + 1]); b += w * Float(source[p + 2])
                        }
                        let o = (y * targetWidth + x) * 3
                        out[o] = r; out[o + 1] = g; out[o + 2] = b
                    }
                }
            }
        }
        // Pass 2: vertical, rounding to bytes.
        var output = [UInt8](repeating: 0, count: targetHeight * targetWidth * 3)
        let rowLength = targetWidth * 3
        horizontal.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                for y in 0..<targetHeight {
                    for i in 0..<rowLength {
                        var value: Float = 0
                        for t in 0..<rows.taps {
                            let sourceRow = min(rows.starts[y] + t, height - 1)
                            value += rows.weights[y * rows.taps + t] * source[sourceRow * rowLength + i]
                        }
                        out[y * rowLength + i] = UInt8(min(max(value.rounded(), 0), 255))
                    }
                }
            }
        }
        return RGBImage(width: targetWidth, height: targetHeight, pixels: output)
    }
}
