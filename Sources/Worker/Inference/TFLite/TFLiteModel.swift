import Foundation

/// The parts of a TFLite model (`schema.fbs`, identifier `TFL3`) the engine reads: the first
/// subgraph's tensors, with the constant ones' values, and its operators in execution order.
struct TFLiteModel {
    /// A tensor of the subgraph.
    struct TensorInfo {
        /// Name given by the converter (the TensorFlow op it came from).
        let name: String
        /// Shape as stored: dimensions that depend on the input length are placeholders (often 1).
        let shape: [Int]
        /// `TensorType` code: 0 float32, 1 float16, 2 int32, 4 int64, 6 bool, 8 complex64.
        let type: Int
        /// Values of a constant tensor as floats (float32, float16) or integers (int32, int64); nil for activations.
        let constant: Constant?
    }

    /// A constant tensor's values.
    enum Constant {
        /// float32 or float16 values (float16 widened).
        case floats([Float])
        /// int32 or int64 values.
        case integers([Int])
    }

    /// One operator application.
    struct Operation {
        /// The builtin operator (`BuiltinOperator` code, e.g. 3 = CONV_2D).
        let code: Int
        /// Input tensor indices (-1 for an omitted optional input).
        let inputs: [Int]
        /// Output tensor indices.
        let outputs: [Int]
        /// Where the operator's options table starts in the file (layout depends on `code`), nil when it has none.
        let optionsPosition: Int?
    }

    /// Every tensor, by index.
    let tensors: [TensorInfo]
    /// Operators in execution order.
    let operations: [Operation]
    /// Subgraph inputs and outputs (tensor indices).
    let inputs: [Int], outputs: [Int]
    /// The file's bytes: operation options are read from them on demand.
    private let storage: [UInt8]

    /// Decodes `bytes`; throws `InferenceError.invalidGraph` on anything that is not a TFLite model.
    init(bytes: [UInt8]) throws {
        storage = bytes
        guard bytes.count >= 8, Array(bytes[4..<8]) == Array("TFL3".utf8) else {
            throw InferenceError.invalidGraph("not a TFLite model (no TFL3 identifier)")
        }
        (tensors, operations, inputs, outputs) = try bytes.withUnsafeBytes { try TFLiteModel.decode($0) }
    }

    /// Reads `operation`'s options table with `body`; nil when the operator has no options.
    func options<T>(of operation: Operation, _ body: (FlatBufferTable) throws -> T) throws -> T? {
        guard let position = operation.optionsPosition else { return nil }
        return try storage.withUnsafeBytes { try body(try FlatBufferTable(bytes: $0, position: position)) }
    }

    /// Decodes the first subgraph of the file in `raw`.
    private static func decode(_ raw: UnsafeRawBufferPointer) throws
        -> (tensors: [TensorInfo], operations: [Operation], inputs: [Int], outputs: [Int]) {
        let model = try FlatBufferTable.root(of: raw)
        let codes = try model.tables(1).map { code -> Int in
            // `builtin_code` (int32) superseded `deprecated_builtin_code` (int8) past 127.
            max(Int(try code.scalar(0, Int8(0))), Int(try code.scalar(3, Int32(0))))
        }
        let buffers = try model.tables(4)
        guard let graph = try model.tables(2).first else { throw InferenceError.invalidGraph("TFLite model has no subgraph") }
        let tensors = try graph.tables(0).map { tensor in
            let type = Int(try tensor.scalar(1, Int8(0)))
            let buffer = Int(try tensor.scalar(2, UInt32(0)))
            var constant: Constant?
            if buffer > 0, buffer < buffers.count, let (start, count) = try buffers[buffer].vector(0, elementSize: 1), count > 0 {
                constant = try TFLiteModel.values(raw, start: start, bytes: count, type: type)
            }
            return TensorInfo(name: try tensor.string(3), shape: try tensor.int32s(0), type: type, constant: constant)
        }
        let operations = try graph.tables(3).map { op in
            let index = Int(try op.scalar(0, UInt32(0)))
            guard index < codes.count else { throw InferenceError.invalidGraph("TFLite operator code \(index) is undefined") }
            return Operation(code: codes[index], inputs: try op.int32s(1), outputs: try op.int32s(2),
                             optionsPosition: try op.table(4)?.position)
        }
        let inputs = try graph.int32s(1), outputs = try graph.int32s(2)
        for index in operations.flatMap({ $0.inputs + $0.outputs }) + inputs + outputs where index >= tensors.count {
            throw InferenceError.invalidGraph("TFLite operator refers to tensor \(index) of \(tensors.count)")
        }
        return (tensors, operations, inputs, outputs)
    }

    /// Reads a constant buffer of `type`.
    private static func values(_ raw: UnsafeRawBufferPointer, start: Int, bytes: Int, type: Int) throws -> Constant? {
        func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
            (0..<bytes / MemoryLayout<T>.size).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * MemoryLayout<T>.size, as: T.self)) }
        }
        switch type {
        case 0: return .floats(load(UInt32.self).map { Float(bitPattern: $0) })
        case 1: return .floats(load(UInt16.self).map { Float(Float16(bitPattern: $0)) })
        case 2: return .integers(load(Int32.self).map { Int($0) })
        case 4: return .integers(load(Int64.self).map { Int($0) })
        default: return nil
        }
    }
}

/// The TFLite builtin operator codes the importer knows (`BuiltinOperator` in schema.fbs).
enum TFLiteOp {
    static let add = 0, averagePool = 1, concatenation = 2, conv2D = 3, depthwiseConv2D = 4
    static let dequantize = 6, fullyConnected = 9, logistic = 14, maxPool = 17, mul = 18
    static let reshape = 22, pad = 34, gather = 36, transpose = 39, mean = 40, sub = 41, div = 42
    static let squeeze = 43, stridedSlice = 45, cast = 53, maximum = 55, less = 58, greater = 61
    static let sin = 66, expandDims = 70, shape = 77, pow = 78, reduceProd = 81, reduceMax = 82
    static let pack = 83, reduceMin = 89, floorDiv = 90, range = 96, splitV = 102, reverseV2 = 105
    static let selectV2 = 123, rfft2D = 131
}
