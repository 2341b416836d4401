import Foundation
import Testing
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
