import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Two real gateways (`ROOST_GATEWAY_ID` `a` and `b`, each with its own data directory) and one
/// worker on one Redis: each gateway records only the jobs it accepted, answers for the other's
/// from Redis, and the event streams are trimmed once both have read them.
@Suite(.serialized) struct SeveralGatewaysTests {
    private static let alice = [("X-Api-Key", "alice-key")]

    /// Both lanes' event stream lengths, and each group's (pending, lag) on the interactive lane.
    private func events(_ queue: JobQueue) throws -> (length: Int, groups: [String: (pending: Int, lag: Int?)]) {
        let figures = try queue.eventGroups()
        var groups: [String: (pending: Int, lag: Int?)] = [:]
        for group in figures.groups where group.lane == .interactive { groups[group.name] = (group.pending, group.lag) }
        return (figures.lengths.values.reduce(0, +), groups)
    }

    private func store(_ directory: URL) throws -> JobStore { try JobStore(path: directory.appendingPathComponent("roost.sqlite").path) }

    @Test func eachGatewayRecordsItsOwnJobsAnswersForTheOthersAndTheEventsAreTrimmedOnceBothReadThem() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe", "ROOST_WORKER_THREADS": "1", "ROOST_RESULT_CACHE": "off"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway(["ROOST_GATEWAY_ID": "a"])
        let b = try cluster.startOtherGateway(named: "b")
        let gatewayA = try TestClient(port: cluster.httpPort)
        let queue = JobQueue(connection: try cluster.redis.connect(), settings: QueueSettings())
        #expect(Set(try events(queue).groups.keys) == ["a", "b"], "each gateway created its own group, the workers none")

        // Jobs accepted by A, before any worker runs; a long-poll on B for the first one parks there.
        let photo = try Fixtures.bytes("eagle")
        let ids = try (0..<6).map { _ in
            try #require(try gatewayA.upload("/jobs/probe", file: photo, headers: Self.alice).jsonBody["id"]?.stringValue)
        }
        let parked = try RawHTTPClient(port: b.port)
        try parked.send("GET /jobs/\(ids[0])?wait=30&until=ended HTTP/1.1\r\nHost: t\r\nX-Api-Key: alice-key\r\n\r\n")
        let gatewayB = try TestClient(port: b.port)
        #expect(waitUntil(timeout: 20) { (try? gatewayB.get("/metrics").text.contains("roost_http_long_polls 1\n")) == true })
        #expect(try gatewayB.get("/jobs/\(ids[1])", headers: Self.alice).jsonBody["state"]?.stringValue == "queued")
        try cluster.startWorker()

        // (a) B answers A's jobs: the parked long-poll is woken by B's own ingester, the rest long-poll to their end.
        let woken = try parked.readResponse(timeout: 60)
        #expect(woken.jsonBody["state"]?.stringValue == "succeeded", "\(woken.text)")
        #expect(woken.jsonBody["result"]?["width"]?.intValue != nil, "\(woken.text)")
        for id in ids {
            let status = try gatewayB.get("/jobs/\(id)?wait=30&until=ended", headers: Self.alice, timeout: 40)
            #expect(status.status == 200 && status.jsonBody["state"]?.stringValue == "succeeded", "\(status.text)")
            #expect(status.jsonBody["result"]?["width"]?.intValue != nil)
        }
        // (c) Another client gets 404 from B, as from A; so does an id nobody issued.
        for headers in [[("X-Api-Key", "mallory-key")], []] {
            #expect(try gatewayB.get("/jobs/\(ids[0])", headers: headers).status == 404)
            #expect(try gatewayB.get("/jobs/\(ids[0])?wait=1", headers: headers).status == 404)
            #expect(try gatewayA.get("/jobs/\(ids[0])", headers: headers).status == 404)
        }
        #expect(try gatewayB.get("/jobs/\(JobID.make())", headers: Self.alice).status == 404)

        // (b) A's store has each of its jobs once, with its result; B's has none of them.
        let storeA = try store(cluster.directory.appendingPathComponent("data"))
        #expect(waitUntil(timeout: 30) { (try? storeA.counts()) == ["succeeded": ids.count] }, "\(String(describing: try? storeA.counts()))")
        for id in ids { #expect(try storeA.job(id: id)?.resultJSON?.contains("\"width\"") == true) }
        let storeB = try store(cluster.dataDirectory(ofGateway: "b"))
        #expect(try storeB.counts().isEmpty)

        // (d) Once both ingesters have acknowledged everything, the streams are trimmed to nothing.
        #expect(waitUntil(timeout: 30) { (try? events(queue).length) == 0 }, "\(String(describing: try? events(queue)))")

        // A stopped B holds the trim back: its job ends while it is down, A reads the events, the stream keeps them.
        cluster.workers[0].kill(signal: SIGTERM)
        #expect(cluster.workers[0].wait(timeout: 30) != nil)
        // B cancels A's job as A would; A's ingester records it.
        let cancelled = try #require(try gatewayA.upload("/jobs/probe", file: photo, headers: Self.alice).jsonBody["id"]?.stringValue)
        #expect(try gatewayB.request("DELETE", "/jobs/\(cancelled)", headers: [("X-Api-Key", "mallory-key")]).status == 404)
        #expect(try gatewayB.request("DELETE", "/jobs/\(cancelled)", headers: Self.alice).jsonBody["state"]?.stringValue == "cancelled")
        #expect(waitUntil(timeout: 30) { (try? storeA.job(id: cancelled))??.state == "cancelled" })
        let own = try #require(try gatewayB.upload("/jobs/probe", file: photo, headers: Self.alice).jsonBody["id"]?.stringValue)
        b.process.kill(signal: SIGTERM)
        #expect(b.process.wait(timeout: 30) != nil)
        try cluster.startWorker()
        #expect(waitUntil(timeout: 30) { (try? gatewayA.get("/jobs/\(own)", headers: Self.alice).jsonBody["state"]?.stringValue) == "succeeded" },
                "A answers B's job from Redis")
        #expect(waitUntil(timeout: 30) {
            guard let figures = try? events(queue), let a = figures.groups["a"], let stopped = figures.groups["b"] else { return false }
            return a.pending == 0 && a.lag == 0 && (stopped.lag ?? 1) > 0 && figures.length > 0
        }, "\(String(describing: try? events(queue)))")
        #expect(try storeB.job(id: own)?.state == "queued", "B has not seen its job end yet")
        #expect(try storeA.job(id: own) == nil)

        // B resumes: it catches up on its job, and the stream is trimmed once it has.
        _ = try cluster.startOtherGateway(named: "b")
        #expect(waitUntil(timeout: 30) { (try? storeB.job(id: own))??.state == "succeeded" }, "\(cluster.log("gateway-b.log").suffix(2000))")
        #expect(waitUntil(timeout: 30) { (try? events(queue).length) == 0 }, "\(String(describing: try? events(queue)))")
        #expect(try storeB.counts() == ["succeeded": 1])
        #expect(try storeA.counts() == ["succeeded": ids.count, "cancelled": 1])
        storeA.close()
        storeB.close()
    }
}
