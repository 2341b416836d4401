import Inference
import Shared

/// Turns a decoded photo into MobileNetV2's input: the torchvision ImageNet recipe
/// (shorter side resized to 256, centre crop 224, RGB scaled to [0, 1], normalised with the
/// ImageNet mean and standard deviation) as an NCHW float tensor [1, 3, 224, 224].
///
/// Resizing is separable: an area (box) filter when shrinking an axis, bilinear when enlarging
/// one (see `ResampleAxis`). Only the pixels inside the crop are computed, and the
/// normalisation is fused into the last pass, so a call allocates two buffers and nothing per
/// pixel. Feed it images decoded with `DecodeOptions(minimumShortSide: 256)`: libjpeg's DCT
/// scaling then does most of the shrinking for free and the filter here is at most ~2:1.
public struct ImagePreprocessor: Sendable {
    /// ImageNet channel means of RGB on [0, 1].
    public static let mean: [Float] = [0.485, 0.456, 0.406]
    /// ImageNet channel standard deviations of RGB on [0, 1].
    public static let standardDeviation: [Float] = [0.229, 0.224, 0.225]

    /// Length the shorter side is resized to before cropping.
    public let resizeShortSide: Int
    /// Side of the square centre crop, which is the model's input size.
    public let cropSize: Int

    /// Creates a preprocessor.
    /// - Parameters:
    ///   - resizeShortSide: Target length of the shorter side (torchvision's `Resize(256)`).
    ///   - cropSize: Side of the centre crop (torchvision's `CenterCrop(224)`).
    public init(resizeShortSide: Int = 256, cropSize: Int = 224) {
        precondition(cropSize >= 1 && resizeShortSide >= cropSize, "crop must fit in the resized image")
        self.resizeShortSide = resizeShortSide
        self.cropSize = cropSize
    }

    /// The size the whole image is resized to: shorter side `resizeShortSide`, longer side
    /// scaled in proportion and truncated (as torchvision's `Resize(int)` does).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        if width <= height {
            return (resizeShortSide, max(resizeShortSide, resizeShortSide * height / width))
        }
        return (max(resizeShortSide, resizeShortSide * width / height), resizeShortSide)
    }

    /// The model input for `image`: a [1, 3, cropSize, cropSize] tensor.
    public func tensor(from image: RGBImage) -> Tensor {
        Tensor(shape: [1, 3, cropSize, cropSize], data: normalisedPlanes(from: image))
    }

    /// The normalised crop as three planes (R, G, B) of `cropSize * cropSize` floats.
    public func normalisedPlanes(from image: RGBImage) -> [Float] {
        precondition(image.width >= 1 && image.height >= 1, "empty image")
        let resized = resizedSize(width: image.width, height: image.height)
        // Floor of half the margin, so odd margins leave the extra pixel on the right/bottom.
        let left = (resized.width - cropSize) / 2
        let top = (resized.height - cropSize) / 2
        let columns = ResampleAxis(sourceSize: image.width, targetSize: resized.width,
                                   outputs: left..<(left + cropSize))
        let rows = ResampleAxis(sourceSize: image.height, targetSize: resized.height,
                                outputs: top..<(top + cropSize))
        let sourceRows = rows.sourceRange
        let crop = cropSize
        let plane = crop * crop

        // Pass 1: horizontal filtering of just the source rows the crop reads, into planar rows.
        let rowPlane = sourceRows.count * crop
        var horizontal = [Float](repeating: 0, count: 3 * rowPlane)
        image.pixels.withUnsafeBufferPointer { pixelBuffer in
            columns.starts.withUnsafeBufferPointer { starts in
                columns.weights.withUnsafeBufferPointer { weights in
                    horizontal.withUnsafeMutableBufferPointer { out in
                        let pixels = pixelBuffer.baseAddress!
                        let taps = columns.taps
                        let stride = image.width * 3
                        for (rowIndex, sourceRow) in sourceRows.enumerated() {
                            let line = pixels + sourceRow * stride
                            let red = out.baseAddress! + rowIndex * crop
                            let green = red + rowPlane
                            let blue = green + rowPlane
                            for c in 0..<crop {
                                var p = line + starts[c] * 3
                                let w = weights.baseAddress! + c * taps
                                var r: Float = 0, g: Float = 0, b: Float = 0
                                for t in 0..<taps {
                                    r += w[t] * Float(p[0])
                                    g += w[t] * Float(p[1])
                                    b += w[t] * Float(p[2])
                                    p += 3
                                }
                                red[c] = r
                                green[c] = g
                                blue[c] = b
                            }
                        }
                    }
                }
            }
        }

        // Pass 2: vertical filtering into the output planes, with x/255 → (x − mean)/std fused
        // as one multiply-add per value.
        let output = [Float](unsafeUninitializedCapacity: 3 * plane) { buffer, count in
            let out = buffer.baseAddress!
            horizontal.withUnsafeBufferPointer { horizontalBuffer in
                rows.weights.withUnsafeBufferPointer { weights in
                    let source = horizontalBuffer.baseAddress!
                    let taps = rows.taps
                    for channel in 0..<3 {
                        let gain = 1 / (255 * Self.standardDeviation[channel])
                        let offset = -Self.mean[channel] / Self.standardDeviation[channel]
                        let channelSource = source + channel * rowPlane
                        for o in 0..<crop {
                            let destination = out + channel * plane + o * crop
                            let firstRow = rows.starts[o] - sourceRows.lowerBound
                            let w = weights.baseAddress! + o * taps
                            var line = channelSource + firstRow * crop
                            let w0 = w[0] * gain
                            for c in 0..<crop { destination[c] = w0 * line[c] + offset }
                            for t in 1..<max(taps, 1) {
                                line += crop
                                let wt = w[t] * gain
                                for c in 0..<crop { destination[c] += wt * line[c] }
                            }
                        }
                    }
                }
            }
            count = 3 * plane
        }
        return output
    }
}
