import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// A real gateway for one test: its own `redis-server`, a temporary data directory, port 0, and
/// the panel accounts `admin` (password `secret`) and `guard` (password `pw`, a user).
/// No worker runs unless the test starts one, so `faces` jobs stay queued.
final class FaceIDTestGateway: @unchecked Sendable {
    // @unchecked Sendable: every property is a constant set in init; `send` opens a new
    // connection per call, so client threads share nothing mutable.
    /// The Redis the gateway uses.
    let redis: RedisServer
    /// The gateway's data directory (removed on deinit).
    let dataDirectory: URL
    /// The running gateway.
    let gateway: Gateway
    /// Its HTTP port.
    let port: Int

    /// Starts a gateway with `configure` applied to the test configuration.
    init(configure: (inout GatewayConfiguration) -> Void = { _ in }) throws {
        redis = try RedisServer()
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-faceid-\(UUID().uuidString)")
        var configuration = GatewayConfiguration()
        configuration.redis = redis.endpoint
        configuration.dataDirectory = dataDirectory
        configuration.http = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.http.shutdownGrace = 5
        configuration.faceID.accounts = [PanelAccountSpec(name: "admin", password: "secret", type: .admin),
                                         PanelAccountSpec(name: "guard", password: "pw", type: .user)]
        configure(&configuration)
        gateway = try Gateway(configuration: configuration, log: Log(component: "faceid-test", minimumLevel: .error))
        try gateway.start()
        port = gateway.server.boundPort
    }

    deinit {
        gateway.shutdown()
        redis.stop()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// Sends one request on a new connection and reads the response (within `timeout` seconds).
    func send(_ method: String, _ target: String, token: String? = nil, contentType: String? = nil, body: [UInt8] = [],
              timeout: Double = 10) throws -> RawHTTPResponse {
        let client = try RawHTTPClient(port: port)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        try client.send(Array((head + "\r\n").utf8) + body)
        return try client.readResponse(timeout: timeout)
    }

    /// Sends a JSON body.
    func sendJSON(_ method: String, _ target: String, token: String?, _ json: String) throws -> RawHTTPResponse {
        try send(method, target, token: token, contentType: "application/json", body: Array(json.utf8))
    }

    /// Sends a multipart form.
    func sendForm(_ target: String, token: String?, _ form: MultipartBody, timeout: Double = 10) throws -> RawHTTPResponse {
        try send("POST", target, token: token, contentType: form.contentType, body: form.bytes, timeout: timeout)
    }

    /// Logs in with the MD5 of `password`, as panel clients do; returns the token (the test fails otherwise).
    func logIn(_ username: String, _ password: String) throws -> String {
        let response = try send("GET", "/api/v1/login?username=\(username)&password=\(MD5.hex(Array(password.utf8)))")
        #expect(response.status == 200, "log-in of \(username): \(response.text)")
        return try #require(response.json?["token"]?.stringValue)
    }

    /// Creates an identifier as `admin` and returns its uid.
    func createIdentifier(token: String, type: String = "face_id", name: String = "Grace Hopper",
                          number: String? = nil) throws -> Int {
        let numberField = number.map { ", \"identifier_number\": \"\($0)\"" } ?? ""
        let response = try sendJSON("POST", "/api/v1/access/identifier/item", token: token, """
            {"identifier_owner": {"name": "\(name)", "type": "owner"}, "identifier_type": "\(type)"\(numberField), "lock": "all"}
            """)
        #expect(response.status == 200, "create: \(response.text)")
        return try #require(response.json?["uid"]?.intValue)
    }

    /// Uploads `bytes` as the face of `uid` in field `file`.
    func uploadFace(uid: String, token: String?, bytes: [UInt8], timeout: Double = 10) throws -> RawHTTPResponse {
        try sendForm("/api/v1/access/identifier/item/face/file/\(uid)", token: token,
                     MultipartBody().file("file", filename: "face.jpg", contentType: "image/jpeg", bytes), timeout: timeout)
    }
}

/// A `multipart/form-data` body built part by part.
struct MultipartBody {
    /// The boundary, in the style of the seed's example.
    let boundary = "----WebKitFormBoundaryBt6yZ7ZOwRAbyeF5"
    /// The encoded parts so far.
    private(set) var bytes: [UInt8] = []

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a file part; call `closed()` last (the builder methods return a closed body for brevity).
    func file(_ name: String, filename: String?, contentType: String?, _ body: [UInt8]) -> MultipartBody {
        var copy = self
        copy.bytes.removeLast(min(copy.bytes.count, Array("--\(boundary)--\r\n".utf8).count))
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
        if let filename { head += "; filename=\"\(filename)\"" }
        head += "\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        copy.bytes += Array((head + "\r\n").utf8) + body + Array("\r\n--\(boundary)--\r\n".utf8)
        return copy
    }

    /// Adds a text field.
    func field(_ name: String, _ value: String) -> MultipartBody { file(name, filename: nil, contentType: nil, Array(value.utf8)) }
}

/// Reading the panel API's JSON bodies.
extension RawHTTPResponse {
    /// The body parsed as JSON, or nil.
    var json: JSON? { try? JSON.parse(body) }
    /// The panel API's `error` text, or nil.
    var errorText: String? { json?["error"]?.stringValue }
}

/// Test photos made from real ones.
enum FaceIDPhotos {
    /// `bytes` with the frame header's size changed to `width`×`height` (the pixels are not touched,
    /// so only the header claims the new size).
    static func withClaimedSize(_ bytes: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        var out = bytes
        var i = 2
        while i + 9 < out.count {
            guard out[i] == 0xFF else { i += 1; continue }
            let marker = out[i + 1]
            if (0xC0...0xC2).contains(marker) {
                out[i + 5] = UInt8(height >> 8); out[i + 6] = UInt8(height & 0xFF)
                out[i + 7] = UInt8(width >> 8); out[i + 8] = UInt8(width & 0xFF)
                return out
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) || marker == 0xFF { i += marker == 0xFF ? 1 : 2; continue }
            i += 2 + (Int(out[i + 2]) << 8 | Int(out[i + 3]))
        }
        throw FixtureMissing(description: "no start-of-frame marker found")
    }
}
