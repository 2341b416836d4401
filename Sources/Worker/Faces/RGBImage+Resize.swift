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
        let rowLength = targetWidth * 3
        // Pass 1: horizontal, only the source rows pass 2 reads, into interleaved float rows.
        let sourceRows = rows.sourceRange
        var horizontal = [Float](repeating: 0, count: sourceRows.count * rowLength)
        pixels.withUnsafeBufferPointer { source in
            columns.starts.withUnsafeBufferPointer { starts in
                columns.weights.withUnsafeBufferPointer { weights in
                    horizontal.withUnsafeMutableBufferPointer { out in
                        let taps = columns.taps
                        for (index, y) in sourceRows.enumerated() {
                            let line = source.baseAddress! + y * width * 3
                            let target = out.baseAddress! + index * rowLength
                            for x in 0..<targetWidth {
                                var p = line + starts[x] * 3
                                let w = weights.baseAddress! + x * taps
                                var r: Float = 0, g: Float = 0, b: Float = 0
                                for t in 0..<taps {
                                    r += w[t] * Float(p[0]); g += w[t] * Float(p[1]); b += w[t] * Float(p[2])
                                    p += 3
                                }
                                target[x * 3] = r; target[x * 3 + 1] = g; target[x * 3 + 2] = b
                            }
                        }
                    }
                }
            }
        }
        // Pass 2: vertical, accumulating whole rows, then rounding to bytes.
        var output = [UInt8](repeating: 0, count: targetHeight * rowLength)
        var accumulator = [Float](repeating: 0, count: rowLength)
        horizontal.withUnsafeBufferPointer { source in
            rows.weights.withUnsafeBufferPointer { weights in
                output.withUnsafeMutableBufferPointer { out in
                    accumulator.withUnsafeMutableBufferPointer { sum in
                        for y in 0..<targetHeight {
                            let first = source.baseAddress! + (rows.starts[y] - sourceRows.lowerBound) * rowLength
                            let w = weights.baseAddress! + y * rows.taps
                            for i in 0..<rowLength { sum[i] = w[0] * first[i] }
                            for t in 1..<max(rows.taps, 1) {
                                let line = first + t * rowLength
                                for i in 0..<rowLength { sum[i] += w[t] * line[i] }
                            }
                            let target = out.baseAddress! + y * rowLength
                            // Adding ½ and truncating rounds these non-negative sums without a libm
                            // call per byte (Float.rounded() is not inlined on baseline x86-64).
                            for i in 0..<rowLength { target[i] = UInt8(min(max(sum[i], 0) + 0.5, 255)) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: targetWidth, height: targetHeight, pixels: output)
    }
}
