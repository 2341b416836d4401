import Foundation
import Glibc
import Testing
import Shared
@testable import Gateway

/// Something a handler throws that is not an HTTPError.
private struct DatabaseExploded: Error {}

private func makeRouter() -> Router {
    let router = Router()
    router.add("GET", "/hello", name: "hello") { _ in .text(200, "hello") }
    router.add("GET", "/path/{name}") { request in .text(200, request.pathParameters["name"] ?? "") }
    router.add("POST", "/echo", name: "echo") { request in HTTPResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: request.body) }
    router.add("POST", "/small", bodyLimit: 1024) { request in .text(200, "\(request.body.count)") }
    router.add("GET", "/boom") { _ in throw DatabaseExploded() }
    router.add("GET", "/refuse") { _ in throw HTTPError.custom(.text(403, "Forbidden by TheDogAPI")) }
    return router
}

/// Runs `attempt` until it returns true or `timeout` seconds pass, for states only observable from outside
/// (e.g. a port refusing connections); returns whether it succeeded.
private func eventually(timeout: Double = 5, _ attempt: () -> Bool) -> Bool {
    let deadline = MonotonicDeadline.after(timeout)
    while !deadline.hasPassed {
        if attempt() { return true }
        _ = poll(nil, 0, 10)
    }
    return attempt()
}

@Suite struct HTTPServerTests {
    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let first = try client.readResponse()
        #expect(first.status == 200 && first.text == "hello")
        #expect(first.headers["Connection"] == "keep-alive")
        #expect(first.headers["Date"]?.hasSuffix(" GMT") == true)
        #expect(first.headers["Content-Type"] == "text/plain; charset=utf-8")
        try client.send("GET /path/second HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "second")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /path/one HTTP/1.1\r\nHost: t\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
            + "GET /path/three HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try (0..<3).map { _ in try client.readResponse().text } == ["one", "two", "three"])
        #expect(client.waitForClose(timeout: 5))
    }

