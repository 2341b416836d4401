/// Why an image could not be read. Every code is permanent: the same bytes fail the same way,
/// so a job that fails with an `ImageError` should not be retried.
///
/// Codes: `not_jpeg`, `truncated_jpeg`, `corrupt_jpeg`, `image_too_large`, `unsupported_jpeg`,
/// `encode_failed`.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable snake_case code, safe to show to clients and to match on.
    public let code: String
    /// Human-readable detail (from our checks or libjpeg's message).
    public let message: String

    /// Creates an error with a code and a message; prefer the static constructors.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Always true: retrying cannot make a bad image good.
    public var isPermanent: Bool { true }

    /// "code: message", for logs.
    public var description: String { "\(code): \(message)" }

    /// The bytes do not start with a JPEG signature (FF D8 FF).
    public static func notJPEG(_ message: String = "data is not a JPEG image") -> ImageError {
        ImageError(code: "not_jpeg", message: message)
    }

    /// The data ends before the image does.
    public static func truncated(_ message: String = "JPEG data ends before the image is complete") -> ImageError {
        ImageError(code: "truncated_jpeg", message: message)
    }

    /// The JPEG structure or its compressed data is invalid.
    public static func corrupt(_ message: String) -> ImageError {
        ImageError(code: "corrupt_jpeg", message: message)
    }

    /// The header claims more pixels than the configured limit.
    public static func tooLarge(width: Int, height: Int, maxPixels: Int) -> ImageError {
        ImageError(code: "image_too_large",
                   message: "image is \(width)x\(height) (\(width * height) pixels); the limit is \(maxPixels) pixels")
    }

    /// A valid JPEG that uses a feature we do not decode (12-bit, lossless, hierarchical, ...).
    public static func unsupported(_ message: String) -> ImageError {
        ImageError(code: "unsupported_jpeg", message: message)
    }

    /// libjpeg refused to encode (an empty image, out of memory).
    public static func encodeFailed(_ message: String) -> ImageError {
        ImageError(code: "encode_failed", message: message)
    }
}
