import Foundation
import Testing
@testable import Shared

/// The queue's scripts against a real redis-server: enqueue, start, finish, retry, dead-letter,
/// cancellation, idempotency, backpressure and stalled recovery.
@Suite(.serialized) struct QueueTests {
    let redis: RedisServer
    let settings: QueueSettings

    init() throws {
        redis = try RedisServer()
        var s = QueueSettings()
        s.layout = QueueLayout(prefix: "t")
        s.maxAttempts = 2
        s.retryBase = 0.05
        s.retryMax = 0.1
        s.maxInteractiveDepth = 3
        settings = s
    }

    func queue() throws -> JobQueue {
        let q = JobQueue(connection: try redis.connect(), settings: settings)
        try q.ensureGroups()
        return q
    }

    func request(_ lane: Lane = .interactive, key: String? = nil, bytes: [UInt8] = [1, 2, 3]) -> EnqueueRequest {
        EnqueueRequest(kind: "probe", lane: lane, blob: bytes, blobSHA256: "sha-\(bytes.count)", owner: "client-a", idempotencyKey: key)
    }

    @Test func enqueuedJobIsStartedWithItsBytesAndFinishes() throws {
        let q = try queue()
        guard case let .created(id) = try q.enqueue(request(bytes: [9, 8, 7, 6])) else { Issue.record("not created"); return }
        #expect(try q.record(lane: .interactive, id: id)?.state == .queued)
        let deliveries = try q.fetch(consumer: "w1", kinds: [.probe], count: 10, blockMillis: nil)
        #expect(deliveries.map(\.jobID) == [id])
        let jobs = try q.start(deliveries, worker: "w1")
        #expect(jobs.first?.blob == [9, 8, 7, 6])
        #expect(jobs.first?.attempt == 1)
        #expect(try q.record(lane: .interactive, id: id)?.state == .running)
        #expect(try q.finish([(jobs[0], .succeeded(["ok": true]))], worker: "w1") == [true])
        let record = try #require(try q.record(lane: .interactive, id: id))
        #expect(record.state == .succeeded)
        #expect(record.statusJSON["result"]?["ok"]?.boolValue == true)
        #expect(try q.connection.call(["XLEN", settings.layout.stream(.interactive, .probe)]).int == 0)
        #expect(try q.connection.call(["TTL", settings.layout.job(.interactive, id)]).int ?? 0 > 0)
        let events = try q.readEvents(consumer: "g", count: 10, blockMillis: nil)
        #expect(events.map(\.record.state) == [.running, .succeeded])
    }

    @Test func idempotencyKeyReturnsTheSameJob() throws {
        let q = try queue()
        let first = try q.enqueue(request(key: "import-1"))
        guard case let .created(id) = first else { Issue.record("not created"); return }
        #expect(try q.enqueue(request(key: "import-1")) == .existing(id: id))
        if case .existing = try q.enqueue(request(key: "import-2")) { Issue.record("another key must create a job") }
    }

    @Test func fullLaneAnswersBusy() throws {
        let q = try queue()
        for _ in 0..<3 { _ = try q.enqueue(request()) }
        #expect(try q.enqueue(request()) == .busy(depth: 3))
        if case .busy = try q.enqueue(request(.batch)) { Issue.record("batch lane has its own limit") }
    }

    @Test func interactiveIsFetchedBeforeBatch() throws {
        let q = try queue()
        guard case let .created(batchID) = try q.enqueue(request(.batch)),
              case let .created(interactiveID) = try q.enqueue(request(.interactive)) else { Issue.record("enqueue"); return }
        #expect(try q.fetch(consumer: "w", kinds: [.probe], count: 1, blockMillis: nil).map(\.jobID) == [interactiveID])
        #expect(try q.fetch(consumer: "w", kinds: [.probe], count: 1, blockMillis: nil).map(\.jobID) == [batchID])
    }

