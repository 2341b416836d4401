import Foundation
import Testing
@testable import Inference
@testable import Worker

@Suite("InferenceProtobuf")
struct InferenceProtobufTests {
    @Test("varints decode across byte boundaries, including 64-bit and negative int64")
    func varints() throws {
        // 1, 300, 2^35, and -1 as a ten-byte two's complement varint.
        let bytes: [UInt8] = [0x01, 0xAC, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01] + [UInt8](repeating: 0xFF, count: 9) + [0x01]
        var reader = ProtobufReader(bytes: bytes)
        #expect(try reader.readVarint() == 1)
        #expect(try reader.readVarint() == 300)
        #expect(try reader.readVarint() == 1 << 35)
        #expect(Int64(bitPattern: try reader.readVarint()) == -1)
        #expect(reader.isAtEnd)
    }

    @Test("packed and unpacked repeated fields give the same values")
    func packedFields() throws {
        // Field 8, packed: [3, 270]; then field 8 unpacked twice: 5, 6.
        let bytes: [UInt8] = [0x42, 0x03, 0x03, 0x8E, 0x02, 0x40, 0x05, 0x40, 0x06]
        var reader = ProtobufReader(bytes: bytes)
        var ints: [Int64] = []
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            #expect(field == 8)
            try reader.readVarints(wire, into: &ints)
        }
        #expect(ints == [3, 270, 5, 6])
        // Packed floats 1.5 and -2 as fixed32 little-endian.
        var floats: [Float] = []
        var packed = ProtobufReader(bytes: [0x08] + [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        try packed.readFloats(.lengthDelimited, into: &floats)
        #expect(floats == [1.5, -2])
    }

    @Test("truncated varints, lengths and fixed-width values throw instead of crashing")
    func truncated() {
        var varint = ProtobufReader(bytes: [0x80, 0x80])
        #expect(throws: InferenceError.self) { try varint.readVarint() }
        var length = ProtobufReader(bytes: [0x0A, 0x05, 0x01])
        #expect(throws: InferenceError.self) { _ = try length.readKey(); _ = try length.readLengthDelimited() }
        var fixed = ProtobufReader(bytes: [0x01, 0x02])
        #expect(throws: InferenceError.self) { try fixed.readFixed32() }
        var overlong = ProtobufReader(bytes: [UInt8](repeating: 0xFF, count: 11))
        #expect(throws: InferenceError.self) { try overlong.readVarint() }
    }

    @Test("a truncated model file throws corrupt_model, at every cut point tried")
    func truncatedModel() throws {
        let url = ReferenceCase.root.appendingPathComponent(".cache/optests/conv_basic/model.onnx")
        _ = try ReferenceCase(group: "optests", name: "conv_basic")
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(throws: Never.self) { try InferenceModel(bytes: bytes) }
        for cut in stride(from: 1, to: bytes.count - 1, by: max(1, bytes.count / 97)) {
            #expect(throws: InferenceError.self) { try InferenceModel(bytes: Array(bytes[..<cut])) }
        }
    }

    @Test("random bytes and an empty file throw InferenceError")
    func randomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 64, 4096] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: InferenceError.self) { try InferenceModel(bytes: bytes) }
        }
        let missing = URL(fileURLWithPath: "/nonexistent/model.onnx")
        let error = #expect(throws: InferenceError.self) { try InferenceModel(contentsOf: missing) }
        #expect(error?.code == "unreadable_model")
    }

    @Test("an unsupported operator is named, with its node, at load time")
    func unsupportedOperator() throws {
        // ModelProto{ graph{ node{ input "x" output "y" name "n1" op_type "Softmax" } } opset_import{version 13} }
        func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(payload.count)] + payload }
        let node = field(1, Array("x".utf8)) + field(2, Array("y".utf8)) + field(3, Array("n1".utf8)) + field(4, Array("Softmax".utf8))
        let model = field(7, field(1, node)) + field(8, [0x10, 13])
        let error = #expect(throws: InferenceError.self) { try InferenceModel(bytes: model) }
        #expect(error?.code == "unsupported_op")
        #expect(error?.message.contains("Softmax") == true && error?.message.contains("n1") == true)
    }
}

@Suite("InferenceFuzz")
struct InferenceFuzzTests {
    @Test("mutated model bytes either throw InferenceError or load and run; nothing crashes",
          arguments: ["conv_basic", "gap_flatten_gemm", "dequantize_block_conv", "transpose_reshape_concat_sigmoid"])
    func mutatedModels(name: String) throws {
        let reference = try ReferenceCase(group: "optests", name: name)
        let original = [UInt8](try Data(contentsOf: reference.modelURL))
        let inputs = try reference.inputs
        var generator = SeededGenerator(seed: UInt64(name.utf8.count))
        var loaded = 0, rejected = 0
        for _ in 0..<1000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                let model = try InferenceModel(bytes: bytes)
                loaded += 1
                _ = try? model.makeSession().run(inputs)
            } catch is InferenceError {
                rejected += 1
            }
        }
        #expect(loaded + rejected == 1000)
        if ProcessInfo.processInfo.environment["INFERENCE_VERBOSE"] != nil { print("FUZZ \(name) loaded=\(loaded) rejected=\(rejected)") }
    }
}
