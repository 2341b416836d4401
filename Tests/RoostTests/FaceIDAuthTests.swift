import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Panel log-in, bearer tokens and rights, over HTTP against a real gateway.
@Suite("FaceID auth")
struct FaceIDAuthTests {
    @Test("log-in takes the MD5 of the password and answers with a token and the account type")
    func logIn() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.send("GET", "/api/v1/login?username=admin&password=\(MD5.hex(Array("secret".utf8)))")
        #expect(admin.status == 200)
        #expect(admin.json?["account_type"]?.stringValue == "admin")
        let token = try #require(admin.json?["token"]?.stringValue)
        #expect(token.count >= 40)

        let user = try panel.send("GET", "/api/v1/login?username=guard&password=\(MD5.hex(Array("pw".utf8)).uppercased())")
        #expect(user.status == 200, "an upper-case MD5 is the same password")
        #expect(user.json?["account_type"]?.stringValue == "user")

        let again = try panel.logIn("admin", "secret")
        #expect(again != token, "every log-in gets a fresh token")
    }

    @Test("guessing is throttled: after five attempts an account answers 429 with Retry-After, even to the right password; others still log in")
    func logInThrottle() throws {
        // A refill slower than any test run, so the outcome does not depend on the machine's speed.
        let panel = try FaceIDTestGateway { $0.faceID.accountLogIns = .init(burst: 5, refill: 86_400) }
        let wrong = "/api/v1/login?username=admin&password=\(MD5.hex(Array("guess".utf8)))"
        for _ in 0..<5 { #expect(try panel.send("GET", wrong).status == 401) }
        let refused = try panel.send("GET", "/api/v1/login?username=admin&password=\(MD5.hex(Array("secret".utf8)))")
        #expect(refused.status == 429)
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(refused.json?["error"]?.stringValue == "Too many log-in attempts. Try again later")
        #expect(try panel.send("GET", "/api/v1/login?username=guard&password=\(MD5.hex(Array("pw".utf8)))").status == 200)
    }

    @Test("the address limit holds across account names, and buckets refill with time")
    func logInThrottleByAddress() {
        let throttle = LoginThrottle(account: .init(burst: 5, refill: 12), address: .init(burst: 20, refill: 3))
        for n in 0..<20 { #expect(throttle.attempt(account: "name\(n)", address: "198.51.100.7", now: 1000) == nil) }
        #expect(throttle.attempt(account: "fresh", address: "198.51.100.7", now: 1000) == 3)
        #expect(throttle.attempt(account: "fresh", address: "203.0.113.1", now: 1000) == nil, "another address is not affected")
        #expect(throttle.attempt(account: "fresh", address: "198.51.100.7", now: 1003) == nil, "one attempt regained after 3 s")
    }

    @Test("the throttle's memory is bounded")
    func logInThrottleBounded() {
        let throttle = LoginThrottle(maxTracked: 100)
        for n in 0..<1000 { _ = throttle.attempt(account: "a\(n)", address: "10.0.\(n / 256).\(n % 256)", now: Double(n)) }
        #expect(throttle.trackedCount <= 100)
    }

    @Test("wrong name, wrong password, the password in clear or nothing at all: 401 Log In")
    func wrongCredentials() throws {
        let panel = try FaceIDTestGateway()
        let md5 = MD5.hex(Array("secret".utf8))
        for target in ["/api/v1/login?username=admin&password=\(MD5.hex(Array("Secret".utf8)))",
                       "/api/v1/login?username=admin&password=secret",
                       "/api/v1/login?username=nobody&password=\(md5)",
                       "/api/v1/login?username=admin",
                       "/api/v1/login?password=\(md5)",
                       "/api/v1/login"] {
            let response = try panel.send("GET", target)
            #expect(response.status == 401, "\(target)")
            #expect(response.text == #"{"error":"Log In"}"#, "\(target)")
        }
    }

    @Test("every route but log-in answers 401 Log In without a valid bearer token")
    func unauthorised() throws {
        let panel = try FaceIDTestGateway()
        let uid = try panel.createIdentifier(token: try panel.logIn("admin", "secret"))
        let photo = MultipartBody().file("file", filename: "face.jpg", contentType: "image/jpeg", try Fixtures.bytes("grace_hopper_512x512"))
        let routes: [(String, String, String?, [UInt8])] = [
            ("POST", "/api/v1/access/identifier/item", "application/json", Array(#"{"identifier_type":"card"}"#.utf8)),
            ("GET", "/api/v1/access/identifier/item/\(uid)", nil, []),
            ("PATCH", "/api/v1/access/identifier/item/\(uid)", "application/json", Array(#"{"lock":"first"}"#.utf8)),
            ("DELETE", "/api/v1/access/identifier/item/\(uid)", nil, []),
            ("POST", "/api/v1/access/identifier/item/face/file/\(uid)", photo.contentType, photo.bytes),
            ("POST", "/api/v1/access/identifier/face/search", photo.contentType, photo.bytes),
        ]
        for (method, target, type, body) in routes {
            for token in [nil, "not-a-token", ""] as [String?] {
                let response = try panel.send(method, target, token: token, contentType: type, body: body)
                #expect(response.status == 401, "\(method) \(target) token \(token ?? "none")")
                #expect(response.errorText == "Log In", "\(method) \(target)")
            }
        }
        // A bare token without the Bearer scheme is not accepted either.
        let token = try panel.logIn("guard", "pw")
        let client = try RawHTTPClient(port: panel.port)
        try client.send("GET /api/v1/access/identifier/item/\(uid) HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\nConnection: close\r\n\r\n")
        #expect(try client.readResponse().status == 401)
        // Nothing was changed by the refused requests.
        #expect(try panel.send("GET", "/api/v1/access/identifier/item/\(uid)", token: token).status == 200)
    }

    @Test("a user account reads and searches; changing identifiers and enrolling faces needs an admin (403)")
    func adminOnly() throws {
        let panel = try FaceIDTestGateway()
        let uid = try panel.createIdentifier(token: try panel.logIn("admin", "secret"))
        let user = try panel.logIn("guard", "pw")
        let photo = MultipartBody().file("file", filename: "face.jpg", contentType: "image/jpeg", try Fixtures.bytes("grace_hopper_512x512"))
        let refused: [(String, String, String?, [UInt8])] = [
            ("POST", "/api/v1/access/identifier/item", "application/json",
             Array(#"{"identifier_owner":{"name":"x","type":"guest"},"identifier_type":"card","identifier_number":"1","lock":"all"}"#.utf8)),
            ("PATCH", "/api/v1/access/identifier/item/\(uid)", "application/json", Array(#"{"lock":"first"}"#.utf8)),
            ("DELETE", "/api/v1/access/identifier/item/\(uid)", nil, []),
            ("POST", "/api/v1/access/identifier/item/face/file/\(uid)", photo.contentType, photo.bytes),
        ]
        for (method, target, type, body) in refused {
            let response = try panel.send(method, target, token: user, contentType: type, body: body)
            #expect(response.status == 403, "\(method) \(target)")
            #expect(response.text == #"{"error":"Administrator rights required"}"#, "\(method) \(target)")
        }
        let read = try panel.send("GET", "/api/v1/access/identifier/item/\(uid)", token: user)
        #expect(read.status == 200)
        #expect(read.json?["lock"]?.stringValue == "all", "the refused PATCH changed nothing")
        // Search is open to users: past the rights check, an empty form is the next thing refused.
        let search = try panel.sendForm("/api/v1/access/identifier/face/search", token: user, MultipartBody().field("note", "x"))
        #expect(search.status == 400)
        #expect(search.errorText == "Wrong file format")
    }

    @Test("a token stops working when it expires")
    func tokenExpiry() throws {
        let panel = try FaceIDTestGateway { $0.faceID.tokenTTL = 1 }
        let token = try panel.logIn("admin", "secret")
        let expired = try waitUntil(timeout: 10, interval: 0.1) {
            try panel.send("GET", "/api/v1/access/identifier/item/1", token: token).status == 401
        }
        #expect(expired)
        #expect(try panel.send("GET", "/api/v1/access/identifier/item/1", token: try panel.logIn("admin", "secret")).status == 404)
    }

    @Test("accounts follow the configuration at each start: removed ones can no longer log in, changed types apply")
    func accountSync() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-faceid-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var settings = FaceIDSettings()
        settings.accounts = [PanelAccountSpec(name: "admin", password: "secret", type: .admin),
                             PanelAccountSpec(name: "guard", password: "pw", type: .user)]
        let store = try FaceIDStore(path: path)
        let first = try PanelAuth(store: store, settings: settings)
        let guardToken = try #require(try first.logIn(username: "guard", passwordMD5: MD5.hex(Array("pw".utf8)), from: "127.0.0.1")["token"]?.stringValue)
        let adminToken = try #require(try first.logIn(username: "admin", passwordMD5: MD5.hex(Array("secret".utf8)), from: "127.0.0.1")["token"]?.stringValue)

        settings.accounts = [PanelAccountSpec(name: "admin", password: "changed", type: .user)]
        let second = try PanelAuth(store: store, settings: settings)
        #expect(throws: FaceIDError.self) { try second.logIn(username: "guard", passwordMD5: MD5.hex(Array("pw".utf8)), from: "127.0.0.1") }
        #expect(throws: FaceIDError.self) { try second.logIn(username: "admin", passwordMD5: MD5.hex(Array("secret".utf8)), from: "127.0.0.1") }
        #expect(try second.logIn(username: "admin", passwordMD5: MD5.hex(Array("changed".utf8)), from: "127.0.0.1")["account_type"]?.stringValue == "user")
        #expect(try store.session(tokenSHA256: SHA256.hexDigest(Array(guardToken.utf8))) == nil, "a removed account's tokens go with it")
        #expect(try store.session(tokenSHA256: SHA256.hexDigest(Array(adminToken.utf8)))?.type == .user)
        store.close()
    }

    @Test("ROOST_PANEL_ACCOUNTS: name:password:type, passwords may hold colons; mistakes are refused")
    func accountList() throws {
        let specs = try PanelAccountSpec.parseList(" admin:se:cret:admin , guard:pw:user,")
        #expect(specs == [PanelAccountSpec(name: "admin", password: "se:cret", type: .admin),
                          PanelAccountSpec(name: "guard", password: "pw", type: .user)])
        #expect(try PanelAccountSpec.parseList("").isEmpty)
        for bad in ["admin:secret", "admin:secret:root", ":pw:user", "a::user", "a:1:user,a:2:admin"] {
            #expect(throws: PanelAccountSpec.ParseError.self, "\(bad)") { try PanelAccountSpec.parseList(bad) }
        }
    }
}