    @Test func transientErrorsRetryThenDeadLetter() throws {
        let q = try queue()
        guard case let .created(id) = try q.enqueue(request()) else { return }
        for attempt in 1...2 {
            var deliveries: [Delivery] = []
            #expect(try waitUntil(timeout: 5) {
                try q.promoteDueRetries()
                deliveries = try q.fetch(consumer: "w", kinds: [.probe], count: 1, blockMillis: nil)
                return !deliveries.isEmpty
            })
            let jobs = try q.start(deliveries, worker: "w")
            #expect(jobs.first?.attempt == attempt)
            try q.finish([(jobs[0], .retry(code: "redis_down", message: "try later"))], worker: "w")
        }
        let record = try #require(try q.record(lane: .interactive, id: id))
        #expect(record.state == .dead)
        #expect(record.errorCode == "redis_down")
        #expect(try q.connection.call(["XLEN", settings.layout.dead(.interactive)]).int == 1)
    }

    @Test func permanentErrorsFailAtOnce() throws {
        let q = try queue()
        guard case let .created(id) = try q.enqueue(request()) else { return }
        let jobs = try q.start(try q.fetch(consumer: "w", kinds: [.probe], count: 1, blockMillis: nil), worker: "w")
        try q.finish([(jobs[0], .failed(code: "corrupt_jpeg", message: "bad data"))], worker: "w")
        let record = try #require(try q.record(lane: .interactive, id: id))
        #expect(record.state == .failed)
        #expect(record.attempts == 1)
        #expect(record.statusJSON["error"]?["code"]?.stringValue == "corrupt_jpeg")
    }

    @Test func cancelledQueuedJobNeverRunsAndRunningResultIsDiscarded() throws {
        let q = try queue()
        guard case let .created(queuedID) = try q.enqueue(request()) else { return }
        #expect(try q.cancel(lane: .interactive, id: queuedID) == .cancelled(previous: .queued))
        #expect(try q.start(try q.fetch(consumer: "w", kinds: [.probe], count: 5, blockMillis: nil), worker: "w").isEmpty)

        guard case let .created(runningID) = try q.enqueue(request()) else { return }
        let jobs = try q.start(try q.fetch(consumer: "w", kinds: [.probe], count: 5, blockMillis: nil), worker: "w")
        #expect(try q.cancel(lane: .interactive, id: runningID) == .cancelled(previous: .running))
        #expect(try q.finish([(jobs[0], .succeeded(["late": true]))], worker: "w") == [false])
        #expect(try q.record(lane: .interactive, id: runningID)?.state == .cancelled)
        #expect(try q.cancel(lane: .interactive, id: runningID) == .alreadyFinished(.cancelled))
        #expect(try q.connection.call(["XLEN", settings.layout.stream(.interactive, .probe)]).int == 0)
    }

    /// Claims stalled messages of the interactive probe stream until some are found (the claim
    /// needs the messages to have been idle for `minIdle`), keeping `alive` alive meanwhile.
    func reclaimWhenStalled(_ q: JobQueue, consumer: String, minIdle: Double, keepingAlive alive: [Delivery] = [],
                            owner: String = "dying") throws -> [Delivery] {
        var claimed: [Delivery] = []
        #expect(try waitUntil(timeout: 10) {
            if !alive.isEmpty { try q.keepAlive(alive, consumer: owner) }
            claimed = try q.reclaimStalled(QueueStream(.interactive, .probe), consumer: consumer, minIdle: minIdle).claimed
            return !claimed.isEmpty
        })
        return claimed
    }

    @Test func stalledJobIsRecoveredByAnotherWorkerButAKeptAliveOneIsNot() throws {
        let q = try queue()
        guard case .created = try q.enqueue(request()), case .created = try q.enqueue(request()) else { return }
        let taken = try q.fetch(consumer: "dying", kinds: [.probe], count: 2, blockMillis: nil)
        _ = try q.start(taken, worker: "dying")
        let recovered = try reclaimWhenStalled(q, consumer: "rescuer", minIdle: 0.5, keepingAlive: [taken[1]])
        #expect(recovered.map(\.jobID) == [taken[0].jobID])
        let rerun = try q.start(recovered, worker: "rescuer")
        #expect(rerun.first?.attempt == 2)
        #expect(try q.finish([(rerun[0], .succeeded(["done": 1]))], worker: "rescuer") == [true])
        // The dead worker's late answer changes nothing.
        #expect(try q.record(lane: .interactive, id: taken[0].jobID)?.worker == "rescuer")
    }

    @Test func jobStartedTooOftenIsDeadLettered() throws {
        let q = try queue()
        guard case let .created(id) = try q.enqueue(request()) else { return }
        _ = try q.start(try q.fetch(consumer: "a", kinds: [.probe], count: 1, blockMillis: nil), worker: "a")
        _ = try q.start(try reclaimWhenStalled(q, consumer: "b", minIdle: 0.05), worker: "b")
        #expect(try q.start(try reclaimWhenStalled(q, consumer: "c", minIdle: 0.05), worker: "c").isEmpty)
        let record = try #require(try q.record(lane: .interactive, id: id))
        #expect(record.state == .dead)
        #expect(record.errorCode == "stalled")
    }

    @Test func stalledScanResumesFromItsCursorSoLaterEntriesAreReached() throws {
        let q = try queue()
        // XAUTOCLAIM looks at no more than 10 × COUNT pending entries per call: with twelve live
        // jobs in front, a scan that always restarts at 0-0 never reaches the two stalled ones.
        for _ in 0..<14 { guard case .created = try q.enqueue(request(.batch)) else { Issue.record("enqueue"); return } }
        let taken = try q.fetch(consumer: "dying", kinds: [.probe], count: 14, blockMillis: nil)
        try #require(taken.count == 14)
        let alive = Array(taken.prefix(12))
        var cursor = "0-0"
        var claimed: [String] = []
        #expect(try waitUntil(timeout: 10) {
            try q.keepAlive(alive, consumer: "dying")
            let scan = try q.reclaimStalled(QueueStream(.batch, .probe), consumer: "rescuer", minIdle: 0.5, cursor: cursor, count: 1)
            claimed += scan.claimed.map(\.jobID)
            cursor = scan.next
            return claimed.count == 2
        })
        #expect(Set(claimed) == Set(taken.suffix(2).map(\.jobID)))
    }

    @Test func workerOfOneKindNeverReceivesAnother() throws {
        let q = try queue()
        guard case let .created(probeID) = try q.enqueue(request()),
              case let .created(classifyID) = try q.enqueue(EnqueueRequest(kind: "classify", lane: .interactive, blob: [1], blobSHA256: "c",
                                                                             owner: "client-a")) else { Issue.record("enqueue"); return }
        #expect(try q.fetch(consumer: "probe-only", kinds: [.probe], count: 10, blockMillis: nil).map(\.jobID) == [probeID])
        #expect(try q.fetch(consumer: "probe-only", kinds: [.probe], count: 10, blockMillis: 50).isEmpty)
        let classify = try q.fetch(consumer: "classifier", kinds: [.classify], count: 10, blockMillis: nil)
        #expect(classify.map(\.jobID) == [classifyID])
        #expect(classify.first?.kind == .classify)
    }

    @Test func laneDepthLimitCountsEveryKind() throws {
        let q = try queue()
        _ = try q.enqueue(request())
        _ = try q.enqueue(EnqueueRequest(kind: "classify", lane: .interactive, blob: [1], blobSHA256: "c", owner: "client-a"))
        _ = try q.enqueue(EnqueueRequest(kind: "faces", lane: .interactive, blob: [1], blobSHA256: "c", owner: "client-a"))
        #expect(try q.enqueue(request()) == .busy(depth: 3))
    }

    @Test func dueRetryGoesBackToItsKindsStream() throws {
        let q = try queue()
        guard case let .created(id) = try q.enqueue(EnqueueRequest(kind: "classify", lane: .interactive, blob: [1], blobSHA256: "c",
                                                                    owner: "client-a")) else { return }
        let jobs = try q.start(try q.fetch(consumer: "w", kinds: [.classify], count: 1, blockMillis: nil), worker: "w")
        try q.finish([(jobs[0], .retry(code: "busy", message: "later"))], worker: "w")
        var again: [Delivery] = []
        var probeSaw: [Delivery] = []
        #expect(try waitUntil(timeout: 5) {
            try q.promoteDueRetries()
            probeSaw += try q.fetch(consumer: "p", kinds: [.probe], count: 1, blockMillis: nil)
            again = try q.fetch(consumer: "w", kinds: [.classify], count: 1, blockMillis: nil)
            return !again.isEmpty
        })
        #expect(again.map(\.jobID) == [id])
        #expect(probeSaw.isEmpty)
    }
}

