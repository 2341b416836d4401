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
