import Foundation
import Glibc
import Testing
import Shared
@testable import Gateway

/// What the event loop adds over thread-per-connection: idle connections and parked requests
/// cost no thread, a saturated handler pool answers `503` while inline routes still answer.
@Suite struct HTTPEventLoopTests {
    /// A router with an inline route, a normal one, one that blocks until released, and one that
    /// parks (answers later through the request's responder).
    private final class Routes: @unchecked Sendable {
        // @unchecked Sendable: `parked` is guarded by `lock`; the semaphores are thread-safe.
        let router = Router()
        let lock = NSLock()
        var parked: [DeferredResponder] = []
        let release = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)

        init() {
            router.add("GET", "/ping", lane: .inline) { _ in .text(200, "pong") }
            router.add("GET", "/hello") { _ in .text(200, "hello") }
            router.add("GET", "/block") { [self] _ in
                entered.signal()
                _ = release.wait(timeout: .now() + 20)
                return .text(200, "released")
            }
            router.add("GET", "/park") { [self] request in
                guard let responder = request.responder else { return .text(500, "no responder") }
                lock.withLock { parked.append(responder) }
                return .parked
            }
        }

        var parkedCount: Int { lock.withLock { parked.count } }

        func answerParked() {
            for (index, responder) in lock.withLock({ parked }).enumerated() { responder.answer(.text(200, "answer \(index)")) }
        }
    }

    private func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = MonotonicDeadline.after(30)
        while !deadline.hasPassed {
            if condition() { return true }
            _ = poll(nil, 0, 5)
        }
        return condition()
    }

    @Test func aThousandIdleConnectionsAndHeartbeatStillAnswers() throws {
        let routes = Routes()
        let server = try TestHTTPServer(router: routes.router) { $0.handlerThreads = 4 }
        var idle: [RawHTTPClient] = []
        for _ in 0..<1_000 { idle.append(try RawHTTPClient(port: server.port)) }
        // Each of them is a live keep-alive connection: one request proves it was accepted.
        for client in idle.prefix(10) {
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        #expect(waitUntil { server.server.openConnections >= 1_000 }, "open: \(server.server.openConnections)")
        let probe = try RawHTTPClient(port: server.port)
        try probe.send("GET /ping HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try probe.readResponse().text == "pong")
        try probe.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try probe.readResponse().text == "hello")
        withExtendedLifetime(idle) {}
    }

    @Test func parkedRequestsHoldNoHandlerThread() throws {
        let routes = Routes()
        let server = try TestHTTPServer(router: routes.router) { $0.handlerThreads = 2; $0.handlerQueue = 0 }
        var waiting: [RawHTTPClient] = []
        for _ in 0..<300 {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /park HTTP/1.1\r\nHost: t\r\n\r\n")
            waiting.append(client)
            // Two handler threads and no queue: without parking the third request would get 503.
            #expect(waitUntil { routes.parkedCount == waiting.count })
        }
        let other = try RawHTTPClient(port: server.port)
        try other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try other.readResponse().text == "hello")
        routes.answerParked()
        var answers: Set<String> = []
        for client in waiting { answers.insert(try client.readResponse(timeout: 30).text) }
        #expect(answers.count == 300 && answers.contains("answer 0") && answers.contains("answer 299"))
    }

    @Test func aSaturatedPoolAnswers503WhileInlineRoutesStillAnswer() throws {
        let routes = Routes()
        let server = try TestHTTPServer(router: routes.router) { $0.handlerThreads = 1; $0.handlerQueue = 0 }
        let blocker = try RawHTTPClient(port: server.port)
        try blocker.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(routes.entered.wait(timeout: .now() + 10) == .success)
        let refused = try RawHTTPClient(port: server.port)
        try refused.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let busy = try refused.readResponse()
        #expect(busy.status == 503 && busy.headers["Retry-After"] == "1")
        try refused.send("GET /ping HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try refused.readResponse().text == "pong", "the 503 kept the connection, and inline routes are served")
        routes.release.signal()
        #expect(try blocker.readResponse(timeout: 30).text == "released")
        // The handler thread goes back to the pool just after its answer is written: until then a
        // request may still meet the full pool (503, connection kept). Then it is served.
        let served = try RoostTests.waitUntil(timeout: 10) {
            try refused.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let answer = try refused.readResponse()
            #expect(answer.status == 200 || answer.status == 503)
            return answer.text == "hello"
        }
        #expect(served)
    }

    @Test func connectionsFromOneClientAreCapped() throws {
        let routes = Routes()
        let server = try TestHTTPServer(router: routes.router) { $0.maxConnectionsPerClient = 3 }
        let held = try (0..<3).map { _ in try RawHTTPClient(port: server.port) }
        for client in held {
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        try withExtendedLifetime(held) {
            let extra = try RawHTTPClient(port: server.port)
            #expect(try extra.readResponse().status == 503)
        }
    }
}

/// The gateway's job long-polls are parked: hundreds wait on a queued job with four handler
/// threads, `/heartbeat` answers meanwhile, and all of them get the result when a worker runs it.
@Suite struct ParkedLongPollTests {
    @Test func hundredsOfLongPollsWaitWithoutThreads() throws {
        let cluster = try Cluster(environment: ["ROOST_HTTP_HANDLER_THREADS": "4", "ROOST_WORKER_KINDS": "probe", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let submitted = try client.request("POST", "/jobs/probe", headers: [("Content-Type", "image/jpeg")], body: try Fixtures.bytes("eagle"))
        let id = try #require(submitted.jsonBody["id"]?.stringValue, "\(submitted.text)")
        var polls: [RawHTTPClient] = []
        for _ in 0..<300 {
            let poll = try RawHTTPClient(port: cluster.httpPort)
            try poll.send("GET /jobs/\(id)?wait=60 HTTP/1.1\r\nHost: t\r\n\r\n")
            polls.append(poll)
        }
        let heartbeat = try client.get("/heartbeat")
        #expect(heartbeat.status == 200)
        // The gauges show them: 300 parked long-polls on at least 300 open connections.
        let deadline = MonotonicDeadline.after(30)
        var metrics = ""
        repeat { metrics = try client.get("/metrics").text } while !metrics.contains("roost_http_long_polls 300\n") && !deadline.hasPassed
        #expect(metrics.contains("roost_http_long_polls 300\n"))
        let open = metrics.split(separator: "\n").first { $0.hasPrefix("roost_http_connections ") }.flatMap { Int($0.split(separator: " ")[1]) }
        #expect((open ?? 0) >= 300, "\(String(describing: open))")
        let status = try client.get("/jobs/\(id)")
        #expect(status.jsonBody["state"]?.stringValue == "queued", "no worker yet: \(status.text)")
        try cluster.startWorker()
        var states: [String: Int] = [:]
        for poll in polls {
            let answer = try poll.readResponse(timeout: 60)
            states[answer.jsonBody["state"]?.stringValue ?? "status \(answer.status)", default: 0] += 1
        }
        // A poll wakes on the job's first change (running or succeeded), as before.
        #expect(states.keys.allSatisfy { ["running", "succeeded"].contains($0) }, "\(states)")
        #expect(states.values.reduce(0, +) == 300)
    }
}
