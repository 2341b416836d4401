import Foundation
import Shared

/// TheDogAPI's errors and the one place they become responses. The real service answers most
/// errors in plain text (`401 AUTHENTICATION_ERROR - ...`, `400 DUPLICATE_FAVOURITE - ...`) and a
/// missing image as JSON `{"message": "Image not found"}`; Roost keeps both.
enum DogAPIError: Error {
    /// 401: no API key, or one that no account has.
    case authentication
    /// 403: the key's account may not do this (another account's record, or an admin route).
    case forbidden(String)
    /// 404 with `{"message": ...}`.
    case notFound(String)
    /// 400 plain text.
    case badRequest(String)
    /// 429 with the rate-limit headers.
    case rateLimited(headers: [(String, String)], message: String)

    /// The response.
    var response: HTTPResponse {
        switch self {
        case .authentication:
            return .text(401, "AUTHENTICATION_ERROR - you need to send your API Key as the 'x-api-key' header")
        case let .forbidden(message): return .text(403, message)
        case let .notFound(message): return .json(404, ["message": .string(message)])
        case let .badRequest(message): return .text(400, message)
        case let .rateLimited(headers, message):
            var response = HTTPResponse.text(429, message)
            response.headers += headers
            return response
        }
    }

    /// Runs a handler, answering `DogAPIError`s in the service's shapes; other errors keep the
    /// gateway's mapping (a `GatewayError` becomes its status with a plain-text message).
    static func answering(_ body: () throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try body()
        } catch let error as DogAPIError {
            return error.response
        } catch let error as HTTPError where error.code != "custom" {
            var response = HTTPResponse.text(error.status, error.message)
            response.headers += error.response.headers.filter { !HTTPHeaders.sameName($0.0, "Content-Type") && !HTTPHeaders.sameName($0.0, "Content-Length") }
            return response
        } catch let error as HTTPError {
            throw error
        } catch {
            guard let http = GatewayError.httpError(for: error) else { throw error }
            var response = HTTPResponse.text(http.status, http.message)
            response.headers += http.response.headers.filter { HTTPHeaders.sameName($0.0, "Retry-After") }
            return response
        }
    }
}
