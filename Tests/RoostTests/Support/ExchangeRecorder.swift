import Foundation
import Testing
@testable import Gateway
import Shared

/// Records real exchanges with the gateway (method, path, status, content type, body) and checks
/// them against one of the gateway's OpenAPI documents with `scripts/openapi_check.py`
/// (openapi-spec-validator and jsonschema from the verification venv): the document is valid,
/// every answer matches its documented schema, every documented operation answered 2xx at least once.
final class ExchangeRecorder {
    /// The client the requests go through.
    let client: TestClient
    /// The recorded exchanges, one JSON object each.
    private(set) var lines: [String] = []

    /// Records what goes through `client`.
    init(client: TestClient) { self.client = client }

    /// Sends a request and records the exchange.
    @discardableResult
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [], json: JSON? = nil,
                 timeout: Double = 60) throws -> RawHTTPResponse {
        var headers = headers
        var body = body
        if let json {
            headers.append(("Content-Type", "application/json"))
            body = json.bytes()
        }
        return record(method, path, try client.request(method, path, headers: headers, body: body, timeout: timeout))
    }

    /// GETs `path` and records the exchange.
    @discardableResult
    func get(_ path: String, headers: [(String, String)] = []) throws -> RawHTTPResponse { try request("GET", path, headers: headers) }

    /// POSTs a multipart form (`parts`: name, optional file name, bytes) and records the exchange.
    @discardableResult
    func multipart(_ path: String, parts: [(String, String?, [UInt8])], headers: [(String, String)] = [], method: String = "POST") throws -> RawHTTPResponse {
        let form = TestClient.multipartBody(parts)
        return try request(method, path, headers: [("Content-Type", form.contentType)] + headers, body: form.body)
    }

    /// Records an exchange made some other way.
    @discardableResult
    func record(_ method: String, _ path: String, _ response: RawHTTPResponse) -> RawHTTPResponse {
        let type = response.headers["content-type"] ?? ""
        let body: JSON = type.lowercased().hasPrefix("application/json") ? ((try? JSON.parse(response.body)) ?? .string("<not JSON>")) : .null
        let line: JSON = ["method": .string(method), "path": .string(path), "status": .int(response.status),
                          "content_type": .string(type), "body": body]
        lines.append(line.serialized())
        return response
    }

    /// Fetches `/openapi/<document>.json` and runs the checker over what was recorded; the problems it reports.
    func check(document: String) throws -> [String] {
        let spec = try client.get("/openapi/\(document).json")
        try #require(spec.status == 200, "GET /openapi/\(document).json: \(spec.status)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specURL = directory.appendingPathComponent("\(document).json")
        let exchangesURL = directory.appendingPathComponent("exchanges.jsonl")
        try Data(spec.body).write(to: specURL)
        try Data(lines.joined(separator: "\n").utf8).write(to: exchangesURL)
        let (_, text, report) = try VerificationScript.run("openapi_check.py", [specURL.path, exchangesURL.path])
        guard report != .null else { return ["checker failed: \(text)"] }
        #expect((report["exchanges"]?.intValue ?? 0) == lines.count)
        return (report["problems"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
