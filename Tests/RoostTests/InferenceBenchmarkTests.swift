import Foundation
import Testing
@testable import Inference
@testable import Worker

/// Latency of the real models; runs only with INFERENCE_BENCH=1 (timings are meaningless in a busy test run).
/// `INFERENCE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter InferenceBenchmark`
@Suite("InferenceBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["INFERENCE_BENCH"] != nil))
struct InferenceBenchmarkTests {
    @Test("median single-run latency", arguments: ["mobilenet_v2", "yunet", "sface"])
    func latency(name: String) throws {
        let reference = try ReferenceCase(group: "modeltests", name: name)
        let threads = Int(ProcessInfo.processInfo.environment["INFERENCE_THREADS"] ?? "1") ?? 1
        let model = try InferenceModel(contentsOf: reference.modelURL, threads: threads)
        let session = model.makeSession()
        let inputs = try reference.inputs
        for _ in 0..<5 { _ = try session.run(inputs) }
        var times: [Double] = []
        for _ in 0..<50 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try session.run(inputs)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        if ProcessInfo.processInfo.environment["INFERENCE_PROFILE"] != nil {
            session.stepTimes = []
            for _ in 0..<30 { _ = try session.run(inputs) }
            for (step, ms) in zip(model.graph.steps, session.stepTimes!) {
                print("STEP \(name) \(step.label) \(type(of: step.op)) \(String(format: "%.3f", ms))")
            }
        }
        print("BENCH \(name) threads=\(threads) halfTiles=\(Gemm.prefersHalfTiles) median=\(String(format: "%.2f", times[times.count / 2])) ms min=\(String(format: "%.2f", times[0])) ms")
    }
}

/// GEMM throughput on MobileNetV2's layer shapes (min of repeated runs, robust to a busy machine).
@Suite("GemmShapeBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["INFERENCE_BENCH"] != nil))
struct GemmShapeBenchmarkTests {
    @Test("GFLOP/s per layer shape")
    func shapes() {
        let shapes: [(String, Int, Int, Int, Epilogue.Kind)] = [
            ("expand 16→96 @112²", 96, 16, 12544, .clip), ("expand 16→96 @28²", 96, 16, 784, .clip),
            ("project 96→24 @56²", 24, 96, 3136, .none), ("expand 24→144 @56²", 144, 24, 3136, .clip),
            ("project 144→24 @56²", 24, 144, 3136, .none), ("expand 96→576 @14²", 576, 96, 196, .clip),
            ("project 576→96 @14²", 96, 576, 196, .none), ("project 960→320 @7²", 320, 960, 49, .none),
            ("conv 320→1280 @7²", 1280, 320, 49, .clip), ("in-cache 96×256×256", 96, 256, 256, .none),
        ]
        for (name, m, k, n, kind) in shapes {
            let a = [Float](repeating: 0.01, count: m * k)
            let packed = Gemm.pack(a, m: m, k: k, rowStride: k)
            let b = alignedFloats(k * n), c = alignedFloats(m * n)
            let bias = alignedFloats(m)
            b.initialize(repeating: 0.5, count: k * n); bias.initialize(repeating: 0.1, count: m)
            let scratch = alignedFloats(Gemm.scratchCount(k: k, threads: 1))
            var epilogue = Epilogue(bias: UnsafePointer(bias)); epilogue.kind = kind; epilogue.low = 0; epilogue.high = 6
            var best = UInt64.max
            for _ in 0..<200 {
                let start = DispatchTime.now().uptimeNanoseconds
                Gemm.multiply(packedA: packed.pointer, m: m, k: k, b: b, ldb: n, n: n, c: c, ldc: n,
                              epilogue: epilogue, scratch: scratch, threads: 1)
                best = min(best, DispatchTime.now().uptimeNanoseconds - start)
            }
            let gflops = Double(2 * m * k * n) / Double(best)
            print("GEMM \(name) m=\(m) k=\(k) n=\(n) min=\(String(format: "%.3f", Double(best) / 1e6)) ms \(String(format: "%.1f", gflops)) GFLOP/s")
            b.deallocate(); c.deallocate(); bias.deallocate(); scratch.deallocate()
        }
    }
}

/// Depthwise 3×3 throughput on MobileNetV2's layer shapes (min of repeated runs).
@Suite("DepthwiseShapeBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["INFERENCE_BENCH"] != nil))
struct DepthwiseShapeBenchmarkTests {
    @Test("ms per layer shape")
    func shapes() {
        // (channels, input side, stride)
        let shapes = [(32, 112, 1), (96, 112, 2), (144, 56, 1), (144, 56, 2), (192, 28, 1), (384, 14, 1), (576, 14, 2), (960, 7, 1)]
        var total = 0.0
        for (channels, side, stride) in shapes {
            let out = (side + 2 - 3) / stride + 1
            let g = ConvGeometry(height: side, width: side, kernelH: 3, kernelW: 3, strideH: stride, strideW: stride,
                                 dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, outH: out, outW: out)
            let input = alignedFloats(channels * side * side), output = alignedFloats(channels * out * out)
            let weights = alignedFloats(channels * 9), bias = alignedFloats(channels)
            input.initialize(repeating: 0.5, count: channels * side * side)
            weights.initialize(repeating: 0.1, count: channels * 9); bias.initialize(repeating: 0.1, count: channels)
            let scratch = alignedFloats(Depthwise.scratchCount(g, threads: 1))
            var epilogue = Epilogue(bias: UnsafePointer(bias)); epilogue.kind = .clip; epilogue.high = 6
            var best = UInt64.max
            for _ in 0..<200 {
                let start = DispatchTime.now().uptimeNanoseconds
                Depthwise.run(g, channels: channels, input: input, weights: weights, output: output,
                              epilogue: epilogue, scratch: scratch, threads: 1)
                best = min(best, DispatchTime.now().uptimeNanoseconds - start)
            }
            total += Double(best) / 1e6
            print("DW c=\(channels) side=\(side) stride=\(stride) min=\(String(format: "%.3f", Double(best) / 1e6)) ms")
            input.deallocate(); output.deallocate(); weights.deallocate(); bias.deallocate(); scratch.deallocate()
        }
        print("DW total \(String(format: "%.3f", total)) ms")
    }
}
