import Foundation
import Testing
@testable import Inference
@testable import Worker

/// The engine's figures for `bench/engine`: per model latency (median, p90, one thread), MobileNetV2
/// photos/s per core at batch sizes 1–16, with two analysis threads, and memory: the model's
/// (resident-set growth while loading: decoded and packed weights, shared by all sessions) and each
/// session's (its planned activation buffers and scratch). Runs only with ROOST_ENGINE_BENCH=RUNS; prints one `ENGINE {json}` line per figure,
/// which bench/engine.d/compare.py reads beside ONNX Runtime's on the same inputs.
@Suite("EngineBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["ROOST_ENGINE_BENCH"] != nil))
struct EngineBenchmarkTests {
    static let runs = Int(ProcessInfo.processInfo.environment["ROOST_ENGINE_BENCH"] ?? "") ?? 50

    @Test("latency per model, one thread", arguments: ["mobilenet_v2", "yunet", "sface"])
    func latency(name: String) throws {
        let reference = try ReferenceCase(group: "modeltests", name: name)
        let before = residentBytes()
        let model = try InferenceModel(contentsOf: reference.modelURL, threads: 1)
        let loaded = residentBytes()
        let session = model.makeSession()
        let inputs = try reference.inputs
        for _ in 0..<5 { _ = try session.run(inputs) }
        let times = try (0..<Self.runs).map { _ in try milliseconds { _ = try session.run(inputs) } }.sorted()
        report(["model": name, "figure": "latency", "median_ms": times[times.count / 2],
                "p90_ms": times[times.count * 9 / 10], "min_ms": times[0],
                "model_mb": Double(loaded - before) / 1e6, "session_mb": Double(session.plannedBytes) / 1e6])
    }

    @Test("MobileNetV2 photos/s per core by batch size")
    func batches() throws {
        let reference = try ReferenceCase(group: "modeltests", name: "mobilenet_v2")
        let model = try InferenceModel(contentsOf: reference.modelURL, threads: 1)
        let photo = try reference.inputs["input"]!
        for batch in [1, 4, 8, 16] {
            let session = model.makeSession()
            let input = ["input": Tensor(shape: [batch, 3, 224, 224], data: Array((0..<batch).map { _ in photo.data }.joined()))]
            _ = try session.run(input)
            let rounds = max(3, Self.runs * 2 / batch)
            let times = try (0..<rounds).map { _ in try milliseconds { _ = try session.run(input) } }.sorted()
            let median = times[times.count / 2]
            report(["model": "mobilenet_v2", "figure": "batch", "batch": Double(batch), "median_ms": median,
                    "photos_per_s": Double(batch) * 1000 / median, "session_mb": Double(session.plannedBytes) / 1e6])
        }
    }

    @Test("MobileNetV2 photos/s with two analysis threads")
    func threads() throws {
        let reference = try ReferenceCase(group: "modeltests", name: "mobilenet_v2")
        let inputs = try reference.inputs
        let perThread = Self.runs * 2
        // Two sessions of one shared model on two threads (the worker's ROOST_WORKER_THREADS=2).
        let shared = try InferenceModel(contentsOf: reference.modelURL, threads: 1)
        let sessions = [shared.makeSession(), shared.makeSession()]
        for session in sessions { _ = try session.run(inputs) }
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for session in sessions {
            let box = UncheckedBox(session)
            group.enter()
            Thread.detachNewThread {
                for _ in 0..<perThread { _ = try? box.value.run(inputs) }
                group.leave()
            }
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        report(["model": "mobilenet_v2", "figure": "threads", "threads": 2, "mode": 0,
                "photos_per_s": Double(2 * perThread) / seconds])
        // One session whose operators split each layer over two threads.
        let split = try InferenceModel(contentsOf: reference.modelURL, threads: 2)
        let session = split.makeSession()
        _ = try session.run(inputs)
        let times = try (0..<perThread).map { _ in try milliseconds { _ = try session.run(inputs) } }.sorted()
        report(["model": "mobilenet_v2", "figure": "threads", "threads": 2, "mode": 1,
                "photos_per_s": 1000 / times[times.count / 2]])
    }

    private func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    private func report(_ fields: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        print("ENGINE " + String(decoding: data, as: UTF8.self))
    }

    /// The process's resident set size, from /proc/self/statm.
    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
