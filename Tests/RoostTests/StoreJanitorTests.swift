import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The janitor brings SQLite up to date when events were lost, and never leaves a job stuck.
@Suite struct StoreJanitorTests {
    @Test func reconcilesMissedResultsAndMarksVanishedJobsDead() throws {
        let redis = try RedisServer()
        defer { withExtendedLifetime(redis) {} }  // optimised builds may end lifetimes early
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-janitor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try JobStore(path: directory.appendingPathComponent("roost.sqlite").path)
        let settings = QueueSettings()
        let queue = JobQueue(connection: try redis.connect(), settings: settings)
        try queue.ensureGroups()

        // A job that ran while its events were lost: Redis knows the result, SQLite does not.
        let request = EnqueueRequest(kind: "probe", lane: .interactive, blob: [1], blobSHA256: "s", owner: "o")
        guard case let .created(doneID) = try queue.enqueue(request) else { Issue.record("enqueue"); return }
        try store.recordAccepted(JobRow(id: doneID, kind: "probe", lane: "interactive", createdAt: request.createdAt - 600))
        let jobs = try queue.start(try queue.fetch(consumer: "w", kinds: [.probe], count: 1, blockMillis: nil), worker: "w")
        try queue.finish([(jobs[0], .succeeded(["width": 7]))], worker: "w")
        // A job whose Redis record vanished (Redis lost its data).
        let lostID = JobID.make()
        try store.recordAccepted(JobRow(id: lostID, kind: "probe", lane: "batch", createdAt: Clock.now() - 600))
        // A fresh job is left alone.
        let freshID = JobID.make()
        try store.recordAccepted(JobRow(id: freshID, kind: "probe", lane: "batch", createdAt: Clock.now()))

        let originals = try OriginalStore(directory: directory.appendingPathComponent("originals"))
        let janitor = StoreJanitor(store: store, pool: RedisPool(endpoint: redis.endpoint, settings: settings), waiters: JobWaiters(),
                                   originals: originals, retentionDays: 30, staleAfter: 120, log: Log(component: "test", minimumLevel: .error))
        #expect(try janitor.reconcile(now: Clock.now()) == 2)
        let done = try #require(try store.job(id: doneID))
        #expect(done.state == "succeeded")
        #expect(done.resultJSON == #"{"width":7}"#)
        let lost = try #require(try store.job(id: lostID))
        #expect(lost.state == "dead")
        #expect(lost.errorCode == "lost_in_queue")
        #expect(try store.job(id: freshID)?.state == "queued")
        // Nothing left to do the second time.
        #expect(try janitor.reconcile(now: Clock.now()) == 0)
    }
}
