import Foundation

/// Why the classifier could not be set up or produced no result. These are worker
/// configuration problems (missing or wrong model files), not problems with a photo: photos
/// fail with the decoder's `ImageError` instead.
public struct ClassifierError: Error, Sendable, CustomStringConvertible {
    /// Stable snake_case code: `missing_model_file`, `bad_labels`, `bad_model`.
    public let code: String
    /// Human-readable detail.
    public let message: String

    /// "code: message", for logs.
    public var description: String { "\(code): \(message)" }

    /// A model or label file is not where it should be.
    static func missingFile(_ url: URL) -> ClassifierError {
        ClassifierError(code: "missing_model_file",
                        message: "\(url.path) is missing: run scripts/fetch-models.sh")
    }

    /// The label file is not the 1000 ImageNet classes.
    static func badLabels(_ message: String) -> ClassifierError {
        ClassifierError(code: "bad_labels", message: message)
    }

    /// The model's inputs or outputs are not MobileNetV2's.
    static func badModel(_ message: String) -> ClassifierError {
        ClassifierError(code: "bad_model", message: message)
    }
}
