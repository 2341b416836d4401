import Foundation

/// Why face analysis could not be set up. These are worker configuration problems (missing or
/// wrong model files); problems with a photo fail with the decoder's `ImageError` instead.
public struct FaceError: Error, Sendable, CustomStringConvertible {
    /// Stable snake_case code: `missing_model_file`, `bad_model`.
    public let code: String
    /// Human-readable detail.
    public let message: String

    /// "code: message", for logs.
    public var description: String { "\(code): \(message)" }

    /// A model file is not where it should be.
    static func missingFile(_ url: URL) -> FaceError {
        FaceError(code: "missing_model_file", message: "\(url.path) is missing: run scripts/fetch-models.sh")
    }

    /// The model's inputs or outputs are not the expected ones.
    static func badModel(_ message: String) -> FaceError {
        FaceError(code: "bad_model", message: message)
    }
}
