/// A bounds-checked reader of the protobuf wire format over a byte array slice.
///
/// Every read checks the remaining length and throws `InferenceError.corrupt` rather than trapping,
/// so a truncated or random file can never crash the process.
struct ProtobufReader {
    /// Protobuf wire types (the low three bits of a field key).
    enum WireType: Int {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    private let bytes: [UInt8]
    private(set) var position: Int
    private let end: Int

    /// Reads `bytes[range]`.
    init(bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// True when every byte of the message has been consumed.
    var isAtEnd: Bool { position >= end }

    /// Reads a base-128 varint of at most ten bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw InferenceError.corrupt("truncated varint at byte \(position)") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw InferenceError.corrupt("varint longer than 10 bytes at byte \(position)") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads a field key and returns its number and wire type.
    mutating func readKey() throws -> (field: Int, wire: WireType) {
        let key = try readVarint()
        guard let wire = WireType(rawValue: Int(key & 7)), key >> 3 > 0, key >> 3 < (1 << 29) else {
            throw InferenceError.corrupt("invalid field key \(key) at byte \(position)")
        }
        return (Int(key >> 3), wire)
    }

    /// Reads a little-endian 32-bit word.
    mutating func readFixed32() throws -> UInt32 {
        guard end - position >= 4 else { throw InferenceError.corrupt("truncated fixed32 at byte \(position)") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return value
    }

    /// Reads a little-endian 64-bit word.
    mutating func readFixed64() throws -> UInt64 {
        guard end - position >= 8 else { throw InferenceError.corrupt("truncated fixed64 at byte \(position)") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return value
    }

    /// Reads a length prefix and returns the byte range it covers, advancing past it.
    mutating func readLengthDelimited() throws -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw InferenceError.corrupt("length \(length) at byte \(position) runs past the end of its message")
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// A reader over a nested message.
    mutating func readMessage() throws -> ProtobufReader {
        ProtobufReader(bytes: bytes, range: try readLengthDelimited())
    }

    /// Reads a length-delimited UTF-8 string (invalid UTF-8 is repaired, not fatal).
    mutating func readString() throws -> String {
        String(decoding: bytes[try readLengthDelimited()], as: UTF8.self)
    }

    /// Reads length-delimited raw bytes.
    mutating func readBytes() throws -> ArraySlice<UInt8> {
        bytes[try readLengthDelimited()]
    }

    /// Skips one field's value of the given wire type (unknown fields are ignored).
    mutating func skip(_ wire: WireType) throws {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw InferenceError.corrupt("deprecated group wire type at byte \(position)")
        }
    }

    /// Appends a repeated varint field, accepting both packed and unpacked encodings.
    mutating func readVarints(_ wire: WireType, into values: inout [Int64]) throws {
        if wire == .lengthDelimited {
            var packed = try readMessage()
            while !packed.isAtEnd { values.append(Int64(bitPattern: try packed.readVarint())) }
        } else if wire == .varint {
            values.append(Int64(bitPattern: try readVarint()))
        } else {
            throw InferenceError.corrupt("repeated integer field with wire type \(wire)")
        }
    }

    /// Appends a repeated float field, accepting both packed and unpacked encodings.
    mutating func readFloats(_ wire: WireType, into values: inout [Float]) throws {
        if wire == .lengthDelimited {
            var packed = try readMessage()
            guard (packed.end - packed.position) % 4 == 0 else { throw InferenceError.corrupt("packed floats not a multiple of 4 bytes") }
            values.reserveCapacity(values.count + (packed.end - packed.position) / 4)
            while !packed.isAtEnd { values.append(Float(bitPattern: try packed.readFixed32())) }
        } else if wire == .fixed32 {
            values.append(Float(bitPattern: try readFixed32()))
        } else {
            throw InferenceError.corrupt("repeated float field with wire type \(wire)")
        }
    }

    /// Appends a repeated double field (packed or not), converted to Float.
    mutating func readDoubles(_ wire: WireType, into values: inout [Float]) throws {
        if wire == .lengthDelimited {
            var packed = try readMessage()
            while !packed.isAtEnd { values.append(Float(Double(bitPattern: try packed.readFixed64()))) }
        } else if wire == .fixed64 {
            values.append(Float(Double(bitPattern: try readFixed64())))
        } else {
            throw InferenceError.corrupt("repeated double field with wire type \(wire)")
        }
    }
}
