import Foundation
import Testing
@testable import Shared

/// `start` and `finish` handle a whole batch with one script call per lane: checked here with mixed batches.
extension QueueTests {
    @Test func batchStartSkipsACancelledJobAndKeepsTheOthersInOrder() throws {
        let q = try queue()
        var ids: [String] = []
        for _ in 0..<3 {
            guard case let .created(id) = try q.enqueue(request(.batch)) else { Issue.record("not created"); return }
            ids.append(id)
        }
        let deliveries = try q.fetch(consumer: "w", kinds: [.probe], count: 10, blockMillis: nil)
        // Delivered to a worker, the job is running for Redis (its entry is pending with that worker).
        #expect(try q.cancel(lane: .batch, id: ids[1]) == .cancelled(previous: .running))
        let jobs = try q.start(deliveries, worker: "w")
        #expect(jobs.map(\.delivery.jobID) == [ids[0], ids[2]])
        #expect(jobs.map(\.attempt) == [1, 1])
        #expect(jobs.allSatisfy { $0.blob == [1, 2, 3] })
        // The cancelled job's message was acknowledged by `start` and left the lane's depth (the entry
        // itself goes with the first trim past it: the one before it is still pending).
        #expect(try q.connection.call(["XPENDING", settings.layout.stream(.batch, .probe), "workers"]).array?.first?.int == 2)
        #expect(try q.connection.call(["GET", settings.layout.depth(.batch)]).int == 2)
    }

    @Test func mixedBatchFromBothLanesIsRecordedInOrderWithItsCounters() throws {
        let q = try queue()
        for lane in [Lane.interactive, .interactive, .interactive, .batch, .batch] {
            guard case .created = try q.enqueue(request(lane)) else { Issue.record("not created"); return }
        }
        let deliveries = try q.fetch(consumer: "w", kinds: [.probe], lanes: [.interactive], count: 10, blockMillis: nil)
            + q.fetch(consumer: "w", kinds: [.probe], lanes: [.batch], count: 10, blockMillis: nil)
        let jobs = try q.start(deliveries, worker: "w")
        try #require(jobs.count == 5)
        // A client cancels the second job while it runs: its result must be discarded, the others kept.
        #expect(try q.cancel(lane: .interactive, id: jobs[1].delivery.jobID) == .cancelled(previous: .running))

        let recorded = try q.finish([
            (jobs[0], .succeeded(["n": 0])), (jobs[1], .succeeded(["n": 1])),
            (jobs[2], .failed(code: "corrupt_jpeg", message: "bad data")),
            (jobs[3], .retry(code: "redis_down", message: "try later")), (jobs[4], .succeeded(["n": 4])),
        ], worker: "w")

        #expect(recorded == [true, false, true, true, true])
        let states = try jobs.map { try q.record(lane: $0.delivery.lane, id: $0.delivery.jobID)?.state }
        #expect(states == [.succeeded, .cancelled, .failed, .queued, .succeeded])
        #expect(try q.record(lane: .interactive, id: jobs[0].delivery.jobID)?.statusJSON["result"]?["n"]?.intValue == 0)
        for lane in Lane.allCases {
            #expect(try q.connection.call(["XLEN", settings.layout.stream(QueuePartition(lane), .probe)]).int == 0)
        }
        func stat(_ lane: Lane, _ field: String) throws -> Int {
            try q.connection.call(["HGET", settings.layout.stats(QueuePartition(lane)), field]).text.flatMap { Int($0) } ?? 0
        }
        #expect(try stat(.interactive, "succeeded:probe") == 1)
        #expect(try stat(.interactive, "failed:probe") == 1)
        #expect(try stat(.interactive, "duration_count:probe") == 2)
        #expect(try stat(.batch, "succeeded:probe") == 1)
        #expect(try stat(.batch, "duration_count:probe") == 1)
        #expect(try stat(.batch, "retried:probe") == 1)
        let sum = try q.connection.call(["HGET", settings.layout.stats(.interactive), "duration_sum:probe"]).text.flatMap { Double($0) }
        #expect(sum != nil && sum! >= 0)
    }
}
