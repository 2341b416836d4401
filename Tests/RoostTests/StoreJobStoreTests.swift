import Foundation
import Testing
@testable import Gateway

@Suite struct StoreJobStoreTests {
    private func withStore<T>(_ body: (JobStore) throws -> T) throws -> T {
        try withStoreDirectory { directory in
            let store = try JobStore(path: directory.appendingPathComponent("gateway.sqlite").path)
            defer { store.close() }
            return try body(store)
        }
    }

    @Test func insertAndReadBackEveryField() throws {
        try withStore { store in
            var row = storeSampleJob(id: "job-all-fields", key: "key-1")
            row.state = "failed"; row.attempts = 3; row.startedAt = 1_700_000_001.5; row.finishedAt = 1_700_000_002.75
            row.worker = "host-a:4242"; row.resultJSON = #"{"labels":[{"name":"robin","score":0.91}]}"#
            row.errorCode = "decode_failed"; row.errorMessage = "premature end of JPEG — ünïcode"; row.updatedAt = 1_700_000_003
            try store.insertAccepted(row)
            #expect(try store.job(id: row.id) == row)
            #expect(try store.job(id: "missing") == nil)

            let sparse = JobRow(id: "job-sparse", kind: "faces", lane: "batch", createdAt: 5)
            try store.insertAccepted(sparse)
            let read = try #require(try store.job(id: "job-sparse"))
            #expect(read == sparse)
            #expect(read.owner == nil && read.imageBytes == nil && read.resultJSON == nil && read.state == "queued")
        }
    }

