/// An error from loading or running a model: a stable snake_case `code` and a human message.
public struct InferenceError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable identifier, e.g. `corrupt_model` or `unsupported_op`.
    public let code: String
    /// What went wrong, for people.
    public let message: String

    /// Creates an error with a code and message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, as shown in logs.
    public var description: String { "\(code): \(message)" }

    /// The file could not be read from disk.
    static func unreadable(_ path: String, _ reason: String) -> InferenceError {
        InferenceError(code: "unreadable_model", message: "cannot read \(path): \(reason)")
    }
    /// The bytes are not a well-formed ONNX protobuf.
    static func corrupt(_ reason: String) -> InferenceError {
        InferenceError(code: "corrupt_model", message: reason)
    }
    /// The graph uses an operator (or operator variant) this engine does not implement.
    static func unsupported(_ op: String, node: String, _ detail: String = "") -> InferenceError {
        InferenceError(code: "unsupported_op",
                       message: "operator \(op) (node '\(node)') is not supported" + (detail.isEmpty ? "" : ": \(detail)"))
    }
    /// The graph is well-formed protobuf but semantically invalid (bad shapes, missing values).
    static func invalidGraph(_ reason: String) -> InferenceError {
        InferenceError(code: "invalid_graph", message: reason)
    }
    /// The caller passed inputs that do not match the model.
    static func badInput(_ reason: String) -> InferenceError {
        InferenceError(code: "bad_input", message: reason)
    }
}
