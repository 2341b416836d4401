import Shared

/// The one place errors become responses: a thrown `HTTPError` carries its status, body and extra headers.
///
/// Roost's own body shape is `{"error": {"code": "...", "message": "..."}}`; `custom` carries any other shape
/// (the face API's `{"error":"Log In"}`, TheDogAPI's plain text). Anything else a handler throws becomes
/// `internal()`, logged by the server and answered without details.
struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status code.
    let status: Int
    /// A snake_case code for logs and the body (`custom` for caller-built responses).
    let code: String
    /// A human-readable explanation (safe to show to the client).
    let message: String
    /// The full response sent to the client.
    let response: HTTPResponse

    /// Builds an error with Roost's body shape plus `headers`.
    init(status: Int, code: String, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        let body: JSON = ["error": ["code": .string(code), "message": .string(message)]]
        self.response = .json(status, body, headers: headers)
    }

    private init(custom response: HTTPResponse) {
        self.status = response.status
        self.code = "custom"
        self.message = ""
        self.response = response
    }

    /// `code: message (status)`, for logs.
    var description: String { "\(code): \(message) (\(status))" }

    /// 400: the request is malformed; `message` says how.
    static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(status: 400, code: code, message: message)
    }

    /// 404: nothing is routed at this path (or the named thing does not exist).
    static func notFound(_ message: String = "not found") -> HTTPError {
        HTTPError(status: 404, code: "not_found", message: message)
    }

    /// 405 with `Allow` listing the methods the path does accept.
    static func methodNotAllowed(allowed: [String]) -> HTTPError {
        HTTPError(status: 405, code: "method_not_allowed", message: "method not allowed; use \(allowed.joined(separator: ", "))",
                  headers: [("Allow", allowed.joined(separator: ", "))])
    }

    /// 408: the client did not send a whole request within the read timeout.
    static func requestTimeout() -> HTTPError {
        HTTPError(status: 408, code: "request_timeout", message: "request not received in time")
    }

    /// 413: the body is larger than `limit` bytes.
    static func payloadTooLarge(limit: Int) -> HTTPError {
        HTTPError(status: 413, code: "payload_too_large", message: "request body exceeds \(limit) bytes")
    }

    /// 415: the body's media type is not one this route accepts.
    static func unsupportedMediaType(_ message: String) -> HTTPError {
        HTTPError(status: 415, code: "unsupported_media_type", message: message)
    }

    /// 431: the request head has too many or too large header fields.
    static func headersTooLarge() -> HTTPError {
        HTTPError(status: 431, code: "headers_too_large", message: "request header fields too large")
    }

    /// 500 without details; the cause belongs in the server log, not in the response.
    static func `internal`() -> HTTPError {
        HTTPError(status: 500, code: "internal", message: "internal error")
    }

    /// 501: the request uses a feature this server does not implement (e.g. a transfer coding).
    static func notImplemented(_ message: String) -> HTTPError {
        HTTPError(status: 501, code: "not_implemented", message: message)
    }

    /// 503 with `Retry-After: retryAfter` seconds: the server is at capacity or shutting down.
    static func serviceUnavailable(retryAfter: Int, message: String) -> HTTPError {
        HTTPError(status: 503, code: "service_unavailable", message: message, headers: [("Retry-After", String(retryAfter))])
    }

    /// 505: an HTTP version other than 1.0 or 1.1.
    static func versionNotSupported() -> HTTPError {
        HTTPError(status: 505, code: "http_version_not_supported", message: "only HTTP/1.0 and HTTP/1.1 are supported")
    }

    /// Any response, sent as is (for APIs whose error bodies have their own shape).
    static func custom(_ response: HTTPResponse) -> HTTPError { HTTPError(custom: response) }
}
