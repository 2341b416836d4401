import Foundation
import Testing
@testable import Shared

/// Workers that run different kinds share one Redis: each only ever receives its own kinds.
@Suite(.serialized) struct MixedFleetTests {
    @Test func twoWorkersWithDisjointKindsEachRunOnlyTheirOwnJobs() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let queue = try cluster.queue()
        let photo = try Fixtures.bytes("eagle")
        var expected: [String: (lane: Lane, worker: String)] = [:]  // job id → its lane and the worker that must run it
        for index in 0..<8 {
            let lane: Lane = index % 2 == 0 ? .interactive : .batch
            guard case let .created(probe) = try queue.enqueue(EnqueueRequest(kind: "probe", lane: lane, blob: photo,
                                                                                blobSHA256: "eagle", owner: "test")),
                  case let .created(sleep) = try queue.enqueue(EnqueueRequest(kind: "sleep", lane: lane, blob: [1], blobSHA256: "one",
                                                                                params: ["ms": .int(5)], owner: "test"))
            else { Issue.record("enqueue refused"); return }
            expected[probe] = (lane, "prober")
            expected[sleep] = (lane, "sleeper")
        }
        // Started after the jobs are queued, so both see jobs of both kinds waiting.
        try cluster.startWorker(["ROOST_WORKER_KINDS": "probe"], name: "prober")
        try cluster.startWorker(["ROOST_WORKER_KINDS": "sleep"], name: "sleeper")
        var records: [String: JobRecord] = [:]
        let finished = waitUntil(timeout: 30) {
            for (id, job) in expected where records[id]?.state.isTerminal != true {
                if let record = try? queue.record(lane: job.lane, id: id) { records[id] = record }
            }
            return records.values.filter(\.state.isTerminal).count == expected.count
        }
        #expect(finished, "\(cluster.log("prober.log"))\n\(cluster.log("sleeper.log"))")
        for (id, job) in expected {
            #expect(records[id]?.state == .succeeded, "job \(id): \(String(describing: records[id]?.errorCode))")
            #expect(records[id]?.worker == job.worker)
        }
    }
}
