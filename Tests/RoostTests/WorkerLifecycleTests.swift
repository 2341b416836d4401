import Foundation
import Testing
@testable import Shared

/// Worker processes dying, draining and running slow jobs, against the real binary.
@Suite(.serialized) struct WorkerLifecycleTests {
    func sleepJob(_ queue: JobQueue, ms: Int, lane: Lane = .interactive) throws -> String {
        guard case let .created(id) = try queue.enqueue(EnqueueRequest(kind: "sleep", lane: lane, blob: [1], blobSHA256: "x",
                                                                        params: ["ms": .int(ms)], owner: "test")) else {
            throw ChildProcess.SpawnError(description: "enqueue refused")
        }
        return id
    }

    func settings(visibility: Double) -> QueueSettings {
        var s = QueueSettings()
        s.visibilityTimeout = visibility
        return s
    }

    /// A gateway or worker started with another `ROOST_QUEUE_SHARDS` than the queue holding work
    /// refuses to start, saying which count to use (it would not find the jobs); with the right
    /// count the job runs.
    @Test func aProcessWithAnotherShardCountRefusesToStartWhileTheQueueHoldsWork() throws {
        let cluster = try Cluster(environment: ["ROOST_QUEUE_SHARDS": "2", "ROOST_WORKER_KINDS": "probe", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let accepted = try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle"))
        let id = try #require(accepted.jsonBody["id"]?.stringValue, "\(accepted.jsonBody)")
        let wrong = try cluster.startWorker(["ROOST_QUEUE_SHARDS": "1"], name: "one-shard")
        #expect(wrong.wait(timeout: 60) != nil && wrong.exitCode == 78, "\(cluster.log("one-shard.log"))")
        #expect(cluster.log("one-shard.log").contains("ROOST_QUEUE_SHARDS=2"))
        #expect(throws: ChildProcess.SpawnError.self) { try cluster.startOtherGateway(named: "b", ["ROOST_QUEUE_SHARDS": "3"]) }
        #expect(cluster.log("gateway-b.log").contains("run every gateway and worker with ROOST_QUEUE_SHARDS=2"))
        try cluster.startWorker(["ROOST_QUEUE_SHARDS": "2"])
        #expect(try client.terminalStatus(of: id)["state"]?.stringValue == "succeeded")
    }

    @Test func workerKilledMidJobLosesNothing() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "sleep", "ROOST_VISIBILITY_TIMEOUT": "1.5", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let queue = try cluster.queue(settings(visibility: 1.5))
        let id = try sleepJob(queue, ms: 2000)
        let doomed = try cluster.startWorker(name: "doomed")
        #expect(waitUntil(timeout: 10) { (try? queue.record(lane: .interactive, id: id))??.state == .running })
        doomed.kill(signal: SIGKILL)
        doomed.wait(timeout: 5)
        try cluster.startWorker(name: "rescuer")
        var record: JobRecord?
        #expect(waitUntil(timeout: 20) {
            record = try? queue.record(lane: .interactive, id: id)
            return record?.state == .succeeded
        }, "\(cluster.log("rescuer.log"))")
        #expect(record?.worker == "rescuer")
        #expect(record?.attempts == 2)
        let stats = try queue.connection.call(["HGET", queue.layout.stats(.interactive), "succeeded:sleep"]).int
        #expect(stats == 1)
    }

    @Test func slowJobKeepsItsClaimWhileItsWorkerLives() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "sleep", "ROOST_VISIBILITY_TIMEOUT": "1", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let queue = try cluster.queue(settings(visibility: 1))
        let id = try sleepJob(queue, ms: 3500)
        try cluster.startWorker(name: "slow")
        #expect(waitUntil(timeout: 10) { (try? queue.record(lane: .interactive, id: id))??.state == .running })
        try cluster.startWorker(name: "idle")
        var record: JobRecord?
        #expect(waitUntil(timeout: 20) {
            record = try? queue.record(lane: .interactive, id: id)
            return record?.state == .succeeded
        })
        #expect(record?.attempts == 1)
        #expect(record?.worker == "slow")
    }

    @Test func sigtermDrainsTheRunningJobThenExits() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "sleep", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let queue = try cluster.queue()
        let id = try sleepJob(queue, ms: 1500)
        let worker = try cluster.startWorker(name: "drainer")
        #expect(waitUntil(timeout: 10) { (try? queue.record(lane: .interactive, id: id))??.state == .running })
        worker.kill(signal: SIGTERM)
        #expect(worker.wait(timeout: 10) != nil)
        #expect(worker.exitCode == 0)
        let record = try queue.record(lane: .interactive, id: id)
        #expect(record?.state == .succeeded)
        #expect(record?.attempts == 1)
        // It left the fleet on its way out.
        #expect(try queue.connection.call(["EXISTS", queue.layout.worker("drainer")]).int == 0)
    }

    /// A SIGTERM that arrives while the worker still loads its models is neither fatal nor lost:
    /// it waits, pending, and the worker stops cleanly once it can (exit status 0, not killed).
    @Test func sigtermWhileTheModelsLoadStopsTheWorkerCleanly() throws {
        let cluster = try Cluster()   // every kind: four models to load
        defer { withExtendedLifetime(cluster) {} }
        let worker = try cluster.startWorker(name: "early")
        // The first model is loaded, the others are still loading.
        #expect(waitUntil(timeout: 60) { cluster.log("early.log").contains("model loaded") })
        worker.kill(signal: SIGTERM)
        #expect(worker.wait(timeout: 60) != nil, "\(cluster.log("early.log"))")
        #expect(worker.exitCode == 0, "killed instead of stopping: \(cluster.log("early.log"))")
        #expect(cluster.log("early.log").contains("stop signal received"))
    }

    @Test func batchBacklogNeverDelaysAnInteractiveJob() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "sleep", "ROOST_WORKER_THREADS": "1", "ROOST_WORKER_PREFETCH": "4"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let queue = try cluster.queue()
        var batchIDs: [String] = []
        for _ in 0..<150 { batchIDs.append(try sleepJob(queue, ms: 20, lane: .batch)) }
        try cluster.startWorker(name: "busy")
        #expect(waitUntil(timeout: 10) {
            (try? queue.connection.call(["HGET", queue.layout.stats(.batch), "succeeded:sleep"]).int) ?? 0 >= 5
        })
        let id = try sleepJob(queue, ms: 20)
        var interactive: JobRecord?
        #expect(waitUntil(timeout: 10) {
            interactive = try? queue.record(lane: .interactive, id: id)
            return interactive?.state == .succeeded
        })
        let created = try #require(interactive?.createdAt), started = try #require(interactive?.startedAt)
        // Order, not time: once the interactive job was queued, the worker started at most one
        // prefetched batch (4 jobs, when the job arrived between its interactive check and its batch
        // read) before turning to it; it looks for interactive work before every batch job.
        let batchStartedMeanwhile = try batchIDs.compactMap { try queue.record(lane: .batch, id: $0)?.startedAt }
            .filter { $0 > created && $0 < started }
        #expect(batchStartedMeanwhile.count <= 4, "\(batchStartedMeanwhile.count) batch jobs started before the interactive one")
        let batchLeft = try queue.connection.call(["XLEN", queue.layout.stream(.batch, .sleep)]).int ?? 0
        #expect(batchLeft > 50)
    }
}