    @Test func expectContinueGetsInterimResponseBeforeTheBody() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        try client.send("abcde")
        let final = try client.readResponse()
        #expect(final.status == 200 && final.text == "abcde")
    }

    @Test func oversizedDeclaredBodyGets413WithoutBeingRead() throws {
        let server = try TestHTTPServer(router: makeRouter())
        for expect in ["Expect: 100-continue\r\n", ""] {
            let client = try RawHTTPClient(port: server.port)
            try client.send("POST /small HTTP/1.1\r\nHost: t\r\n\(expect)Content-Length: 10000000\r\n\r\n")
            let response = try client.readResponse() // a 100 here would be the bug
            #expect(response.status == 413)
            #expect(response.headers["Connection"] == "close")
            #expect(try JSON.parse(response.body)["error"]?["code"]?.stringValue == "payload_too_large")
            #expect(client.waitForClose(timeout: 5))
        }
        #expect(server.records.wait(forCount: 2).map(\.route) == ["/small", "/small"])
    }

    @Test func tooManyHeadersGet431() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n" + (0..<150).map { "X-H\($0): v\r\n" }.joined() + "\r\n")
        #expect(try client.readResponse().status == 431)
        #expect(client.waitForClose(timeout: 5))
    }

    @Test func slowClientGets408WhileOthersAreServed() throws {
        let server = try TestHTTPServer(router: makeRouter()) { $0.readTimeout = 1 }
        let slow = try RawHTTPClient(port: server.port)
        let started = MonotonicDeadline.now()
        try slow.send("GET /hello HTTP/1.1\r\nHo")
        let other = try RawHTTPClient(port: server.port)
        try other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try other.readResponse().status == 200)
        let timedOut = try slow.readResponse(timeout: 30)
        let elapsed = MonotonicDeadline.now().seconds - started.seconds
        #expect(timedOut.status == 408)
        // Order only: never before its timeout (how long after depends on the machine's load).
        #expect(elapsed >= 0.95)
        #expect(slow.waitForClose(timeout: 5))
    }

    @Test func idleKeepAliveConnectionIsClosedAfterIdleTimeout() throws {
        let server = try TestHTTPServer(router: makeRouter()) { $0.idleTimeout = 0.3 }
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let idleSince = MonotonicDeadline.now()
        #expect(client.waitForClose(timeout: 5))
        #expect(MonotonicDeadline.now().seconds - idleSince.seconds >= 0.25)
    }

    @Test func gracefulShutdownFinishesInFlightRequestAndRefusesNewConnections() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let router = makeRouter()
        router.add("GET", "/slow") { _ in
            entered.signal()
            _ = release.wait(timeout: .now() + 10)
            return .text(200, "finished")
        }
        let server = try TestHTTPServer(router: router)
        let idle = try RawHTTPClient(port: server.port)
        try idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        let busy = try RawHTTPClient(port: server.port)
        try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(entered.wait(timeout: .now() + 5) == .success)

        let stopped = DispatchSemaphore(value: 0)
        let running = server.server
        Thread { running.shutdown(); stopped.signal() }.start()
        #expect(eventually { (try? RawHTTPClient(port: server.port)) == nil }, "new connections must be refused")
        #expect(idle.waitForClose(timeout: 5), "idle keep-alive connections are closed")
        #expect(stopped.wait(timeout: .now() + 0.2) == .timedOut, "shutdown waits for the in-flight request")

        release.signal()
        let response = try busy.readResponse()
        #expect(response.status == 200 && response.text == "finished")
        #expect(response.headers["Connection"] == "close")
        #expect(stopped.wait(timeout: .now() + 5) == .success)
    }

    @Test func connectionsOverTheCapGet503() throws {
        let server = try TestHTTPServer(router: makeRouter()) { $0.maxConnections = 2 }
        let held = try (0..<2).map { _ in try RawHTTPClient(port: server.port) }
        for client in held {
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        // Optimised builds may release `held` after its last use, closing those connections: keep them open.
        try withExtendedLifetime(held) {
            let extra = try RawHTTPClient(port: server.port)
            let response = try extra.readResponse()
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == "1")
            #expect(try JSON.parse(response.body)["error"]?["code"]?.stringValue == "service_unavailable")
            #expect(extra.waitForClose(timeout: 5))
        }
    }

    @Test func errorsAndHeadAreAnsweredOnTheSameConnection() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
        let boom = try client.readResponse()
        #expect(boom.status == 500 && boom.text == #"{"error":{"code":"internal","message":"internal error"}}"#)
        try client.send("GET /refuse HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "Forbidden by TheDogAPI")
        try client.send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 404)
        try client.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let wrongMethod = try client.readResponse()
        #expect(wrongMethod.status == 405 && wrongMethod.headers["Allow"] == "GET, HEAD")
        try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse(isHead: true)
        #expect(head.status == 200 && head.headers["Content-Length"] == "5" && head.body.isEmpty)
        try client.send("GET /path/after-head HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "after-head")

        let records = server.records.wait(forCount: 6)
        #expect(records.map(\.status) == [500, 403, 404, 405, 200, 200])
        #expect(records.map(\.route) == ["/boom", "/refuse", "unmatched", "unmatched", "hello", "/path/{name}"])
        #expect(records[4].bytesIn == "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n".utf8.count)
        #expect(records.allSatisfy { $0.remoteAddress.hasPrefix("127.0.0.1:") && $0.bytesOut > 0 })
    }

    @Test func malformedRequestGets400AndClose() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Fold: a\r\n b\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.headers["Connection"] == "close")
        #expect(client.waitForClose(timeout: 5))
        #expect(server.records.wait(forCount: 1).first?.route == "invalid")
    }

    @Test func http10ClientGetsCloseAndChunkedOverLimitGets413() throws {
        let server = try TestHTTPServer(router: makeRouter())
        let old = try RawHTTPClient(port: server.port)
        try old.send("GET /hello HTTP/1.0\r\n\r\n")
        let response = try old.readResponse()
        #expect(response.status == 200 && response.headers["Connection"] == "close")
        #expect(old.waitForClose(timeout: 5))

        let chunked = try RawHTTPClient(port: server.port)
        let chunk = "200\r\n" + String(repeating: "z", count: 512) + "\r\n"
        try chunked.send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk)
        #expect(try chunked.readResponse().status == 413)
        #expect(chunked.waitForClose(timeout: 5))
    }

    @Test func configurationFromEnvironment() {
        let configuration = HTTPServerConfiguration(environment: Environment(["ROOST_HTTP_PORT": "9090", "ROOST_HTTP_READ_TIMEOUT": "2.5",
                                                                              "ROOST_HTTP_MAX_BODY_BYTES": "", "ROOST_HTTP_HOST": "127.0.0.1"]))
        #expect(configuration.port == 9090)
        #expect(configuration.readTimeout == 2.5)
        #expect(configuration.defaultBodyLimit == 1 << 20)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.idleTimeout == 60)
    }

    @Test func accessLogModesChooseWhichRequestsAreLogged() {
        func record(_ status: Int, _ duration: Double) -> RequestRecord {
            RequestRecord(route: "r", method: "GET", path: "/", status: status, bytesIn: 0, bytesOut: 0, duration: duration, remoteAddress: "")
        }
        #expect([record(200, 0), record(404, 0)].allSatisfy(AccessLog.all.logs))
        #expect(!AccessLog.errors.logs(record(200, 0.2)) && AccessLog.errors.logs(record(503, 0)) && AccessLog.errors.logs(record(200, 1.5)))
        #expect(!AccessLog.off.logs(record(500, 9)))
        #expect(HTTPServerConfiguration(environment: Environment(["ROOST_ACCESS_LOG": "errors"])).accessLog == .errors)
        #expect(HTTPServerConfiguration(environment: Environment([:])).accessLog == .all)
    }

    @Test func clientThatStopsReadingIsDroppedAfterWriteTimeout() throws {
        let router = makeRouter()
        router.add("GET", "/big") { _ in HTTPResponse(status: 200, body: [UInt8](repeating: 0x42, count: 64 << 20)) }
        let server = try TestHTTPServer(router: router) { $0.writeTimeout = 0.3 }
        let stalled = try RawHTTPClient(port: server.port)
        try stalled.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n") // and never read
        let record = try #require(server.records.wait(forCount: 1, timeout: 10).first)
        #expect(record.route == "/big" && record.bytesOut == 0, "the write was abandoned, not completed")
        let other = try RawHTTPClient(port: server.port)
        try other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try other.readResponse().status == 200)
    }
}
