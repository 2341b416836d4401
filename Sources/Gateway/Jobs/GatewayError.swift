import Shared

/// Maps failures of the gateway's dependencies to client responses, in one place:
/// Redis or SQLite unavailable or full → `503` with `Retry-After`; anything else stays an
/// internal error (logged by the server, no details sent).
enum GatewayError {
    /// The HTTP error for `error`, or nil when it is internal.
    static func httpError(for error: any Error) -> HTTPError? {
        if let http = error as? HTTPError { return http }
        if let redis = error as? RedisError {
            if redis.isConnectionFailure || redis.isLoading { return .serviceUnavailable(retryAfter: 1, message: "the job queue is unavailable; try again shortly") }
            if redis.isOutOfMemory { return .serviceUnavailable(retryAfter: 5, message: "the job queue is full; try again later") }
        }
        if let sqlite = error as? SQLiteError, sqlite.code == "sqlite_busy" {
            return .serviceUnavailable(retryAfter: 1, message: "the job store is busy; try again shortly")
        }
        if error is OriginalStoreError {
            return .serviceUnavailable(retryAfter: 5, message: "the gateway cannot store uploads right now; try again later")
        }
        if let image = error as? ImageError {
            switch image.code {
            case "image_too_large": return HTTPError(status: 413, code: image.code, message: image.message)
            case "not_jpeg": return HTTPError(status: 415, code: image.code, message: image.message)
            default: return HTTPError(status: 422, code: image.code, message: image.message)
            }
        }
        return nil
    }

    /// Wraps a route handler so dependency failures become the responses above.
    static func guarded(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) -> @Sendable (HTTPRequest) throws -> HTTPResponse {
        { request in
            do { return try handler(request) } catch {
                if let http = httpError(for: error) { throw http }
                throw error
            }
        }
    }
}
