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

    @Test func nothingAcceptedIsLostWhileAWorkerRedisAndTheGatewayAreKilled() throws {
        let redis = try DurableRedis()
        let cluster = try Cluster(environment: ["ROOST_REDIS_URL": "redis://127.0.0.1:\(redis.port)", "ROOST_WORKER_KINDS": "probe",
                                                "ROOST_STALE_AFTER": "2", "ROOST_JANITOR_INTERVAL": "0.5", "ROOST_LOG_LEVEL": "warning"])
        defer { withExtendedLifetime((cluster, redis)) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        try cluster.startWorker()
        let total = 300
        let uploads = KeyedUploads(port: cluster.httpPort, photo: try Fixtures.bytes("pixel-1x1"), total: total, apiKey: "chaos")
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
        try uploads.verify(cluster: cluster, failureContext: cluster.log("gateway.log").suffix(3000).description)
    }
}
