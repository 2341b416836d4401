import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The short chaos run (bench/chaos.sh is the long one): a few hundred uploads with Idempotency-Keys
/// while a worker, Redis (with AOF) and the gateway are each killed with SIGKILL once and restarted.
/// Every accepted job ends, every key has one job, no result changes once seen. Deadlines only.
@Suite(.serialized) struct ChaosTests {
    /// A redis-server with AOF on a fixed port and directory, so it can be killed and started again on its data.
    final class DurableRedis {
        let port: Int
        let directory: URL
        var process: ChildProcess

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-chaos-redis-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            port = try FreePort.find()
            process = try Self.spawn(port: port, directory: directory)
        }

        deinit {
            process.kill(signal: SIGKILL)
            _ = process.wait(timeout: 5)
            try? FileManager.default.removeItem(at: directory)
        }

        static func spawn(port: Int, directory: URL) throws -> ChildProcess {
            let process = try ChildProcess(executable: "/usr/bin/env",
                arguments: ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                            "--appendfsync", "everysec", "--dir", directory.path],
                logFile: directory.appendingPathComponent("redis.log"))
            _ = waitUntil(timeout: 20, interval: 0.05) { (try? RedisConnection(endpoint: RedisEndpoint(port: port)).call(["PING"])) != nil }
            return process
        }

        /// SIGKILL, then a new server on the same port and append-only file.
        func crashAndRestart() throws {
            process.kill(signal: SIGKILL)
            _ = process.wait(timeout: 10)
            process = try Self.spawn(port: port, directory: directory)
        }
    }

    /// Thread-safe tallies of the uploads.
    final class Uploads: @unchecked Sendable {
        // Safe: every property is only touched under `lock`.
        private let lock = NSLock()
        private var ids: [String: String] = [:]
        private var conflicting = 0

        func record(key: String, id: String) {
            lock.withLock {
                if let earlier = ids[key], earlier != id { conflicting += 1 }
                ids[key] = id
            }
        }

        var snapshot: (ids: [String: String], conflicting: Int) { lock.withLock { (ids, conflicting) } }
    }

    @Test func nothingAcceptedIsLostWhileAWorkerRedisAndTheGatewayAreKilled() throws {
        let redis = try DurableRedis()
        let cluster = try Cluster(environment: ["ROOST_REDIS_URL": "redis://127.0.0.1:\(redis.port)", "ROOST_WORKER_KINDS": "probe",
                                                "ROOST_STALE_AFTER": "2", "ROOST_JANITOR_INTERVAL": "0.5", "ROOST_LOG_LEVEL": "warning"])
        defer { withExtendedLifetime((cluster, redis)) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        try cluster.startWorker()
        let photo = try Fixtures.bytes("pixel-1x1")
        let port = cluster.httpPort
        let total = 300
        let uploads = Uploads()
        let group = DispatchGroup()
        for client in 0..<3 {
            DispatchQueue.global().async(group: group) {
                for i in stride(from: client, to: total, by: 3) {
                    let key = "chaos-\(i)"
                    let deadline = Date().addingTimeInterval(120)
                    while Date() < deadline {
                        if let answer = try? TestClient(port: port).upload("/jobs/probe", file: photo + Array("#\(i)".utf8),
                                                                           headers: [("Idempotency-Key", key), ("X-Api-Key", "chaos")]),
                           answer.status == 200 || answer.status == 202, let id = answer.jsonBody["id"]?.stringValue {
                            uploads.record(key: key, id: id)
                            break
                        }
                        Thread.sleep(forTimeInterval: 0.02)  // back-off between retries, not a wait for an event
                    }
                }
            }
        }
        // One fault of each kind, each once a share of the uploads has been accepted.
        #expect(waitUntil(timeout: 120) { uploads.snapshot.ids.count >= total / 4 })
        cluster.workers[0].kill(signal: SIGKILL)
        try cluster.startWorker()
        #expect(waitUntil(timeout: 120) { uploads.snapshot.ids.count >= total / 2 })
        try redis.crashAndRestart()
        #expect(waitUntil(timeout: 120) { uploads.snapshot.ids.count >= 3 * total / 4 })
        cluster.gateway?.kill(signal: SIGKILL)
        _ = cluster.gateway?.wait(timeout: 10)
        try cluster.startGateway()
        #expect(group.wait(timeout: .now() + 180) == .success)

        let (ids, conflicting) = uploads.snapshot
        #expect(ids.count == total)
        #expect(conflicting == 0, "a key answered with two job ids")
        let client = try TestClient(port: port)
        var states: [String: String] = [:]
        var results: [String: JSON] = [:]
        _ = waitUntil(timeout: 120, interval: 0.2) {
            for id in ids.values where !(states[id].flatMap { JobState(rawValue: $0) }?.isTerminal ?? false) {
                let status = try? client.get("/jobs/\(id)", headers: [("X-Api-Key", "chaos")]).jsonBody
                states[id] = status?["state"]?.stringValue
                results[id] = status?["result"]
            }
            return ids.values.allSatisfy { states[$0] == "succeeded" }
        }
        let lost = ids.values.filter { states[$0] != "succeeded" }
        #expect(lost.isEmpty, "\(lost.count) jobs not succeeded: \(lost.prefix(5).map { "\($0)=\(states[$0] ?? "?")" }) \(cluster.log("gateway.log").suffix(3000))")
        // One row per key in SQLite, and a finished job's result never changes.
        let store = try JobStore(path: cluster.directory.appendingPathComponent("data/roost.sqlite").path)
        defer { store.close() }
        let owner = "key:" + String(SHA256.hexDigest(Array("chaos".utf8)).prefix(32))
        for (key, id) in ids {
            #expect(try store.job(owner: owner, idempotencyKey: key)?.id == id)
        }
        // The status API may answer from Redis a moment before the ingester has written the last
        // events to SQLite (it was killed and restarted with the gateway): wait for the durable store.
        #expect(waitUntil(timeout: 60, interval: 0.1) { ((try? store.counts()["succeeded"]) ?? 0) == total },
                "\((try? store.counts()) ?? [:])")
        for id in ids.values.prefix(50) {
            #expect(try client.get("/jobs/\(id)", headers: [("X-Api-Key", "chaos")]).jsonBody["result"] == results[id])
        }
    }
}
