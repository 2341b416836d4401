import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// `GET /jobs/{id}?wait=N&until=ended`: one request per result. The job's changes are written to
/// the lane's event stream by hand, as a worker writes them, so the test decides when the job
/// starts and ends; the gateway's own ingester records them and wakes the long-polls.
@Suite struct LongPollUntilEndedTests {
    private func event(_ gateway: FaceIDTestGateway, _ fields: [String]) throws {
        let redis = try RedisConnection(endpoint: gateway.redis.endpoint)
        _ = try redis.call(["XADD", gateway.gateway.configuration.queue.layout.events(.interactive), "*"] + fields)
    }

    private func parkedLongPolls(_ client: TestClient) throws -> Int? {
        let metrics = try client.get("/metrics").text
        return metrics.split(separator: "\n").first { $0.hasPrefix("roost_http_long_polls ") }.flatMap { Int($0.split(separator: " ")[1]) }
    }

    private func waitFor(_ count: Int, _ client: TestClient) throws {
        let deadline = MonotonicDeadline.after(30)
        while try parkedLongPolls(client) != count, !deadline.hasPassed { usleep(5_000) }
        #expect(try parkedLongPolls(client) == count)
    }

    @Test func answersOnlyOnceTheJobEndedWhileAPlainLongPollAnswersAtTheStart() throws {
        let gateway = try FaceIDTestGateway()
        let client = try TestClient(port: gateway.port)
        let submitted = try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle"))
        let id = try #require(submitted.jsonBody["id"]?.stringValue, "\(submitted.text)")
        let plain = try RawHTTPClient(port: gateway.port)
        try plain.send("GET /jobs/\(id)?wait=30 HTTP/1.1\r\nHost: t\r\n\r\n")
        let untilEnded = try RawHTTPClient(port: gateway.port)
        try untilEnded.send("GET /jobs/\(id)?wait=30&until=ended HTTP/1.1\r\nHost: t\r\n\r\n")
        try waitFor(2, client)

        let now = String(Clock.now())
        try event(gateway, ["id", id, "state", "running", "attempts", "1", "started_at", now, "worker", "test-worker"])
        #expect(try plain.readResponse(timeout: 30).jsonBody["state"]?.stringValue == "running")
        // The other stays parked through the start: parked again, not answered.
        try waitFor(1, client)

        try event(gateway, ["id", id, "state", "succeeded", "attempts", "1", "started_at", now, "finished_at", String(Clock.now()),
                            "worker", "test-worker", "result", #"{"format":"jpeg"}"#])
        let ended = try untilEnded.readResponse(timeout: 30)
        #expect(ended.jsonBody["state"]?.stringValue == "succeeded", "\(ended.text)")
        #expect(ended.jsonBody["result"]?["format"]?.stringValue == "jpeg", "\(ended.text)")
        try waitFor(0, client)
    }

    @Test func aJobThatDoesNotEndInTimeIsAnsweredWithItsStateAndABadUntilIsRefused() throws {
        let gateway = try FaceIDTestGateway()
        let client = try TestClient(port: gateway.port)
        let submitted = try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle"))
        let id = try #require(submitted.jsonBody["id"]?.stringValue, "\(submitted.text)")
        // No worker: the wait passes and the answer is the state the job is in.
        let late = try client.get("/jobs/\(id)?wait=0.3&until=ended")
        #expect(late.status == 200)
        #expect(late.jsonBody["state"]?.stringValue == "queued", "\(late.text)")
        let refused = try client.get("/jobs/\(id)?wait=1&until=soon")
        #expect(refused.status == 400)
        #expect(refused.jsonBody["error"]?["code"]?.stringValue == "bad_until", "\(refused.text)")
        #expect(try client.get("/jobs/\(id)?until=change").jsonBody["state"]?.stringValue == "queued")
    }
}
