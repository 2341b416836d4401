import Foundation
import Testing
@testable import Shared

/// A lane split into shards (`ROOST_QUEUE_SHARDS`): jobs spread over the shards' keys, and
/// everything a job goes through — enqueue, idempotency, fetch, start, finish, retry, cancel,
/// the fair batch lane, events, recovery — works on whichever shard its id names.
extension QueueTests {
    private func shardedQueue(shards: Int = 4, window: Int = 0) throws -> JobQueue {
        var s = settings
        s.layout = QueueLayout(prefix: "s", shards: shards)
        s.maxInteractiveDepth = 0
        s.batchWindow = window
        let q = JobQueue(connection: try redis.connect(), settings: s)
        try q.ensureGroups()
        return q
    }

    /// Fetches, starts and finishes until nothing is left, retrying once when `retryFirst` names a job.
    private func drainAll(_ q: JobQueue, retryFirst: String? = nil) throws -> [String] {
        var done: [String] = []
        var retried = false
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            _ = try q.promoteDueRetries()
            let jobs = try q.start(try q.fetch(consumer: "w", kinds: [.probe], count: 8, blockMillis: nil), worker: "w")
            if jobs.isEmpty {
                if try QueueInspectorFigures.depth(q) == 0, try QueueInspectorFigures.delayed(q) == 0 { break }
                Thread.sleep(forTimeInterval: 0.01)  // a retry waits for its backoff
                continue
            }
            let results = jobs.map { job -> (job: RunningJob, outcome: JobOutcome) in
                if job.delivery.jobID == retryFirst, !retried {
                    retried = true
                    return (job, .retry(code: "flaky", message: "once"))
                }
                return (job, .succeeded(["n": .int(Int(job.blob?.first ?? 0))]))
            }
            #expect(try q.finish(results, worker: "w").allSatisfy { $0 })
            done += results.filter { if case .succeeded = $0.outcome { return true } else { return false } }.map(\.job.delivery.jobID)
        }
        return done
    }

    @Test func shardedLanesRunEveryJobOnceFromTheShardItsIdNames() throws {
        let q = try shardedQueue()
        var ids: [String: Lane] = [:]
        for i in 0..<48 {
            let lane: Lane = i % 3 == 0 ? .batch : .interactive
            // Ids whose last character takes every value in turn, so every shard gets jobs.
            var r = request(lane, bytes: [UInt8(i), 1])
            r.id = String(r.id.dropLast()) + String(Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")[i % 32])
            guard case let .created(id) = try q.enqueue(r) else { Issue.record("not created"); return }
            ids[id] = lane
        }
        // The jobs are spread: every shard of the interactive lane has some, in its own stream.
        let layout = q.layout
        let lengths = try layout.partitions(.interactive).map { try q.connection.call(["XLEN", layout.stream($0, .probe)]).int ?? 0 }
        #expect(lengths.reduce(0, +) == 32 && lengths.allSatisfy { $0 > 0 }, "\(lengths)")
        for (id, lane) in ids {
            let stream = layout.stream(layout.partition(lane, id: id), .probe)
            let entries = try q.connection.call(["XRANGE", stream, "-", "+"]).array ?? []
            #expect(entries.contains { $0.array?.last?.fieldMap["id"]?.text == id }, "\(id) is in its own shard's stream")
        }

        // One job is retried once: its retry comes back through its own shard's delayed set.
        let flaky = try #require(ids.keys.sorted().first { layout.partition(ids[$0]!, id: $0).shard != 0 })
        let done = try drainAll(q, retryFirst: flaky)
        #expect(done.count == 48 && Set(done) == Set(ids.keys), "every job succeeded exactly once")
        for (id, lane) in ids {
            let record = try #require(try q.record(lane: lane, id: id))
            #expect(record.state == .succeeded)
            #expect(record.attempts == (id == flaky ? 2 : 1))
        }

        // Each gateway's ingester reads every shard's events.
        var ended: Set<String> = []
        while true {
            let events = try q.readEvents(consumer: "g", count: 100, blockMillis: nil)
            if events.isEmpty { break }
            for event in events where event.record.state == .succeeded { ended.insert(event.record.id) }
            try q.acknowledgeEvents(events)
        }
        #expect(ended == Set(ids.keys))
        let groups = try q.eventGroups().groups
        #expect(groups.allSatisfy { $0.pending == 0 && ($0.lag ?? 0) == 0 }, "\(groups)")
    }

    @Test func aBusyShardedLaneIsReadAWholeShardPerFetchTakingTheShardsInTurn() throws {
        let q = try shardedQueue()
        for i in 0..<40 {
            var r = request(bytes: [UInt8(i)])
            r.id = String(r.id.dropLast()) + String(Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")[i % 32])
            guard case .created = try q.enqueue(r) else { Issue.record("not created"); return }
        }
        // 40 jobs, 10 in each of the 4 shards. Each fetch takes one shard's jobs whole, another shard next time.
        var shards: [Int] = []
        for _ in 0..<4 {
            let batch = try q.fetch(consumer: "w", kinds: [.probe], count: 64, blockMillis: nil)
            #expect(Set(batch.map(\.shard)).count == 1 && batch.count == 10, "\(batch.map(\.shard))")
            shards += batch.prefix(1).map(\.shard)
        }
        #expect(Set(shards) == [0, 1, 2, 3])
        #expect(try q.fetch(consumer: "w", kinds: [.probe], count: 64, blockMillis: nil).isEmpty)
    }

    @Test func anIdempotentRepeatFindsItsJobAndCancelAndRecoveryWorkOnEveryShard() throws {
        let q = try shardedQueue(shards: 8)
        // Idempotency: every repeat of a key makes a new id, which must land on the first one's shard.
        var first: [String: String] = [:]
        for key in (0..<16).map({ "import-\($0)" }) {
            guard case let .created(id) = try q.enqueue(request(.batch, key: key)) else { Issue.record("not created"); return }
            first[key] = id
        }
        #expect(Set(first.values.map { q.layout.partition(.batch, id: $0).shard }).count > 2, "keys spread over shards")
        for (key, id) in first { #expect(try q.enqueue(request(.batch, key: key)) == .existing(id: id)) }

        // Cancel a queued job and a running one on shards other than 0.
        let others = first.values.filter { q.layout.partition(.batch, id: $0).shard != 0 }.sorted()
        try #require(others.count >= 2)
        #expect(try q.cancel(lane: .batch, id: others[0]) == .cancelled(previous: .queued))
        // A fetch takes one shard's batch when the shard it reads first has jobs: fetch until none are left.
        var deliveries: [Delivery] = []
        while case let batch = try q.fetch(consumer: "dead-worker", kinds: [.probe], count: 16, blockMillis: nil), !batch.isEmpty {
            deliveries += batch
        }
        #expect(deliveries.count == 16, "the cancelled job's entry is delivered too; start skips it")
        let running = try #require(deliveries.first { $0.jobID == others[1] })
        #expect(try q.cancel(lane: .batch, id: running.jobID) == .cancelled(previous: .running))

        // The worker dies: another recovers every job it held, shard by shard, and runs them.
        var recovered: [Delivery] = []
        for stream in q.layout.queueStreams(kinds: [.probe], lanes: [.batch]) {
            recovered += try q.reclaimStalled(stream, consumer: "w2", minIdle: 0).claimed
        }
        #expect(Set(recovered.map(\.jobID)) == Set(deliveries.map(\.jobID)))
        let jobs = try q.start(recovered, worker: "w2")
        #expect(!jobs.contains { $0.delivery.jobID == others[0] || $0.delivery.jobID == others[1] }, "cancelled jobs never start")
        #expect(jobs.count == 14)
        #expect(try q.finish(jobs.map { ($0, JobOutcome.succeeded([:])) }, worker: "w2").allSatisfy { $0 })
        #expect(try QueueInspectorFigures.depth(q) == 0)
        #expect(try q.record(lane: .batch, id: others[0])?.state == .cancelled)
        #expect(try q.record(lane: .batch, id: others[1])?.state == .cancelled)
    }

    @Test func theFairBatchLaneLetsHeldJobsInOnEveryShard() throws {
        let q = try shardedQueue(shards: 3, window: 2)
        var ids: [String] = []
        for i in 0..<30 {
            guard case let .created(id) = try q.enqueue(request(.batch, bytes: [UInt8(i)])) else { Issue.record("not created"); return }
            ids.append(id)
        }
        let held = try q.layout.partitions(.batch).map { try q.connection.call(["ZCARD", q.layout.held($0, .probe)]).int ?? 0 }
        let letIn = try q.layout.partitions(.batch).map { try q.connection.call(["XLEN", q.layout.stream($0, .probe)]).int ?? 0 }
        #expect(held.allSatisfy { $0 > 0 } && letIn == [2, 2, 2], "\(held) \(letIn): each shard lets its window in, holds the rest")
        #expect(Set(try drainAll(q)) == Set(ids))
    }

    @Test func anotherShardCountIsRefusedWhileTheQueueHoldsWorkAndTakenOnceItIsEmpty() throws {
        let four = try shardedQueue()
        guard case .created = try four.enqueue(request(.batch)) else { Issue.record("not created"); return }
        var s = settings
        s.layout = QueueLayout(prefix: "s", shards: 1)
        let one = JobQueue(connection: try redis.connect(), settings: s)
        do {
            try one.ensureGroups()
            Issue.record("a one-shard process must not join a four-shard queue that holds a job")
        } catch {
            #expect(error.isShardCountMismatch && error.message.contains("ROOST_QUEUE_SHARDS=4"), "\(error)")
        }
        #expect(try one.connection.call(["GET", "s:shards"]).text == "4")
        #expect(try drainAll(four).count == 1)
        try one.ensureGroups()
        #expect(try one.connection.call(["GET", "s:shards"]).text == "1", "an empty queue may change its shard count")
    }

    @Test func aLanesDepthLimitIsSharedBetweenItsShards() throws {
        var s = settings
        s.layout = QueueLayout(prefix: "d", shards: 4)
        s.maxInteractiveDepth = 8
        #expect(s.maxPartitionDepth(.interactive) == 2)
        let q = JobQueue(connection: try redis.connect(), settings: s)
        try q.ensureGroups()
        var created = 0, busy = 0
        for _ in 0..<40 {
            switch try q.enqueue(request()) {
            case .created: created += 1
            case .busy: busy += 1
            case .existing: Issue.record("no key was sent")
            }
        }
        #expect(created == 8 && busy == 32, "each of the 4 shards takes 2 jobs")
        #expect(try QueueInspectorFigures.depth(q) == 8)
    }
}

/// The depth of every lane and its waiting retries, summed over shards (what `/ops/queues` reports).
enum QueueInspectorFigures {
    static func delayed(_ q: JobQueue) throws -> Int {
        try q.layout.partitions.reduce(0) { sum, p in sum + (try q.connection.call(["ZCARD", q.layout.delayed(p)]).int ?? 0) }
    }

    static func depth(_ q: JobQueue) throws -> Int {
        try q.layout.partitions.reduce(0) { sum, p in sum + (try q.connection.call(["GET", q.layout.depth(p)]).int ?? 0) }
    }
}