    @Test func idempotencyKeysAreUniquePerOwner() throws {
        try withStore { store in
            try store.insertAccepted(storeSampleJob(id: "a", owner: "alice", key: "upload-1"))
            try store.insertAccepted(storeSampleJob(id: "b", owner: "bob", key: "upload-1"))
            try store.insertAccepted(storeSampleJob(id: "c", owner: nil, key: "upload-1"))
            try store.insertAccepted(storeSampleJob(id: "d", owner: "alice", key: nil))
            try store.insertAccepted(storeSampleJob(id: "e", owner: "alice", key: nil))

            #expect(try store.job(owner: "alice", idempotencyKey: "upload-1")?.id == "a")
            #expect(try store.job(owner: "bob", idempotencyKey: "upload-1")?.id == "b")
            #expect(try store.job(owner: nil, idempotencyKey: "upload-1")?.id == "c")
            #expect(try store.job(owner: "carol", idempotencyKey: "upload-1") == nil)

            for (id, owner) in [("a2", "alice" as String?), ("c2", nil)] {
                let error = try #require(throws: SQLiteError.self) {
                    try store.insertAccepted(storeSampleJob(id: id, owner: owner, key: "upload-1"))
                }
                #expect(error.isConstraintViolation)
            }
            let duplicateID = try #require(throws: SQLiteError.self) { try store.insertAccepted(storeSampleJob(id: "a")) }
            #expect(duplicateID.isConstraintViolation)
        }
    }

    @Test func acceptOrFindExistingReturnsTheFirstJob() throws {
        try withStore { store in
            let first = try store.acceptOrFindExisting(storeSampleJob(id: "first", owner: "alice", key: "k"))
            #expect(first.inserted && first.row.id == "first")
            let retry = try store.acceptOrFindExisting(storeSampleJob(id: "second", owner: "alice", key: "k"))
            #expect(!retry.inserted && retry.row.id == "first")
            let otherOwner = try store.acceptOrFindExisting(storeSampleJob(id: "third", owner: "bob", key: "k"))
            #expect(otherOwner.inserted)
            let noKey = try store.acceptOrFindExisting(storeSampleJob(id: "fourth", owner: "alice", key: nil))
            #expect(noKey.inserted)
            #expect(try store.job(id: "second") == nil)
        }
    }

    @Test func sameKeyFromEightThreadsInsertsOnce() throws {
        try withStore { store in
            let winners = FailureCounter()
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                do {
                    let outcome = try store.acceptOrFindExisting(storeSampleJob(id: "race-\(thread)", owner: "alice", key: "same"))
                    if outcome.inserted { winners.record(outcome.row.id) }
                } catch {
                    winners.record("error: \(error)")
                }
            }
            #expect(winners.messages.count == 1 && winners.messages.first?.hasPrefix("race-") == true)
            let counts = try store.counts()
            #expect(counts == ["queued": 1])
        }
    }

    @Test func writerInAnotherConnectionMakesUsWaitNotFail() throws {
        try withStoreDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let store = try JobStore(path: path)
            defer { store.close() }
            let other = try SQLiteConnection(path: path)
            // Another process holds the write lock while our insert starts; it commits afterwards.
            try other.execute("BEGIN IMMEDIATE")
            try other.run("INSERT INTO jobs (id, kind, lane, state, created_at, updated_at) VALUES ('other', 'k', 'l', 'queued', 0, 0)")
            let started = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
            let failures = FailureCounter()
            Thread.detachNewThread {
                started.signal()
                do { try store.insertAccepted(storeSampleJob(id: "ours")) } catch { failures.record("\(error)") }
                finished.signal()
            }
            #expect(started.wait(timeout: .now() + 10) == .success)
            try other.execute("COMMIT")
            #expect(finished.wait(timeout: .now() + 10) == .success)
            #expect(failures.messages.isEmpty, "\(failures.messages)")
            let counts = try store.counts()
            #expect(counts == ["queued": 2])

            // With a short timeout and the lock never released, the error is a clear sqlite_busy.
            let impatient = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 20)
            try other.execute("BEGIN IMMEDIATE")
            let error = try #require(throws: SQLiteError.self) {
                try impatient.run("DELETE FROM jobs")
            }
            #expect(error.code == "sqlite_busy")
            try other.execute("ROLLBACK")
        }
    }

    @Test func applyUpdateHasExactlyOnceEffect() throws {
        try withStore { store in
            let accepted = storeSampleJob(id: "job-x")
            try store.insertAccepted(accepted)

            var running = accepted
            running.state = "running"; running.attempts = 1; running.startedAt = accepted.createdAt + 1
            running.worker = "w1"; running.updatedAt = accepted.createdAt + 1
            #expect(try store.applyUpdate(running))
            #expect(try store.applyUpdate(running) == false) // nothing new

            var succeeded = running
            succeeded.state = "succeeded"; succeeded.finishedAt = accepted.createdAt + 2
            succeeded.resultJSON = #"{"ok":true}"#; succeeded.updatedAt = accepted.createdAt + 2
            #expect(try store.applyUpdate(succeeded))
            #expect(try store.applyUpdate(succeeded) == false)

            var lateRunning = running
            lateRunning.attempts = 2; lateRunning.worker = "w2"; lateRunning.updatedAt = accepted.createdAt + 3
            #expect(try store.applyUpdate(lateRunning) == false)
            var otherFinal = succeeded
            otherFinal.state = "failed"; otherFinal.errorCode = "late"
            #expect(try store.applyUpdate(otherFinal) == false)

            let stored = try #require(try store.job(id: "job-x"))
            #expect(stored == succeeded)
            #expect(try store.counts() == ["succeeded": 1])
        }
    }

    @Test func applyUpdateKeepsIdentityAndIgnoresStaleAttempts() throws {
        try withStore { store in
            let accepted = storeSampleJob(id: "job-y", key: "k")
            try store.insertAccepted(accepted)
            var retry = accepted
            retry.state = "running"; retry.attempts = 2; retry.startedAt = 10; retry.worker = "w1"
            retry.kind = "tampered"; retry.owner = "someone-else"
            #expect(try store.applyUpdate(retry))
            var stale = retry
            stale.attempts = 1; stale.state = "queued"
            #expect(try store.applyUpdate(stale) == false)
            let stored = try #require(try store.job(id: "job-y"))
            #expect(stored.kind == accepted.kind && stored.owner == accepted.owner && stored.idempotencyKey == "k")
            #expect(stored.state == "running" && stored.attempts == 2 && stored.worker == "w1")

            // A job this gateway never saw (accepted elsewhere) is recorded.
            var foreign = storeSampleJob(id: "job-foreign", owner: "zed")
            foreign.state = "succeeded"; foreign.attempts = 1; foreign.finishedAt = 20
            #expect(try store.applyUpdate(foreign))
            #expect(try store.job(id: "job-foreign") == foreign)
        }
    }

    @Test func cancellationOnlyFromUnfinishedStates() throws {
        try withStore { store in
            try store.insertAccepted(storeSampleJob(id: "q"))
            #expect(try store.markCancelled(id: "q", at: 50))
            #expect(try store.markCancelled(id: "q", at: 60) == false)
            #expect(try store.markCancelled(id: "nope") == false)
            let row = try #require(try store.job(id: "q"))
            #expect(row.state == "cancelled" && row.finishedAt == 50 && row.updatedAt == 50)
            var resurrect = row
            resurrect.state = "running"; resurrect.attempts = 1
            #expect(try store.applyUpdate(resurrect) == false)
        }
    }

    @Test func hostileValuesAreStoredVerbatim() throws {
        try withStore { store in
            let hostile = "x'); DROP TABLE jobs; --"
            let row = storeSampleJob(id: hostile, owner: "' OR '1'='1", key: "\"; DELETE FROM jobs; --")
            try store.insertAccepted(row)
            try store.insertAccepted(storeSampleJob(id: "innocent"))
            #expect(try store.job(id: hostile) == row)
            #expect(try store.job(owner: "' OR '1'='1", idempotencyKey: "\"; DELETE FROM jobs; --")?.id == hostile)
            #expect(try store.job(id: "' OR '1'='1") == nil)
            #expect(try store.counts() == ["queued": 2])
        }
    }

    @Test func concurrentInsertsFromEightThreadsAllLand() throws {
        try withStore { store in
            let perThread = 250
            let failures = FailureCounter()
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for index in 0..<perThread {
                    do {
                        try store.insertAccepted(storeSampleJob(id: "t\(thread)-\(index)", key: "k\(thread)-\(index)"))
                        if index % 10 == 0 { _ = try store.job(id: "t\(thread)-\(index)") }
                    } catch {
                        failures.record("\(error)")
                    }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("JobStore: \(8 * perThread) inserts from 8 threads in \(Int(seconds * 1000)) ms (\(Int(Double(8 * perThread) / seconds))/s)")
            #expect(failures.messages.isEmpty, "\(failures.messages.prefix(3))")
            let counts = try store.counts()
            #expect(counts == ["queued": 8 * perThread])
        }
    }

    @Test func countsListingAndRetention() throws {
        try withStore { store in
            for (index, state) in ["queued", "queued", "running", "succeeded", "failed", "dead"].enumerated() {
                var row = storeSampleJob(id: "r\(index)", createdAt: Double(index))
                row.state = state
                if JobRow.terminalStates.contains(state) { row.finishedAt = Double(100 + index) }
                try store.insertAccepted(row)
            }
            #expect(try store.counts() == ["queued": 2, "running": 1, "succeeded": 1, "failed": 1, "dead": 1])
            #expect(try store.jobs(inState: "queued", limit: 10).map(\.id) == ["r0", "r1"])
            #expect(try store.deleteFinished(olderThan: 104.5) == 2) // succeeded@103, failed@104
            #expect(try store.counts() == ["queued": 2, "running": 1, "dead": 1])
            #expect(try store.deleteFinished(olderThan: 1e12) == 1)
            #expect(try store.job(id: "r2")?.state == "running")
        }
    }
}

/// Collects errors from worker threads for one assertion at the end.
private final class FailureCounter: @unchecked Sendable {
    // @unchecked Sendable: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: [String] = []
    func record(_ message: String) { lock.withLock { stored.append(message) } }
    var messages: [String] { lock.withLock { stored } }
}
