/// Precomputed resampling weights along one axis: for each output sample, the first source
/// sample it reads and `taps` weights (zero-padded, so every output reads the same number).
///
/// Downscaling (or 1:1) uses an area (box) filter: each output sample averages the source
/// samples its footprint covers, weighted by overlap, which is what keeps a 2:1 reduction free of
/// aliasing. Upscaling uses bilinear interpolation with half-pixel centres (as Pillow and
/// torchvision do).
struct ResampleAxis {
    /// Source samples read per output sample.
    let taps: Int
    /// For each output sample, the index of its first source sample.
    let starts: [Int]
    /// `starts.count * taps` weights, output-major; each output's weights sum to 1.
    let weights: [Float]

    /// The source range read by all outputs together (for sizing intermediate buffers).
    var sourceRange: Range<Int> {
        guard let first = starts.first, let last = starts.last else { return 0..<0 }
        return first..<(last + taps)
    }

    /// Weights for outputs `outputs` of a resize from `sourceSize` to `targetSize` samples.
    /// - Parameters:
    ///   - sourceSize: Samples along this axis in the source (≥ 1).
    ///   - targetSize: Samples along this axis in the full resized image (≥ 1).
    ///   - outputs: The output samples wanted (a crop of the resized axis).
    init(sourceSize: Int, targetSize: Int, outputs: Range<Int>) {
        precondition(sourceSize >= 1 && targetSize >= 1, "empty axis")
        let scale = Double(sourceSize) / Double(targetSize)
        if scale >= 1 {
            self = Self.box(sourceSize: sourceSize, scale: scale, outputs: outputs)
        } else {
            self = Self.bilinear(sourceSize: sourceSize, scale: scale, outputs: outputs)
        }
    }

    private init(taps: Int, starts: [Int], weights: [Float]) {
        self.taps = taps
        self.starts = starts
        self.weights = weights
    }

    /// Area filter: output `i` covers source interval [i·scale, (i+1)·scale).
    private static func box(sourceSize: Int, scale: Double, outputs: Range<Int>) -> ResampleAxis {
        // An interval of length `scale` touches at most ceil(scale) + 1 source samples.
        let taps = min(sourceSize, Int(scale.rounded(.up)) + 1)
        var starts = [Int]()
        var weights = [Float]()
        starts.reserveCapacity(outputs.count)
        weights.reserveCapacity(outputs.count * taps)
        for i in outputs {
            let low = Double(i) * scale
            let high = min(Double(sourceSize), Double(i + 1) * scale)
            // Keep the window inside the image; the weights below are measured from `start`.
            let start = max(0, min(Int(low.rounded(.down)), sourceSize - taps))
            // Overlap of source sample j's extent [j, j+1) with the footprint, over its length.
            let first = weights.count
            var total = 0.0
            for t in 0..<taps {
                let j = Double(start + t)
                let overlap = max(0, min(high, j + 1) - max(low, j))
                total += overlap
                weights.append(Float(overlap))
            }
            for k in first..<weights.count { weights[k] = Float(Double(weights[k]) / total) }
            starts.append(start)
        }
        return ResampleAxis(taps: taps, starts: starts, weights: weights)
    }

    /// Bilinear: output `i` samples the source at (i + 0.5)·scale − 0.5, clamped to the edges.
    private static func bilinear(sourceSize: Int, scale: Double, outputs: Range<Int>) -> ResampleAxis {
        let taps = min(2, sourceSize)
        var starts = [Int]()
        var weights = [Float]()
        for i in outputs {
            let centre = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(sourceSize - 1))
            if taps == 1 {
                starts.append(0)
                weights.append(1)
                continue
            }
            let start = min(Int(centre.rounded(.down)), sourceSize - 2)
            let fraction = Float(centre - Double(start))
            starts.append(start)
            weights.append(1 - fraction)
            weights.append(fraction)
        }
        return ResampleAxis(taps: taps, starts: starts, weights: weights)
    }
}
