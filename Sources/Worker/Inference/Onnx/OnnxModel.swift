/// The subset of ONNX's `ModelProto` the engine uses, decoded from the wire format.
struct OnnxModel: Sendable {
    /// `ir_version` of the file.
    var irVersion: Int64 = 0
    /// Opset version per domain ("" is the default ai.onnx domain).
    var opsets: [String: Int64] = [:]
    /// The main graph.
    var graph = OnnxGraph()
}

/// ONNX `GraphProto`: nodes in topological order, constant initializers, declared inputs/outputs.
struct OnnxGraph: Sendable {
    /// Graph name.
    var name = ""
    /// Nodes, in the order the file lists them (ONNX requires topological order).
    var nodes: [OnnxNode] = []
    /// Constant tensors (weights), keyed by name in declaration order.
    var initializers: [OnnxTensor] = []
    /// Declared inputs; in IR < 4 these may include initializers.
    var inputs: [OnnxValueInfo] = []
    /// Declared outputs.
    var outputs: [OnnxValueInfo] = []
}

/// ONNX `ValueInfoProto`: a named tensor with an element type and (possibly symbolic) shape.
struct OnnxValueInfo: Sendable {
    /// Value name.
    var name = ""
    /// ONNX element type code (1 = float).
    var elementType: Int32 = 0
    /// Dimensions; nil entries are symbolic or unknown.
    var shape: [Int?] = []
}

/// ONNX `NodeProto`: one operator application.
struct OnnxNode: Sendable {
    /// Node name (may be empty).
    var name = ""
    /// Operator type, e.g. `Conv`.
    var opType = ""
    /// Operator domain ("" for ai.onnx).
    var domain = ""
    /// Input value names; "" marks an omitted optional input.
    var inputs: [String] = []
    /// Output value names.
    var outputs: [String] = []
    /// Attributes by name.
    var attributes: [String: OnnxAttribute] = [:]

    /// A name for error messages: the node name, or its first output.
    var label: String { name.isEmpty ? (outputs.first ?? "?") : name }
}

/// ONNX `AttributeProto` value, of any of the types the format defines.
enum OnnxAttribute: Sendable {
    /// FLOAT.
    case float(Float)
    /// INT.
    case int(Int64)
    /// STRING (decoded as UTF-8).
    case string(String)
    /// TENSOR.
    case tensor(OnnxTensor)
    /// FLOATS.
    case floats([Float])
    /// INTS.
    case ints([Int64])
    /// STRINGS.
    case strings([String])
    /// TENSORS.
    case tensors([OnnxTensor])
    /// Sub-graphs (If/Loop bodies) are recognised but not decoded.
    case graph
}

/// ONNX `TensorProto` converted to host types: floating types become `[Float]`, integer types `[Int64]`.
struct OnnxTensor: Sendable {
    /// ONNX element types the engine reads.
    enum ElementType: Int32, Sendable {
        // TensorProto.DataType codes.
        case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7
        case bool = 9, double = 11, uint32 = 12, uint64 = 13
    }
    /// Storage: floats for floating element types, integers for integer and bool types.
    enum Storage: Sendable {
        /// float and double tensors.
        case floats([Float])
        /// Integer and bool tensors.
        case integers([Int64])
    }

    /// Tensor name.
    var name: String
    /// Dimensions ([] for a scalar).
    var shape: [Int]
    /// Element type as stored in the file.
    var elementType: ElementType
    /// Element values.
    var storage: Storage

    /// Number of elements implied by `shape`.
    var count: Int { shape.reduce(1, *) }

    /// Values as floats (integers converted exactly where representable).
    var floats: [Float] {
        switch storage {
        case .floats(let values): return values
        case .integers(let values): return values.map { Float($0) }
        }
    }

    /// Values as integers (floats truncated toward zero).
    var integers: [Int64] {
        switch storage {
        case .integers(let values): return values
        case .floats(let values): return values.map { Int64($0) }
        }
    }
}
