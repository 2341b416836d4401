import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Jobs belong to whoever submitted them; the operations endpoints are for operators only.
@Suite("Job privacy and ops access")
struct JobPrivacyTests {
    func upload(_ panel: FaceIDTestGateway, key: String? = nil, idempotencyKey: String? = nil) throws -> String {
        var headers: [(String, String)] = []
        if let key { headers.append(("X-Api-Key", key)) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let response = try TestClient(port: panel.port).upload("/jobs/probe", file: try Fixtures.bytes("eagle"), headers: headers)
        #expect([200, 202].contains(response.status), "\(response.text)")
        return try #require(response.jsonBody["id"]?.stringValue)
    }

    @Test("only the owner reads or cancels a job: another key, no key, or a key for an anonymous job all get 404")
    func onlyTheOwnerSeesAJob() throws {
        let panel = try FaceIDTestGateway()
        let client = try TestClient(port: panel.port)
        let keyed = try upload(panel, key: "alice-key")
        #expect(try client.get("/jobs/\(keyed)", headers: [("X-Api-Key", "alice-key")]).status == 200)
        #expect(try client.get("/jobs/\(keyed)", headers: [("X-Api-Key", "mallory-key")]).status == 404)
        #expect(try client.get("/jobs/\(keyed)").status == 404)
        #expect(try client.request("DELETE", "/jobs/\(keyed)", headers: [("X-Api-Key", "mallory-key")]).status == 404)

        let anonymous = try upload(panel)
        #expect(try client.get("/jobs/\(anonymous)").status == 200, "the same host, on a new connection, is the same owner")
        #expect(try client.get("/jobs/\(anonymous)", headers: [("X-Api-Key", "mallory-key")]).status == 404)
        #expect(try client.request("DELETE", "/jobs/\(anonymous)", headers: [("X-Api-Key", "mallory-key")]).status == 404)
        #expect(try client.request("DELETE", "/jobs/\(anonymous)").status == 200)
    }

    @Test("a face panel's jobs are not reachable through /jobs")
    func panelJobsAreNotJobs() throws {
        let panel = try FaceIDTestGateway()
        var settings = QueueSettings()
        settings.layout = panel.gateway.configuration.queue.layout
        let pool = RedisPool(endpoint: panel.redis.endpoint, settings: settings)
        let service = JobService(store: panel.gateway.store, pool: pool, waiters: JobWaiters(), settings: settings,
                                 originals: try OriginalStore(directory: panel.dataDirectory.appendingPathComponent("originals")),
                                 kinds: ["faces"], cache: ResultCache(scope: .shared, pool: pool))
        let photo = try ImageUpload.validate(try Fixtures.bytes("eagle"), filename: "p.jpg", maxPixels: 40_000_000)
        let (record, _) = try service.submit(kind: "faces", lane: .interactive, image: photo, owner: "panel:admin", idempotencyKey: nil)
        let client = try TestClient(port: panel.port)
        #expect(try client.get("/jobs/\(record.id)").status == 404)
        #expect(try client.request("DELETE", "/jobs/\(record.id)").status == 404)
        #expect(try service.find(id: record.id, requester: "panel:admin").state == .queued)
    }

    @Test("Idempotency-Key without an API key: the same key from the same host returns the same job on any connection")
    func anonymousIdempotency() throws {
        let panel = try FaceIDTestGateway()
        let first = try upload(panel, idempotencyKey: "import-0001")
        let second = try upload(panel, idempotencyKey: "import-0001")
        #expect(first == second)
        #expect(try upload(panel, idempotencyKey: "import-0002") != first)
    }

    @Test("the owner of an anonymous request is its host without the port")
    func anonymousOwnerIsTheHost() {
        #expect(RequestIdentity.host(ofRemoteAddress: "203.0.113.9:51234") == "203.0.113.9")
        #expect(RequestIdentity.host(ofRemoteAddress: "2001:db8::1:51234") == "2001:db8::1")
        #expect(RequestIdentity.host(ofRemoteAddress: "[2001:db8::1]:51234") == "2001:db8::1")
    }

    @Test("cancelling a finished job is 409 and leaves its result, even once Redis has forgotten it")
    func cancelNeverOverwritesAFinishedJob() throws {
        let panel = try FaceIDTestGateway()
        let id = try upload(panel)
        let row = try #require(try panel.gateway.store.job(id: id))
        var finished = row
        finished.state = "succeeded"; finished.finishedAt = row.createdAt + 1; finished.resultJSON = #"{"width":1}"#
        #expect(try panel.gateway.store.applyUpdate(finished))
        // Redis's record expired (or Redis lost it): only SQLite knows the job now.
        let redis = try panel.redis.connect()
        try redis.call(["DEL", panel.gateway.configuration.queue.layout.job(.interactive, id)])
        let client = try TestClient(port: panel.port)
        let response = try client.request("DELETE", "/jobs/\(id)")
        #expect(response.status == 409)
        #expect(try client.get("/jobs/\(id)").jsonBody["state"]?.stringValue == "succeeded")
        #expect(try panel.gateway.store.job(id: id)?.state == "succeeded")
    }

    @Test("an idempotency key older than ROOST_IDEMPOTENCY_TTL makes a new job, in SQLite as in Redis")
    func idempotencyKeyExpires() throws {
        let panel = try FaceIDTestGateway { $0.queue.idempotencyTTL = 1 }
        let first = try upload(panel, idempotencyKey: "nightly")
        // Let the key's lifetime pass: Redis expires its copy; SQLite must stop honouring its own.
        let redis = try panel.redis.connect()
        let redisKey = panel.gateway.configuration.queue.layout.idempotency(.interactive, owner: "ip:127.0.0.1", key: "nightly")
        #expect(waitUntil(timeout: 10, interval: 0.05) { ((try? redis.call(["EXISTS", redisKey]).int) ?? 1) == 0 })
        #expect(waitUntil(timeout: 10, interval: 0.05) { Clock.now() - (((try? panel.gateway.store.job(id: first))??.createdAt) ?? 0) > 1.05 })
        let second = try upload(panel, idempotencyKey: "nightly")
        #expect(second != first)
        #expect(try upload(panel, idempotencyKey: "nightly") == second, "the new job now holds the key")
    }
}

/// `/ops/*` and `/metrics`: a bearer token when `ROOST_OPS_TOKEN` is set, else loopback only.
@Suite("Ops access")
struct OpsAccessTests {
    func request(_ path: String, from address: String, authorization: String? = nil) throws -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers = HTTPHeaders([("Authorization", authorization)]) }
        return try HTTPRequest(method: "GET", target: path, headers: headers, remoteAddress: address)
    }

    func status(_ access: OpsAccess, _ request: HTTPRequest) -> Int {
        do { try access.check(request); return 200 } catch let error as HTTPError { return error.response.status } catch { return 500 }
    }

    @Test func withoutATokenOnlyLoopbackClientsGetIn() throws {
        let access = OpsAccess(token: nil)
        #expect(status(access, try request("/metrics", from: "127.0.0.1:40000")) == 200)
        #expect(status(access, try request("/metrics", from: "::1:40000")) == 200)
        #expect(status(access, try request("/metrics", from: "203.0.113.9:40000")) == 403)
        #expect(status(access, try request("/ops/workers", from: "10.0.0.8:40000")) == 403)
    }

    @Test func withATokenEveryClientNeedsIt() throws {
        let access = OpsAccess(token: "s3cret-ops")
        #expect(status(access, try request("/metrics", from: "127.0.0.1:40000")) == 401, "loopback is no exception")
        #expect(status(access, try request("/metrics", from: "203.0.113.9:1", authorization: "Bearer wrong")) == 401)
        #expect(status(access, try request("/metrics", from: "203.0.113.9:1", authorization: "Bearer s3cret-ops")) == 200)
        #expect(status(access, try request("/metrics", from: "203.0.113.9:1", authorization: "Basic s3cret-ops")) == 401)
    }

    @Test func theGatewayGuardsOpsButNotHeartbeatAndShowsNoJobIDs() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "sleep", "ROOST_WORKER_THREADS": "1", "ROOST_OPS_TOKEN": "t0ken"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let queue = try cluster.queue()
        guard case let .created(id) = try queue.enqueue(EnqueueRequest(kind: "sleep", lane: .interactive, blob: [1], blobSHA256: "s",
                                                                        params: ["ms": .int(60_000)], owner: "test")) else {
            Issue.record("enqueue refused"); return
        }
        try cluster.startWorker(name: "sleeper")
        #expect(waitUntil(timeout: 20) { (try? queue.record(lane: .interactive, id: id))??.state == .running })
        let client = try TestClient(port: cluster.httpPort)
        #expect(try client.get("/heartbeat").status == 200)
        #expect(try client.get("/metrics").status == 401)
        #expect(try client.get("/ops/queues").status == 401)
        let auth = [("Authorization", "Bearer t0ken")]
        #expect(try client.get("/metrics", headers: auth).status == 200)
        var workers = try client.get("/ops/workers", headers: auth)
        #expect(waitUntil(timeout: 20) {
            workers = (try? client.get("/ops/workers", headers: auth)) ?? workers
            return workers.jsonBody["workers"]?.arrayValue?.first?["in_flight"]?.intValue == 1
        }, "\(workers.text)")
        #expect(!workers.text.contains(id))
    }
}

