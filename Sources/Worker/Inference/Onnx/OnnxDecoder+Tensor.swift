extension OnnxDecoder {
    /// Decodes a `TensorProto`, reading `raw_data` (little-endian) or the typed repeated fields.
    static func decodeTensor(_ reader: inout ProtobufReader) throws -> OnnxTensor {
        var name = ""
        var dims: [Int64] = []
        var typeCode: Int32 = 0
        var raw: ArraySlice<UInt8>?
        var floatData: [Float] = []
        var intData: [Int64] = []        // int32_data, int64_data and uint64_data all land here
        var external = false
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            switch (field, wire) {
            case (1, _): try reader.readVarints(wire, into: &dims)
            case (2, .varint): typeCode = Int32(truncatingIfNeeded: try reader.readVarint())
            case (4, _): try reader.readFloats(wire, into: &floatData)
            case (5, _), (7, _), (11, _): try reader.readVarints(wire, into: &intData)
            case (10, _): try reader.readDoubles(wire, into: &floatData)
            case (8, .lengthDelimited): name = try reader.readString()
            case (9, .lengthDelimited): raw = try reader.readBytes()
            case (14, .varint): external = try reader.readVarint() == 1
            default: try reader.skip(wire)
            }
        }
        guard !external else {
            throw InferenceError.corrupt("tensor '\(name)' uses external data, which is not supported")
        }
        guard let type = OnnxTensor.ElementType(rawValue: typeCode) else {
            throw InferenceError.corrupt("tensor '\(name)' has unsupported element type \(typeCode)")
        }
        guard dims.allSatisfy({ $0 >= 0 && $0 < (1 << 40) }) else {
            throw InferenceError.corrupt("tensor '\(name)' has invalid dimensions \(dims)")
        }
        let shape = dims.map { Int($0) }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product < (1 << 40) else { throw InferenceError.corrupt("tensor '\(name)' is too large") }
            count = product
        }
        let storage: OnnxTensor.Storage
        if let raw {
            storage = try decodeRaw(raw, type: type, count: count, name: name)
        } else if type == .float || type == .double {
            storage = .floats(floatData)
        } else {
            // uint64_data holds uint32/uint64; int32_data holds the narrower integer types.
            storage = .integers(intData)
        }
        let stored: Int
        switch storage {
        case .floats(let v): stored = v.count
        case .integers(let v): stored = v.count
        }
        guard stored == count else {
            throw InferenceError.corrupt("tensor '\(name)' has \(stored) values for shape \(shape)")
        }
        return OnnxTensor(name: name, shape: shape, elementType: type, storage: storage)
    }

    /// Converts little-endian `raw_data` bytes to host values.
    private static func decodeRaw(_ raw: ArraySlice<UInt8>, type: OnnxTensor.ElementType,
                                  count: Int, name: String) throws -> OnnxTensor.Storage {
        let width: Int
        switch type {
        case .uint8, .int8, .bool: width = 1
        case .uint16, .int16: width = 2
        case .float, .int32, .uint32: width = 4
        case .int64, .uint64, .double: width = 8
        }
        guard raw.count == count * width else {
            throw InferenceError.corrupt("tensor '\(name)' raw_data has \(raw.count) bytes, expected \(count * width)")
        }
        return raw.withUnsafeBytes { bytes -> OnnxTensor.Storage in
            func word<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                T(littleEndian: bytes.loadUnaligned(fromByteOffset: i * width, as: T.self))
            }
            switch type {
            case .float: return .floats((0..<count).map { Float(bitPattern: word($0, UInt32.self)) })
            case .double: return .floats((0..<count).map { Float(Double(bitPattern: word($0, UInt64.self))) })
            case .uint8, .bool: return .integers((0..<count).map { Int64(bytes[$0]) })
            case .int8: return .integers((0..<count).map { Int64(Int8(bitPattern: bytes[$0])) })
            case .uint16: return .integers((0..<count).map { Int64(word($0, UInt16.self)) })
            case .int16: return .integers((0..<count).map { Int64(word($0, Int16.self)) })
            case .int32: return .integers((0..<count).map { Int64(word($0, Int32.self)) })
            case .uint32: return .integers((0..<count).map { Int64(word($0, UInt32.self)) })
            case .int64: return .integers((0..<count).map { word($0, Int64.self) })
            case .uint64: return .integers((0..<count).map { Int64(bitPattern: word($0, UInt64.self)) })
            }
        }
    }
}