/// The fair batch lane: owners take turns, whatever they queued before.
@Suite(.serialized) struct FairBatchLaneTests {
    let redis: RedisServer

    init() throws { redis = try RedisServer() }

    private func queue(window: Int) throws -> JobQueue {
        var settings = QueueSettings()
        settings.layout = QueueLayout(prefix: "f")
        settings.batchWindow = window
        let q = JobQueue(connection: try redis.connect(), settings: settings)
        try q.ensureGroups()
        return q
    }

    private func enqueue(_ q: JobQueue, owner: String, count: Int) throws -> [String] {
        try (0..<count).map { index in
            let request = EnqueueRequest(kind: "probe", lane: .batch, blob: [1], blobSHA256: "b", owner: owner, idempotencyKey: nil)
            guard case let .created(id) = try q.enqueue(request) else { throw RedisError.unexpected("not created") }
            return id
        }
    }

    /// Runs every job one at a time, as a single worker would, and returns the ids in run order.
    private func drain(_ q: JobQueue) throws -> [String] {
        var order: [String] = []
        while true {
            let deliveries = try q.fetch(consumer: "w", kinds: [.probe], lanes: [.batch], count: 1, blockMillis: nil)
            guard !deliveries.isEmpty else { return order }
            let jobs = try q.start(deliveries, worker: "w")
            _ = try q.finish(jobs.map { ($0, JobOutcome.succeeded(["ok": true])) }, worker: "w")
            order += deliveries.map(\.jobID)
        }
    }