/// Long-polls hold connection threads, so only `ROOST_MAX_LONG_POLLS` of them wait at once.
@Suite("Long-poll cap")
struct LongPollCapTests {
    func longPolls(_ client: TestClient) throws -> Int? {
        let text = try client.get("/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix("roost_http_long_polls ") {
            return Int(line.split(separator: " ")[1])
        }
        return nil
    }

    @Test func beyondTheCapALongPollAnswersAtOnceAndTheServerKeepsServing() throws {
        let panel = try FaceIDTestGateway { $0.maxLongPolls = 2 }
        let client = try TestClient(port: panel.port)
        let photo = try Fixtures.bytes("eagle")
        let ids = try (0..<3).map { _ in try #require(try client.upload("/jobs/probe", file: photo).jsonBody["id"]?.stringValue) }
        // No worker runs: the jobs stay queued, so these two long-polls wait their full 30 s.
        let waiting = try ids.prefix(2).map { id -> RawHTTPClient in
            let poller = try RawHTTPClient(port: panel.port)
            try poller.send("GET /jobs/\(id)?wait=30 HTTP/1.1\r\nHost: x\r\n\r\n")
            return poller
        }
        #expect(waitUntil(timeout: 10) { (try? longPolls(client)) == 2 })
        let third = try client.get("/jobs/\(ids[2])?wait=30")
        #expect(third.status == 200)
        #expect(third.jsonBody["state"]?.stringValue == "queued")
        #expect(try client.upload("/jobs/probe", file: photo).status == 202, "uploads are still served")
        #expect(try longPolls(client) == 2, "the first two are still waiting")
        #expect(try client.get("/metrics").text.contains("roost_http_long_polls_refused_total 1"))
        withExtendedLifetime(waiting) {}
    }
}
