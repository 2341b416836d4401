import Shared

/// An error of the face-identifier API, answered as `{"error": "<message>"}` with the panel API's
/// exact texts (clients match on them). `code` names the case in Roost's logs.
struct FaceIDError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    let status: Int
    /// A snake_case name for logs.
    let code: String
    /// The text sent to the client, exactly as the panel API words it.
    let message: String
    /// Seconds for a `Retry-After` header, when the client should wait before trying again.
    var retryAfter: Int? = nil

    /// `code: message (status)`, for logs.
    var description: String { "\(code): \(message) (\(status))" }

    /// The response the client gets.
    var httpError: HTTPError {
        .custom(.json(status, ["error": .string(message)], headers: retryAfter.map { [("Retry-After", String($0))] } ?? []))
    }

    /// 401: no token, or an unknown or expired one; also wrong login credentials.
    static let logIn = FaceIDError(status: 401, code: "log_in", message: "Log In")
    /// 429: too many log-in attempts for this account or from this address (Roost's own: the
    /// panel API has no limit); `Retry-After` says when the next attempt is allowed.
    static func tooManyLogIns(retryAfter: Int) -> FaceIDError {
        FaceIDError(status: 429, code: "too_many_log_ins", message: "Too many log-in attempts. Try again later", retryAfter: retryAfter)
    }
    /// 403: the route changes identifiers and the account is not an administrator.
    static let adminRequired = FaceIDError(status: 403, code: "admin_required", message: "Administrator rights required")
    /// 400: the identifier body is not a JSON object with valid fields.
    static let wrongJSONBody = FaceIDError(status: 400, code: "wrong_json_body", message: "Wrong JSON body")
    /// 404: no identifier has this uid.
    static let identifierNotFound = FaceIDError(status: 404, code: "identifier_not_found", message: "Identifier not found")
    /// 400: the upload's uid is not a `face_id` identifier.
    static let wrongIdentifierUID = FaceIDError(status: 400, code: "wrong_identifier_uid",
                                                message: "Wrong identifier-uid. Missed temporary identifier for adding faceId")
    /// 400: another upload for the same identifier is still being processed.
    static let uploadInProgress = FaceIDError(status: 400, code: "upload_in_progress", message: "Loading file in progress. Wait for result")
    /// 400: no JPEG file part (not multipart, no file, empty file, another format).
    static let wrongFileFormat = FaceIDError(status: 400, code: "wrong_file_format", message: "Wrong file format")
    /// 400: a JPEG whose header or pixels cannot be read, or whose size panels do not accept.
    static let wrongImageFile = FaceIDError(status: 400, code: "wrong_image_file", message: "Wrong image file")
    /// 400: the analysis failed, timed out or could not be queued.
    static let loadingFileError = FaceIDError(status: 400, code: "loading_file_error", message: "Loading file error")
    /// 400: the photo shows no face.
    static let faceNotDetected = FaceIDError(status: 400, code: "face_not_detected", message: "Face hasn't been detected on image")

    /// Wraps a face API handler: `FaceIDError` becomes its panel-shaped response, and dependency
    /// failures (Redis, SQLite) the gateway's usual ones.
    static func guarded(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) -> Router.Handler {
        GatewayError.guarded { request in
            do { return try handler(request) } catch let error as FaceIDError { throw error.httpError }
        }
    }
}
