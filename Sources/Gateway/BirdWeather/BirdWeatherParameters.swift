import Foundation
import Shared

/// A BirdWeather request's parameters: as the API says, POST parameters come as a JSON object or
/// as form fields (`application/x-www-form-urlencoded`); query parameters are read too (body first).
/// The token may be a parameter `token`, `Authorization: Bearer <token>`, `Authorization: <token>`
/// or `X-Auth-Token`.
struct BirdWeatherParameters {
    private let body: [(String, JSON)]
    private let query: [String: String]
    private let headers: HTTPHeaders

    /// Reads `request`'s body (when it is JSON or a form) and query; a body that claims to be JSON
    /// and is not answers 400.
    init(_ request: HTTPRequest, readBody: Bool = true) throws {
        query = request.query
        headers = request.headers
        guard readBody, !request.body.isEmpty else { body = []; return }
        let type = (request.headers["content-type"] ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let text = String(decoding: request.body, as: UTF8.self)
            body = PercentDecoding.formFields(text).map { ($0.key, JSON.string($0.value)) }
        } else if type.hasPrefix("application/json") || type.isEmpty || request.body.first == UInt8(ascii: "{") {
            guard let json = try? JSON.parse(request.body), let members = json.objectValue else {
                throw HTTPError.custom(.json(400, ["success": false, "message": "The body is not a JSON object"]))
            }
            body = members
        } else {
            body = []
        }
    }

    /// The raw value of `name` (body first, then query); nil when absent or JSON null.
    func value(_ name: String) -> JSON? {
        if let member = body.first(where: { $0.0 == name })?.1 { return member == .null ? nil : member }
        return query[name].map { .string($0) }
    }

    /// `name` as text (numbers and booleans written out); nil when absent.
    func string(_ name: String) -> String? {
        switch value(name) {
        case let .string(s)?: return s
        case let .int(i)?: return String(i)
        case let .double(d)?: return String(d)
        case let .bool(b)?: return b ? "true" : "false"
        default: return nil
        }
    }

    /// `name` as text with blanks trimmed; nil when absent or blank.
    func nonBlank(_ name: String) -> String? {
        guard let text = string(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// `name` as a number; nil when absent or blank; 422 `is not a number` otherwise.
    func number(_ name: String) throws -> Double? {
        switch value(name) {
        case nil: return nil
        case let .int(i)?: return Double(i)
        case let .double(d)?: return d
        case let .string(s)?:
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let d = Double(trimmed), d.isFinite else { throw BirdWeatherError.invalid(name, "is not a number") }
            return d
        default: throw BirdWeatherError.invalid(name, "is not a number")
        }
    }

    /// `name` as an integer; nil when absent or blank; 422 `is not an integer` otherwise.
    func integer(_ name: String) throws -> Int? {
        guard let d = try number(name) else { return nil }
        guard d.rounded() == d, abs(d) < 1e15 else { throw BirdWeatherError.invalid(name, "is not an integer") }
        return Int(d)
    }

    /// `name` as a boolean (`true`/`false`/`1`/`0`); nil when absent.
    func bool(_ name: String) throws -> Bool? {
        if case let .bool(b)? = value(name) { return b }
        guard let text = nonBlank(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw BirdWeatherError.invalid(name, "is not a boolean")
        }
    }

    /// `name` as an ISO 8601 instant; nil when absent; 422 `is not a valid timestamp` otherwise.
    func time(_ name: String) throws -> BirdWeatherTime? {
        guard let text = nonBlank(name) else { return nil }
        guard let time = BirdWeatherTime(iso8601: text) else { throw BirdWeatherError.invalid(name, "is not a valid ISO 8601 timestamp") }
        return time
    }

    /// `name` as an array of strings (a JSON array, or one string); nil when absent.
    func strings(_ name: String) -> [String]? {
        switch value(name) {
        case let .array(items)?: return items.compactMap(\.stringValue)
        case let .string(s)?: return s.isEmpty ? [] : [s]
        default: return nil
        }
    }

    /// The token in any of the forms the API accepts, or nil.
    var token: String? {
        if let token = nonBlank("token") { return token }
        if let header = headers["authorization"]?.trimmingCharacters(in: .whitespaces), !header.isEmpty {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, ["bearer", "token"].contains(parts[0].lowercased()) {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
            if parts.count == 1 { return String(parts[0]) }
        }
        if let header = headers["x-auth-token"]?.trimmingCharacters(in: .whitespaces), !header.isEmpty { return header }
        return nil
    }
}
