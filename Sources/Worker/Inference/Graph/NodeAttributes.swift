/// Typed attribute access for a node, with ONNX defaults and clear errors.
extension OnnxNode {
    /// An integer attribute, or `defaultValue` when absent.
    func int(_ name: String, _ defaultValue: Int) throws -> Int {
        switch attributes[name] {
        case nil: return defaultValue
        case .int(let v)?: return Int(v)
        default: throw InferenceError.invalidGraph("attribute \(name) of node '\(label)' is not an integer")
        }
    }
    /// A float attribute, or `defaultValue` when absent.
    func float(_ name: String, _ defaultValue: Float) throws -> Float {
        switch attributes[name] {
        case nil: return defaultValue
        case .float(let v)?: return v
        case .int(let v)?: return Float(v)
        default: throw InferenceError.invalidGraph("attribute \(name) of node '\(label)' is not a float")
        }
    }
    /// An integer-list attribute, or `defaultValue` when absent.
    func ints(_ name: String, _ defaultValue: [Int]) throws -> [Int] {
        switch attributes[name] {
        case nil: return defaultValue
        case .ints(let v)?: return v.map { Int($0) }
        default: throw InferenceError.invalidGraph("attribute \(name) of node '\(label)' is not an integer list")
        }
    }
    /// A string attribute, or `defaultValue` when absent.
    func string(_ name: String, _ defaultValue: String) throws -> String {
        switch attributes[name] {
        case nil: return defaultValue
        case .string(let v)?: return v
        default: throw InferenceError.invalidGraph("attribute \(name) of node '\(label)' is not a string")
        }
    }
    /// The constant tensor feeding input `index`, or nil when the input is omitted.
    func constantInput(_ index: Int, _ constants: [String: OnnxTensor]) throws -> OnnxTensor? {
        guard index < inputs.count, !inputs[index].isEmpty else { return nil }
        guard let tensor = constants[inputs[index]] else {
            throw InferenceError.unsupported(opType, node: label, "input \(index) ('\(inputs[index])') must be a constant")
        }
        return tensor
    }
}
