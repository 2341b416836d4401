import Foundation
import Synchronization
import Testing
@testable import Inference
@testable import Worker

/// The real models on tensors made from a real photo, against ONNX Runtime's outputs on the same tensors.
/// Models come from models/ (fetched by the project's model scripts); the tests are disabled without them.
@Suite("InferenceModels")
struct InferenceModelTests {
    static func present(_ file: String) -> Bool {
        FileManager.default.fileExists(atPath: ReferenceCase.root.appendingPathComponent("models/\(file)").path)
    }

    @Test("YuNet: all twelve outputs within 1e-3 of ONNX Runtime",
          .enabled(if: present("face_detection_yunet_2023mar_int8bq.onnx")))
    func yunet() throws {
        let results = try ReferenceCase(group: "modeltests", name: "yunet").compare()
        #expect(results.count == 12)
        for (name, r) in results { #expect(r.diff <= 1e-3, "\(name): max diff \(r.diff) (scale \(r.scale))") }
    }

    @Test("YuNet at 480×640 (not its declared 640×640): all outputs within 1e-3 of ONNX Runtime",
          .enabled(if: present("face_detection_yunet_2023mar_int8bq.onnx")))
    func yunetOtherSize() throws {
        let results = try ReferenceCase(group: "modeltests", name: "yunet_480x640").compare()
        #expect(results["cls_8"]?.diff ?? .infinity <= 1e-3)
        for (name, r) in results { #expect(r.diff <= 1e-3, "\(name): max diff \(r.diff) (scale \(r.scale))") }
    }

    @Test("an input the graph cannot take is rejected with bad_input, and the session still works after",
          .enabled(if: present("mobilenet_v2.onnx")))
    func wrongShape() throws {
        let reference = try ReferenceCase(group: "modeltests", name: "mobilenet_v2")
        let session = try InferenceModel(contentsOf: reference.modelURL).makeSession()
        let error = #expect(throws: InferenceError.self) {
            try session.run(["input": Tensor(shape: [1, 4, 224, 224], repeating: 0)])
        }
        #expect(error?.code == "bad_input")
        #expect(throws: InferenceError.self) { try session.run([:]) }
        let logits = try session.run(try reference.inputs)["logits"]
        #expect(logits?.shape == [1, 1000])
    }

    @Test("one model shared by sessions on two threads gives the reference logits on both",
          .enabled(if: present("mobilenet_v2.onnx")))
    func sharedAcrossThreads() throws {
        let reference = try ReferenceCase(group: "modeltests", name: "mobilenet_v2")
        let model = try InferenceModel(contentsOf: reference.modelURL)
        let inputs = try reference.inputs
        let expected = try reference.tensor(reference.manifest.outputs[0]).data
        let worst = Mutex<Float>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let session = model.makeSession()
            for _ in 0..<3 {
                let logits = (try? session.run(inputs)["logits"]?.data) ?? []
                let diff = logits.count == expected.count ? zip(logits, expected).map { abs($0 - $1) }.max() ?? 0 : .infinity
                worst.withLock { $0 = max($0, diff) }
            }
        }
        #expect(worst.withLock { $0 } <= 1e-3)
    }

    @Test("SFace: the 128-d embedding within 1e-3 of ONNX Runtime",
          .enabled(if: present("face_recognition_sface_2021dec_int8bq.onnx")))
    func sface() throws {
        let model = try InferenceModel(contentsOf: ReferenceCase.root.appendingPathComponent("models/face_recognition_sface_2021dec_int8bq.onnx"))
        #expect(model.inputNames == ["data"])
        for (name, r) in try ReferenceCase(group: "modeltests", name: "sface").compare() {
            #expect(r.diff <= 1e-3, "\(name): max diff \(r.diff) (scale \(r.scale))")
        }
    }

    @Test("MobileNetV2: logits within 1e-3 of ONNX Runtime, on one and two threads",
          .enabled(if: present("mobilenet_v2.onnx")))
    func mobilenet() throws {
        let reference = try ReferenceCase(group: "modeltests", name: "mobilenet_v2")
        for threads in [1, 2] {
            for (name, r) in try reference.compare(threads: threads) {
                #expect(r.diff <= 1e-3, "\(name) (\(threads) threads): max diff \(r.diff) (scale \(r.scale))")
            }
        }
    }
}
