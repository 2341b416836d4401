import Testing
@testable import Worker

/// Each case is a small graph built by scripts/make_op_tests.py and run through ONNX Runtime.
@Suite("InferenceOperators")
struct InferenceOperatorTests {
    static let cases = [
        "conv_basic", "conv_strided_dilated", "conv_group", "conv_depthwise_s1_relu", "conv_depthwise_s2_clip",
        "conv_depthwise_5x5", "conv_depthwise_unpadded", "conv_depthwise_pad2", "conv_depthwise_s2_pad_after", "conv_pointwise_bn_prelu", "conv_pointwise_wide",
        "conv_same_upper", "conv_valid", "gemm_transb", "gemm_transa", "broadcast_add", "broadcast_mul_both",
        "broadcast_sub_scalar", "prelu_bn_standalone", "resize_nearest_asymmetric_floor", "resize_nearest_half_pixel",
        "resize_linear_half_pixel", "resize_linear_align_corners", "maxpool_2x2", "maxpool_2x2_wide", "maxpool_3x3_pad_ceil",
        "gap_flatten_gemm", "transpose_reshape_concat_sigmoid", "dequantize_block_conv",
        "dequantize_block_axis0_gemm", "dequantize_per_axis_and_tensor",
    ]

    @Test("matches ONNX Runtime within 1e-4 of the output scale", arguments: cases)
    func agreesWithOnnxRuntime(name: String) throws {
        let reference = try ReferenceCase(group: "optests", name: name)
        for (output, result) in try reference.compare() {
            #expect(result.diff <= 1e-4 * max(1, result.scale), "\(name).\(output): max diff \(result.diff), scale \(result.scale)")
        }
    }

    @Test("two threads give the same results as one", arguments: ["conv_basic", "conv_pointwise_wide", "conv_depthwise_s2_clip", "gemm_transb"])
    func threaded(name: String) throws {
        let reference = try ReferenceCase(group: "optests", name: name)
        for (output, result) in try reference.compare(threads: 2) {
            #expect(result.diff <= 1e-4 * max(1, result.scale), "\(name).\(output): max diff \(result.diff)")
        }
    }
}
