/// Decodes an ONNX `ModelProto` from its protobuf bytes (field numbers from onnx.proto).
enum OnnxDecoder {
    /// Decodes a whole model file; throws `InferenceError` (`corrupt_model`) on malformed input.
    static func decodeModel(_ bytes: [UInt8]) throws -> OnnxModel {
        var reader = ProtobufReader(bytes: bytes)
        var model = OnnxModel()
        var sawGraph = false
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            switch (field, wire) {
            case (1, .varint): model.irVersion = Int64(bitPattern: try reader.readVarint())
            case (7, .lengthDelimited):
                var sub = try reader.readMessage()
                model.graph = try decodeGraph(&sub)
                sawGraph = true
            case (8, .lengthDelimited):
                var sub = try reader.readMessage()
                var domain = ""
                var version: Int64 = 0
                while !sub.isAtEnd {
                    let (f, w) = try sub.readKey()
                    switch (f, w) {
                    case (1, .lengthDelimited): domain = try sub.readString()
                    case (2, .varint): version = Int64(bitPattern: try sub.readVarint())
                    default: try sub.skip(w)
                    }
                }
                model.opsets[domain == "ai.onnx" ? "" : domain] = version
            default: try reader.skip(wire)
            }
        }
        guard sawGraph else { throw InferenceError.corrupt("the file has no graph (not an ONNX model?)") }
        return model
    }

    /// Decodes a `GraphProto`.
    static func decodeGraph(_ reader: inout ProtobufReader) throws -> OnnxGraph {
        var graph = OnnxGraph()
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            guard wire == .lengthDelimited else { try reader.skip(wire); continue }
            switch field {
            case 1: var sub = try reader.readMessage(); graph.nodes.append(try decodeNode(&sub))
            case 2: graph.name = try reader.readString()
            case 5: var sub = try reader.readMessage(); graph.initializers.append(try decodeTensor(&sub))
            case 11: var sub = try reader.readMessage(); graph.inputs.append(try decodeValueInfo(&sub))
            case 12: var sub = try reader.readMessage(); graph.outputs.append(try decodeValueInfo(&sub))
            default: try reader.skip(wire)
            }
        }
        return graph
    }

    /// Decodes a `NodeProto`.
    static func decodeNode(_ reader: inout ProtobufReader) throws -> OnnxNode {
        var node = OnnxNode()
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            guard wire == .lengthDelimited else { try reader.skip(wire); continue }
            switch field {
            case 1: node.inputs.append(try reader.readString())
            case 2: node.outputs.append(try reader.readString())
            case 3: node.name = try reader.readString()
            case 4: node.opType = try reader.readString()
            case 7: node.domain = try reader.readString()
            case 5:
                var sub = try reader.readMessage()
                let (name, value) = try decodeAttribute(&sub)
                node.attributes[name] = value
            default: try reader.skip(wire)
            }
        }
        return node
    }

    /// Decodes an `AttributeProto` into its name and typed value.
    static func decodeAttribute(_ reader: inout ProtobufReader) throws -> (String, OnnxAttribute) {
        var name = ""
        var type: UInt64 = 0
        var f: Float = 0, i: Int64 = 0, s = "", t: OnnxTensor?
        var floats: [Float] = [], ints: [Int64] = [], strings: [String] = [], tensors: [OnnxTensor] = []
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            switch (field, wire) {
            case (1, .lengthDelimited): name = try reader.readString()
            case (20, .varint): type = try reader.readVarint()
            case (2, .fixed32): f = Float(bitPattern: try reader.readFixed32())
            case (3, .varint): i = Int64(bitPattern: try reader.readVarint())
            case (4, .lengthDelimited): s = try reader.readString()
            case (5, .lengthDelimited): var sub = try reader.readMessage(); t = try decodeTensor(&sub)
            case (7, _): try reader.readFloats(wire, into: &floats)
            case (8, _): try reader.readVarints(wire, into: &ints)
            case (9, .lengthDelimited): strings.append(try reader.readString())
            case (10, .lengthDelimited): var sub = try reader.readMessage(); tensors.append(try decodeTensor(&sub))
            default: try reader.skip(wire)
            }
        }
        // AttributeProto.AttributeType: FLOAT=1 INT=2 STRING=3 TENSOR=4 GRAPH=5 FLOATS=6 INTS=7 STRINGS=8 TENSORS=9 GRAPHS=10.
        switch type {
        case 1: return (name, .float(f))
        case 2: return (name, .int(i))
        case 3: return (name, .string(s))
        case 4:
            guard let t else { throw InferenceError.corrupt("tensor attribute '\(name)' has no tensor") }
            return (name, .tensor(t))
        case 5, 10: return (name, .graph)
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        case 8: return (name, .strings(strings))
        case 9: return (name, .tensors(tensors))
        default: throw InferenceError.corrupt("attribute '\(name)' has unsupported type \(type)")
        }
    }

    /// Decodes a `ValueInfoProto` (name, element type, shape).
    static func decodeValueInfo(_ reader: inout ProtobufReader) throws -> OnnxValueInfo {
        var info = OnnxValueInfo()
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            switch (field, wire) {
            case (1, .lengthDelimited): info.name = try reader.readString()
            case (2, .lengthDelimited):
                var type = try reader.readMessage()
                while !type.isAtEnd {
                    let (f, w) = try type.readKey()
                    guard f == 1, w == .lengthDelimited else { try type.skip(w); continue }
                    var tensorType = try type.readMessage()   // TypeProto.Tensor
                    while !tensorType.isAtEnd {
                        let (tf, tw) = try tensorType.readKey()
                        switch (tf, tw) {
                        case (1, .varint): info.elementType = Int32(truncatingIfNeeded: try tensorType.readVarint())
                        case (2, .lengthDelimited):
                            var shape = try tensorType.readMessage()
                            info.shape = try decodeShape(&shape)
                        default: try tensorType.skip(tw)
                        }
                    }
                }
            default: try reader.skip(wire)
            }
        }
        return info
    }

    /// Decodes a `TensorShapeProto`; symbolic dimensions become nil.
    static func decodeShape(_ reader: inout ProtobufReader) throws -> [Int?] {
        var dims: [Int?] = []
        while !reader.isAtEnd {
            let (field, wire) = try reader.readKey()
            guard field == 1, wire == .lengthDelimited else { try reader.skip(wire); continue }
            var dim = try reader.readMessage()
            var value: Int?
            while !dim.isAtEnd {
                let (f, w) = try dim.readKey()
                if f == 1, w == .varint {
                    let v = Int64(bitPattern: try dim.readVarint())
                    value = v >= 0 ? Int(v) : nil
                } else {
                    try dim.skip(w)
                }
            }
            dims.append(value)
        }
        return dims
    }
}
