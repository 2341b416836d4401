import Testing
import Shared
@testable import Gateway

@Suite struct HTTPRouterTests {
    private func makeRouter() -> Router {
        let router = Router()
        router.add("GET", "/v1/jobs/{id}", name: "job_status") { request in
            .json(200, ["id": .string(request.pathParameters["id"] ?? "")])
        }
        router.add("DELETE", "/v1/jobs/{id}") { _ in HTTPResponse(status: 204) }
        router.add("POST", "/v1/jobs", bodyLimit: 10 << 20) { _ in .text(202, "queued") }
        return router
    }

    @Test func matchesPatternsAndCapturesSegments() throws {
        let router = makeRouter()
        guard case let .found(route, parameters) = router.match(method: "GET", path: "/v1/jobs/42") else {
            Issue.record("no match"); return
        }
        #expect(route.name == "job_status")
        #expect(parameters == ["id": "42"])
        let response = try route.handler(try HTTPRequest(method: "GET", target: "/v1/jobs/42", pathParameters: parameters))
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"42"}"#)
        guard case let .found(post, _) = router.match(method: "POST", path: "/v1/jobs") else { Issue.record("no POST"); return }
        #expect(post.name == "/v1/jobs")
        #expect(post.bodyLimit == 10 << 20)
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() {
        let router = makeRouter()
        guard case .notFound = router.match(method: "GET", path: "/v1/nothing") else { Issue.record("expected 404"); return }
        guard case .notFound = router.match(method: "GET", path: "/v1/jobs/") else { Issue.record("empty capture must not match"); return }
        guard case let .methodNotAllowed(allowed) = router.match(method: "PUT", path: "/v1/jobs/7") else {
            Issue.record("expected 405"); return
        }
        #expect(allowed == ["GET", "DELETE", "HEAD"])
        let error = HTTPError.methodNotAllowed(allowed: allowed)
        #expect(error.status == 405)
        #expect(error.response.header("Allow") == "GET, DELETE, HEAD")
    }

    @Test func headFallsBackToGet() {
        guard case let .found(route, _) = makeRouter().match(method: "HEAD", path: "/v1/jobs/1") else {
            Issue.record("HEAD should use the GET route"); return
        }
        #expect(route.method == "GET")
    }

    @Test func errorsCarryRoostBodyShapeAndHeaders() throws {
        let error = HTTPError.serviceUnavailable(retryAfter: 3, message: "lane full")
        #expect(error.response.status == 503)
        #expect(error.response.header("retry-after") == "3")
        #expect(error.response.header("Content-Type") == "application/json")
        let body = try JSON.parse(error.response.body)
        #expect(body["error"]?["code"]?.stringValue == "service_unavailable")
        #expect(body["error"]?["message"]?.stringValue == "lane full")
        #expect(String(decoding: HTTPError.internal().response.body, as: UTF8.self) == #"{"error":{"code":"internal","message":"internal error"}}"#)
        let custom = HTTPError.custom(.json(401, ["error": "Log In"]))
        #expect(custom.status == 401)
        #expect(String(decoding: custom.response.body, as: UTF8.self) == #"{"error":"Log In"}"#)
    }

    @Test func wireHeadAddsFramingDateAndConnection() {
        var response = HTTPResponse.text(200, "hi")
        response.headers.append(("Content-Length", "999")) // a handler cannot break framing
        let head = String(decoding: response.wireHead(keepAlive: true, date: "Sun, 06 Nov 1994 08:49:37 GMT"), as: UTF8.self)
        #expect(head == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n"
            + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: keep-alive\r\n\r\n")
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(!response.sendsBody(forMethod: "HEAD"))
        #expect(!HTTPResponse(status: 204).wireHead(keepAlive: false).contains(UInt8(ascii: "L")))
    }

    @Test func requestTargetDecoding() throws {
        let request = try HTTPRequest(method: "GET", target: "/a%2Fb/c?x=1&x=2&flag&e=%E2%82%AC")
        #expect(request.path == "/a/b/c")
        #expect(request.queryValue("x") == "1")
        #expect(request.queryValue("flag") == "")
        #expect(request.queryValue("e") == "€")
        #expect(throws: HTTPError.self) { try HTTPRequest(method: "GET", target: "/%00") }
        #expect(throws: HTTPError.self) { try HTTPRequest(method: "GET", target: "/%C3") }
    }
}
