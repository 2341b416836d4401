/// The spatial geometry of one convolution on one input size, shared by the depthwise and GEMM paths.
struct ConvGeometry {
    /// Input plane size.
    var height: Int, width: Int
    /// Filter size.
    var kernelH: Int, kernelW: Int
    /// Step between output positions, in input pixels.
    var strideH: Int, strideW: Int
    /// Step between filter taps, in input pixels.
    var dilationH: Int, dilationW: Int
    /// Zero padding before the first row and column.
    var padTop: Int, padLeft: Int
    /// Output plane size.
    var outH: Int, outW: Int

    /// Padded plane rows (enough for every tap of every output row).
    var paddedH: Int { max(height + padTop, (outH - 1) * strideH + (kernelH - 1) * dilationH + 1) }
    /// Padded plane row stride (even, with slack).
    var paddedW: Int { (max(width + padLeft, (outW - 1) * strideW + (kernelW - 1) * dilationW + 1) + 33) & ~1 }
    /// Floats of scratch per thread.
    var planeCount: Int { paddedH * paddedW }
}
