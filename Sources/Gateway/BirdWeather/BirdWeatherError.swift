import Foundation
import Shared

/// Every error the BirdWeather API answers, and the one place that turns it into a response in
/// the service's shapes: `{"success": false, "message": "..."}` or, for invalid fields (422),
/// `{"success": false, "errors": {"field": ["can't be blank"]}}`.
enum BirdWeatherError: Error {
    /// 401: no token, an unknown token, or wrong credentials.
    case unauthorized(String)
    /// 422: field → messages, in the order found.
    case invalid([(String, [String])])
    /// 404: no such record for this token.
    case notFound(String)
    /// 413: the body (or its gzip expansion) is over the limit.
    case tooLarge(String)
    /// 415: audio in a format Roost does not store.
    case unsupportedMedia(String)
    /// 429: too many log-in attempts; retry after the seconds given.
    case throttled(Int)

    /// One invalid field.
    static func invalid(_ field: String, _ message: String) -> BirdWeatherError { .invalid([(field, [message])]) }

    /// The message Rails gives a missing field.
    static func blank(_ field: String) -> BirdWeatherError { .invalid(field, "can't be blank") }

    /// The response for this error.
    var response: HTTPResponse {
        switch self {
        case let .unauthorized(message): return Self.failure(401, message)
        case let .notFound(message): return Self.failure(404, message)
        case let .tooLarge(message): return Self.failure(413, message)
        case let .unsupportedMedia(message): return Self.failure(415, message)
        case let .throttled(seconds):
            var response = Self.failure(429, "Too many attempts: try again in \(seconds) s")
            response.headers.append(("Retry-After", String(seconds)))
            return response
        case let .invalid(fields):
            let errors = JSON.object(fields.map { ($0.0, .array($0.1.map { .string($0) })) })
            return .json(422, ["success": false, "errors": errors])
        }
    }

    private static func failure(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, ["success": false, "message": .string(message)])
    }

    /// Runs a handler, turning `BirdWeatherError`s into their responses and other errors into the
    /// gateway's usual ones (a `GatewayError` keeps its mapping), always in the API's shape.
    static func answering(_ body: () throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try body()
        } catch let error as BirdWeatherError {
            return error.response
        } catch let error as HTTPError {
            if error.code == "custom" { throw error }
            var response = failure(error.status, error.message)
            response.headers += error.response.headers.filter { !HTTPHeaders.sameName($0.0, "Content-Type") && !HTTPHeaders.sameName($0.0, "Content-Length") }
            return response
        } catch {
            guard let http = GatewayError.httpError(for: error) else { throw error }
            var response = failure(http.status, http.message)
            response.headers += http.response.headers.filter { HTTPHeaders.sameName($0.0, "Retry-After") }
            return response
        }
    }
}