    @Test func aSmallImportIsNotHeldBackByALargeOne() throws {
        let q = try queue(window: 4)
        let large = try enqueue(q, owner: "key:large", count: 200)
        let small = try enqueue(q, owner: "key:small", count: 10)
        // Depth counts held jobs too.
        #expect(try QueueInspectorDepth.batchDepth(q) == 210)
        let order = try drain(q)
        #expect(order.count == 210)
        #expect(try QueueInspectorDepth.batchDepth(q) == 0)
        #expect(Set(order) == Set(large + small))
        // The small import's jobs alternate with the large one's once they were queued: its last job
        // runs within the window plus twice its size, not after the 200.
        let lastSmall = try #require(order.lastIndex { small.contains($0) })
        #expect(lastSmall < 4 + 2 * small.count + 1, "small import finished at position \(lastSmall)")
        // Each owner's own jobs keep their order.
        #expect(order.filter { large.contains($0) } == large)
        #expect(order.filter { small.contains($0) } == small)
    }

    @Test func withoutAWindowTheLaneIsFirstComeFirstServed() throws {
        let q = try queue(window: 0)
        let large = try enqueue(q, owner: "key:large", count: 30)
        let small = try enqueue(q, owner: "key:small", count: 5)
        #expect(try drain(q) == large + small)
    }

    @Test func theWindowNeverLimitsHowManyJobsRunAtOnce() throws {
        let q = try queue(window: 2)
        let ids = try enqueue(q, owner: "key:a", count: 7)
        // Seven workers each take one job and keep it: jobs in flight do not count against the window.
        var taken: [String] = []
        for worker in 0..<7 {
            let deliveries = try q.fetch(consumer: "w\(worker)", kinds: [.probe], lanes: [.batch], count: 1, blockMillis: nil)
            taken += deliveries.map(\.jobID)
        }
        #expect(taken == ids)
    }

    @Test func aCancelledHeldJobLeavesTheQueue() throws {
        let q = try queue(window: 2)
        let ids = try enqueue(q, owner: "key:a", count: 6)
        #expect(try QueueInspectorDepth.batchDepth(q) == 6)
        guard case .cancelled = try q.cancel(lane: .batch, id: ids[5]) else { Issue.record("not cancelled"); return }
        #expect(try QueueInspectorDepth.batchDepth(q) == 5)
        #expect(try drain(q) == Array(ids.prefix(5)))
        #expect(try QueueInspectorDepth.batchDepth(q) == 0)
        // The clock forgets owners with nothing held.
        let clock = try q.connection.call(["HGETALL", .text(q.layout.fairClock(.batch, .probe))]).fieldMap
        #expect(clock["key:a"] == nil)
    }
}

/// The batch lane's depth as the gateway reads it (the lane's depth counter: jobs in its streams
/// or held sets, not yet acknowledged).
enum QueueInspectorDepth {
    static func batchDepth(_ q: JobQueue) throws -> Int {
        try q.connection.call(["GET", .text(q.layout.depth(.batch))]).int ?? 0
    }
}
