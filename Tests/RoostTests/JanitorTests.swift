import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The janitor pages through every unfinished job (not the same first page each round), and queues
/// again, from the kept original and under the same id, a job whose Redis record vanished.
@Suite struct JanitorTests {
    /// Everything one janitor test needs, on a private Redis and a fresh data directory.
    final class Fixture {
        let redis: RedisServer
        let directory: URL
        let store: JobStore
        let originals: OriginalStore
        let queue: JobQueue
        let settings = QueueSettings()

        init() throws {
            redis = try RedisServer()
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-janitor-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try JobStore(path: directory.appendingPathComponent("roost.sqlite").path)
            originals = try OriginalStore(directory: directory.appendingPathComponent("originals"))
            queue = JobQueue(connection: try redis.connect(), settings: settings)
            try queue.ensureGroups()
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func janitor(pageSize: Int = 500, maxRowsPerRound: Int = 20_000, retentionDays: Double = 30) -> StoreJanitor {
            StoreJanitor(store: store, pool: RedisPool(endpoint: redis.endpoint, settings: settings), waiters: JobWaiters(),
                         originals: originals, retentionDays: retentionDays, staleAfter: 60, pageSize: pageSize,
                         maxRowsPerRound: maxRowsPerRound, log: Log(component: "test", minimumLevel: .error))
        }

        /// A finished job as Redis would hold it after a worker's report whose event was lost.
        func finishedInRedisOnly(id: String, createdAt: Double) throws {
            try store.recordAccepted(JobRow(id: id, kind: "probe", lane: "batch", createdAt: createdAt))
            try queue.connection.call(["HSET", settings.layout.job(.batch, id), "id", id, "kind", "probe", "lane", "batch",
                                       "state", "succeeded", "attempts", "1", "finished_at", Clock.text(createdAt + 1),
                                       "result", #"{"n":1}"#])
        }
    }

    @Test func reachesRowsBeyondTheFirstPageAndCarriesItsCursorAcrossRounds() throws {
        let f = try Fixture()
        defer { withExtendedLifetime(f) {} }
        let old = Clock.now() - 3_600
        let ids = (0..<25).map { String(format: "job-%02d", $0) }
        for (i, id) in ids.enumerated() { try f.finishedInRedisOnly(id: id, createdAt: old + Double(i)) }
        let janitor = f.janitor(pageSize: 4, maxRowsPerRound: 10)
        // A round stops after 10 rows (pages of 4 → 12); the next one continues where it stopped.
        #expect(try janitor.reconcile(now: Clock.now()) == 12)
        #expect(try janitor.reconcile(now: Clock.now()) == 12)
        #expect(try janitor.reconcile(now: Clock.now()) == 1)
        for id in ids { #expect(try f.store.job(id: id)?.state == "succeeded", "\(id)") }
        // After the last page the walk starts again from the oldest unfinished row.
        try f.finishedInRedisOnly(id: "job-early", createdAt: old - 10)
        #expect(try janitor.reconcile(now: Clock.now()) == 1)
        #expect(try f.store.job(id: "job-early")?.resultJSON == #"{"n":1}"#)
    }

    @Test func pipelinedRecordsMatchOneByOneReads() throws {
        let f = try Fixture()
        defer { withExtendedLifetime(f) {} }
        try f.finishedInRedisOnly(id: "a", createdAt: 100)
        try f.finishedInRedisOnly(id: "b", createdAt: 101)
        let jobs: [(lane: Lane, id: String)] = [(.batch, "a"), (.interactive, "a"), (.batch, "missing"), (.batch, "b")]
        let records = try f.queue.records(jobs)
        #expect(records.map { $0?.id } == ["a", nil, nil, "b"])
        #expect(records[0] == (try f.queue.record(lane: .batch, id: "a")))
    }

    @Test func requeuesAJobRedisLostFromItsOriginalUnderTheSameID() throws {
        let f = try Fixture()
        defer { withExtendedLifetime(f) {} }
        let photo = try Fixtures.bytes("eagle")
        let sha = SHA256.hexDigest(photo)
        try f.originals.save(photo, sha256: sha)
        let id = JobID.make()
        var row = JobRow(id: id, kind: "classify", lane: "interactive", owner: "key:alice", imageSHA256: sha,
                         imageBytes: photo.count, createdAt: Clock.now() - 600)
        #expect(try f.store.acceptWithInputs(row, params: #"{"top_k":3}"#).inserted)
        // It had started once before Redis lost everything.
        row.state = "running"; row.attempts = 2; row.updatedAt = row.createdAt
        _ = try f.store.applyUpdate(row)

        let janitor = f.janitor()
        #expect(try janitor.reconcile(now: Clock.now()) == 1)
        let requeued = try #require(try f.store.job(id: id))
        #expect(requeued.state == "queued")
        #expect(requeued.attempts == 0)
        let live = try #require(try f.queue.record(lane: .interactive, id: id))
        #expect(live.state == .queued)
        #expect(live.owner == "key:alice")
        // A worker gets the same photo and parameters, and its result is recorded for the same id.
        let started = try f.queue.start(try f.queue.fetch(consumer: "w", kinds: JobKind.all, count: 10, blockMillis: nil), worker: "w")
        #expect(started.count == 1)
        #expect(started.first?.blob == photo)
        #expect(started.first?.params["top_k"]?.intValue == 3)
        _ = try f.queue.finish([(started[0], .succeeded(["ok": true]))], worker: "w")
        #expect(try janitor.reconcile(now: Clock.now() + 3_600) == 1)
        #expect(try f.store.job(id: id)?.state == "succeeded")
        // Once finished, nothing flips it back, even if Redis loses it again.
        try f.queue.connection.call(["FLUSHALL"])
        #expect(try janitor.reconcile(now: Clock.now() + 7_200) == 0)
        #expect(try f.store.job(id: id)?.state == "succeeded")
    }

    @Test func retentionRemovesAnOriginalOnlyWhenNoJobReferencesIt() throws {
        let f = try Fixture()
        defer { withExtendedLifetime(f) {} }
        let photo = try Fixtures.bytes("dog")
        let sha = SHA256.hexDigest(photo)
        try f.originals.save(photo, sha256: sha)
        let long = Clock.now() - 40 * 86_400
        for (id, state) in [("old", "succeeded"), ("recent", "queued")] {
            var row = JobRow(id: id, kind: "probe", lane: "batch", imageSHA256: sha, imageBytes: photo.count, createdAt: long)
            _ = try f.store.acceptWithInputs(row, params: "{}")
            row.state = state; row.finishedAt = state == "succeeded" ? long : nil; row.updatedAt = long
            _ = try f.store.applyUpdate(row)
        }
        let janitor = f.janitor()
        #expect(try janitor.sweepRetention(now: Clock.now()) == (deleted: 1, removed: 0))
        #expect(f.originals.load(sha256: sha) == photo)
        #expect(try f.store.params(jobID: "old") == nil)  // inputs go with their job
        _ = try f.store.applyUpdate(JobRow(id: "recent", kind: "probe", lane: "batch", state: "failed", attempts: 1, owner: nil,
                                           idempotencyKey: nil, imageSHA256: nil, imageBytes: nil, createdAt: long,
                                           startedAt: nil, finishedAt: long, worker: nil, resultJSON: nil, errorCode: "x",
                                           errorMessage: "x", updatedAt: long))
        // Pinned by an upload in progress: kept.
        f.originals.pin(sha)
        #expect(try janitor.sweepRetention(now: Clock.now()) == (deleted: 1, removed: 0))
        #expect(f.originals.load(sha256: sha) == photo)
        f.originals.unpin(sha)
        // The next round tries it again.
        #expect(try janitor.sweepRetention(now: Clock.now()) == (deleted: 0, removed: 1))
        #expect(f.originals.load(sha256: sha) == nil)
    }
}
