import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// The real `roost-gateway` and `roost-worker` binaries, a real redis-server, real photos:
/// what a client and an operator see.
@Suite(.serialized) struct ClusterEndToEndTests {
    /// Polls a job until it is terminal, using the long-poll the API offers.
    @Test func probeJobRunsEndToEndAndStatusOutlivesTheRedisRecord() throws {
        // A record lives ROOST_BLOB_TTL + ROOST_JOB_TTL from enqueue (at least ROOST_JOB_TTL after it ended).
        let cluster = try Cluster(environment: ["ROOST_JOB_TTL": "1", "ROOST_BLOB_TTL": "10", "ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let accepted = try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle"))
        #expect(accepted.status == 202)
        let id = try #require(accepted.jsonBody["id"]?.stringValue)
        #expect(accepted.jsonBody["links"]?["status"]?.stringValue == "/jobs/\(id)")
        let done = try client.terminalStatus(of: id)
        #expect(done["state"]?.stringValue == "succeeded", "\(done) \(cluster.log("test-worker-1.log"))")
        #expect(done["result"]?["width"]?.intValue == 773)
        #expect(done["result"]?["height"]?.intValue == 512)
        // Pillow's ImageStat.mean of eagle.jpg: 85.228, 81.992, 70.751.
        let mean = done["result"]?["mean_rgb"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(mean.count == 3 && abs(mean[0] - 85.228) < 0.05 && abs(mean[1] - 81.992) < 0.05 && abs(mean[2] - 70.751) < 0.05)
        #expect(done["attempts"]?.intValue == 1)
        #expect(done["worker"]?.stringValue == "test-worker-1")
        // The Redis record expires; the durable SQLite copy still answers.
        let queue = try cluster.queue()
        #expect(waitUntil(timeout: 40) { (try? queue.record(lane: .interactive, id: id)) == nil })
        let later = try client.get("/jobs/\(id)").jsonBody
        #expect(later["state"]?.stringValue == "succeeded")
        #expect(later["result"]?["width"]?.intValue == 773)
    }

    @Test func idempotencyKeyFromTheSameClientReturnsTheSameJob() throws {
        let cluster = try Cluster()
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let photo = try Fixtures.bytes("dog")
        let first = try client.upload("/jobs/probe", file: photo, headers: [("Idempotency-Key", "import-42"), ("X-Api-Key", "alice")])
        let second = try client.upload("/jobs/probe", file: photo, headers: [("Idempotency-Key", "import-42"), ("X-Api-Key", "alice")])
        let other = try client.upload("/jobs/probe", file: photo, headers: [("Idempotency-Key", "import-42"), ("X-Api-Key", "bob")])
        #expect(first.status == 202)
        #expect(second.status == 200)
        #expect(first.jsonBody["id"] == second.jsonBody["id"])
        #expect(other.status == 202)
        #expect(other.jsonBody["id"] != first.jsonBody["id"])
        // One account never sees another's job.
        let id = try #require(first.jsonBody["id"]?.stringValue)
        #expect(try client.get("/jobs/\(id)", headers: [("X-Api-Key", "bob")]).status == 404)
        #expect(try client.get("/jobs/\(id)", headers: [("X-Api-Key", "alice")]).status == 200)
    }

    @Test func hostileUploadsGetClearErrorsAndNothingBreaks() throws {
        let cluster = try Cluster(environment: ["ROOST_HTTP_READ_TIMEOUT": "1", "ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let eagle = try Fixtures.bytes("eagle")

        let png = try client.upload("/jobs/probe", file: Array("\u{89}PNG\r\n\u{1A}\n".utf8) + [UInt8](repeating: 7, count: 100), filename: "photo.jpg")
        #expect(png.status == 415)
        #expect(png.jsonBody["error"]?["code"]?.stringValue == "not_jpeg")

        var huge = eagle
        let sof = try #require(JPEGHostileInputTests.startOfFrame(in: huge))
        for offset in [5, 7] { huge[sof + offset] = UInt8(60000 >> 8); huge[sof + offset + 1] = UInt8(60000 & 0xFF) }
        let bomb = try client.upload("/jobs/probe", file: huge)
        #expect(bomb.status == 413)
        #expect(bomb.jsonBody["error"]?["code"]?.stringValue == "image_too_large")

        let empty = try client.upload("/jobs/probe", file: [])
        #expect(empty.status == 400)
        #expect(empty.jsonBody["error"]?["code"]?.stringValue == "empty_file")

        let malformed = try client.request("POST", "/jobs/probe", headers: [("Content-Type", "multipart/form-data; boundary=xyz")],
                                           body: Array("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end".utf8))
        #expect(malformed.status == 400)

        let oversized = try client.upload("/jobs/probe", file: [UInt8](repeating: 0xFF, count: 11 << 20))
        #expect(oversized.status == 413)

        let manyHeaders = (0..<150).map { ("X-Filler-\($0)", "v") }
        #expect(try client.get("/heartbeat", headers: manyHeaders).status == 431)

        let slow = try RawHTTPClient(port: cluster.httpPort)
        try slow.send("POST /jobs/probe HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a little")
        #expect(try slow.readResponse(timeout: 5).status == 408)

        // A truncated JPEG passes the header check; the worker fails it permanently, at once.
        let truncated = try client.upload("/jobs/probe", file: Array(eagle[..<(eagle.count / 2)]))
        #expect(truncated.status == 202)
        let failed = try client.terminalStatus(of: try #require(truncated.jsonBody["id"]?.stringValue))
        #expect(failed["state"]?.stringValue == "failed")
        #expect(failed["error"]?["code"]?.stringValue == "truncated_jpeg")
        #expect(failed["attempts"]?.intValue == 1)

        #expect(try client.get("/jobs/not-a-job").status == 404)
        #expect(try client.get("/heartbeat").jsonBody["health"]?.stringValue == "ok")
        let good = try client.upload("/jobs/probe", file: eagle)
        #expect(try client.terminalStatus(of: try #require(good.jsonBody["id"]?.stringValue))["state"]?.stringValue == "succeeded")
    }

    @Test func fullLaneAnswers503WithRetryAfter() throws {
        let cluster = try Cluster(environment: ["ROOST_MAX_DEPTH_INTERACTIVE": "2"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let photo = try Fixtures.bytes("person")
        #expect(try client.upload("/jobs/probe", file: photo).status == 202)
        #expect(try client.upload("/jobs/probe", file: photo).status == 202)
        let refused = try client.upload("/jobs/probe", file: photo)
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] != nil)
        #expect(try client.upload("/jobs/probe", file: photo, headers: [("X-Roost-Lane", "batch")]).status == 202)
    }

    @Test func cancelledQueuedJobNeverRuns() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let id = try #require(try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle")).jsonBody["id"]?.stringValue)
        let cancelled = try client.request("DELETE", "/jobs/\(id)")
        #expect(cancelled.jsonBody["state"]?.stringValue == "cancelled")
        try cluster.startWorker()
        let other = try #require(try client.upload("/jobs/probe", file: try Fixtures.bytes("dog")).jsonBody["id"]?.stringValue)
        #expect(try client.terminalStatus(of: other)["state"]?.stringValue == "succeeded")
        let status = try client.get("/jobs/\(id)").jsonBody
        #expect(status["state"]?.stringValue == "cancelled")
        #expect(status["attempts"]?.intValue == 0)
        #expect(try client.request("DELETE", "/jobs/\(other)").status == 409)
    }
    @Test func classifyJobNamesTheBirdAndItsCategory() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let eagle = try client.upload("/jobs/classify", file: try Fixtures.bytes("eagle"))
        let chelsea = try client.upload("/jobs/classify", file: try Fixtures.bytes("chelsea"), headers: [("X-Roost-Lane", "batch")])
        let bird = try client.terminalStatus(of: try #require(eagle.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(bird["state"]?.stringValue == "succeeded", "\(bird) \(cluster.log("test-worker-1.log"))")
        #expect(bird["result"]?["top"]?[0]?["label"]?.stringValue == "bald eagle")
        #expect(bird["result"]?["top"]?.arrayValue?.count == 5)
        #expect(bird["result"]?["category"]?.stringValue == "bird")
        #expect(bird["result"]?["model"]?.stringValue?.contains("mobilenet_v2") == true)
        let cat = try client.terminalStatus(of: try #require(chelsea.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(cat["result"]?["category"]?.stringValue == "cat")
        #expect(cat["lane"]?.stringValue == "batch")
    }
    @Test func sigtermAnswersLongPollsAndStopsTheGatewayCleanly() throws {
        let cluster = try Cluster()
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let id = try #require(try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle")).jsonBody["id"]?.stringValue)
        let poller = try RawHTTPClient(port: cluster.httpPort)
        try poller.send("GET /jobs/\(id)?wait=25 HTTP/1.1\r\nHost: x\r\n\r\n")
        // SIGTERM only once the long-poll is waiting (the gateway counts it in /metrics).
        #expect(waitUntil(timeout: 10) { ((try? client.get("/metrics").text) ?? "").contains("roost_http_long_polls 1\n") })
        let gateway = try #require(cluster.gateway)
        gateway.kill(signal: SIGTERM)
        let answer = try poller.readResponse(timeout: 10)
        #expect(answer.status == 200)
        #expect(answer.jsonBody["state"]?.stringValue == "queued")
        #expect(gateway.wait(timeout: 10) != nil)
        #expect(gateway.exitCode == 0)
    }
    @Test func fullRedisAnswers503AndLosesNothingAlreadyQueued() throws {
        let cluster = try Cluster(redisArguments: ["--maxmemory", "3mb", "--maxmemory-policy", "noeviction"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        var accepted: [String] = []
        var refused: RawHTTPResponse?
        for name in ["kite", "horses", "eagle", "dog", "person", "messi5", "giraffe", "baboon", "fruits", "starry_night"] {
            let response = try client.upload("/jobs/probe", file: try Fixtures.bytes(name))
            if response.status == 503 { refused = response; break }
            #expect(response.status == 202)
            if let id = response.jsonBody["id"]?.stringValue { accepted.append(id) }
        }
        let full = try #require(refused, "Redis never filled up")
        #expect(full.headers["retry-after"] != nil)
        #expect(full.jsonBody["error"]?["code"]?.stringValue == "service_unavailable")
        for id in accepted { #expect(try client.get("/jobs/\(id)").jsonBody["state"]?.stringValue == "queued") }
    }
    @Test func facesJobFindsTheFaceAndGivesEmbeddingsOnlyWhenAsked() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "faces", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let plain = try client.upload("/jobs/faces", file: try Fixtures.bytes("grace_hopper_512x512"))
        let withEmbedding = try client.upload("/jobs/faces?embedding=true", file: try Fixtures.bytes("grace_hopper_512x512"))
        let eagle = try client.upload("/jobs/faces", file: try Fixtures.bytes("eagle"))
        let one = try client.terminalStatus(of: try #require(plain.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(one["state"]?.stringValue == "succeeded", "\(one) \(cluster.log("test-worker-1.log"))")
        let faces = one["result"]?["faces"]?.arrayValue ?? []
        #expect(faces.count == 1)
        #expect(faces.first?["box"]?.arrayValue?.count == 4)
        #expect(faces.first?["landmarks"]?.arrayValue?.count == 5)
        #expect(faces.first?["embedding"] == nil)
        #expect(one["result"]?["image"]?["width"]?.intValue == 512)
        let embedded = try client.terminalStatus(of: try #require(withEmbedding.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(embedded["result"]?["faces"]?[0]?["embedding"]?.arrayValue?.count == 128)
        let none = try client.terminalStatus(of: try #require(eagle.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(none["result"]?["faces"]?.arrayValue?.isEmpty == true)
        #expect(try client.upload("/jobs/faces?embedding=maybe", file: try Fixtures.bytes("eagle")).status == 400)
    }
}
