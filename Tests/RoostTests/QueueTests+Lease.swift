import Foundation
import Testing
@testable import Shared

/// The guarantees the batch scripts keep with one command per job: the first attempt to finish
/// is recorded and every later answer ignored, a transient failure counts only from the attempt
/// holding the job, trimming never drops an entry that is pending or undelivered, and one event
/// per batch still tells the ingester everything.
extension QueueTests {
    @Test func theFirstAttemptToFinishIsRecordedOnceAndLaterAnswersChangeNothing() throws {
        let q = try queue(maxDepth: 0)
        guard case let .created(id) = try q.enqueue(request()) else { Issue.record("not created"); return }
        let first = try q.start(try q.fetch(consumer: "w", kinds: [.probe], count: 1, blockMillis: nil), worker: "w")
        // The same worker id recovers its own job (its keep-alive failed): a new attempt holds the job.
        let second = try q.start(try reclaimWhenStalled(q, consumer: "w", minIdle: 0.2), worker: "w")
        #expect(second.map(\.attempt) == [2])
        // A transient failure from the attempt that lost the job schedules nothing.
        #expect(try q.finish([(first[0], .retry(code: "late", message: "late"))], worker: "w") == [false])
        let running = try #require(try q.record(lane: .interactive, id: id))
        #expect(running.state == .running && running.attempts == 2 && running.worker == "w")
        // The first attempt still finishes first: its outcome is recorded, once.
        #expect(try q.finish([(first[0], .succeeded(["attempt": 1]))], worker: "w") == [true])
        // After the job ended, no answer of either attempt changes it.
        #expect(try q.finish([(second[0], .succeeded(["attempt": 2]))], worker: "w") == [false])
        #expect(try q.finish([(second[0], .retry(code: "again", message: "again"))], worker: "w") == [false])
        #expect(try q.finish([(first[0], .failed(code: "late", message: "late"))], worker: "w") == [false])
        let record = try #require(try q.record(lane: .interactive, id: id))
        #expect(record.state == .succeeded && record.attempts == 1)
        #expect(record.statusJSON["result"]?["attempt"]?.intValue == 1)
        #expect(try q.connection.call(["GET", settings.layout.depth(.interactive)]).int == 0)
        #expect(try q.connection.call(["ZCARD", .text(settings.layout.delayed(.interactive))]).int == 0)
        // The ingester hears of one outcome.
        let outcomes = try q.readEvents(consumer: "g", count: 100, blockMillis: nil).filter { $0.record.state.isTerminal }
        #expect(outcomes.map(\.record.id) == [id])
    }

    @Test func trimmingNeverDropsAPendingOrUndeliveredEntry() throws {
        let q = try queue(maxDepth: 0)
        let stream = settings.layout.stream(.interactive, .probe)
        func length() throws -> Int { try q.connection.call(["XLEN", .text(stream)]).int ?? -1 }
        func depth() throws -> Int { try q.connection.call(["GET", .text(settings.layout.depth(.interactive))]).int ?? -1 }
        for _ in 0..<6 { guard case .created = try q.enqueue(request()) else { Issue.record("not created"); return } }
        let a = try q.start(try q.fetch(consumer: "a", kinds: [.probe], count: 2, blockMillis: nil), worker: "a")
        let b = try q.start(try q.fetch(consumer: "b", kinds: [.probe], count: 2, blockMillis: nil), worker: "b")
        #expect(try depth() == 6)
        // Later entries finish first: nothing before a's pending entries may go, so nothing goes.
        #expect(try q.finish(b.map { ($0, JobOutcome.succeeded([:])) }, worker: "b") == [true, true])
        #expect(try q.finish([(a[1], JobOutcome.succeeded([:]))], worker: "a") == [true])
        #expect(try length() == 6)
        #expect(try depth() == 3)
        // a's first job is still pending: a rescuer can still claim it, with everything it needs.
        let claimed = try reclaimWhenStalled(q, consumer: "rescuer", minIdle: 0.2)
        #expect(claimed.map(\.jobID) == [a[0].delivery.jobID])
        let rerun = try q.start(claimed, worker: "rescuer")
        #expect(rerun.first?.blob == [1, 2, 3])
        #expect(try q.finish([(rerun[0], JobOutcome.succeeded([:]))], worker: "rescuer") == [true])
        // Nothing pending: every delivered entry goes, the two never delivered stay and are still delivered.
        #expect(try length() == 2)
        let rest = try q.start(try q.fetch(consumer: "c", kinds: [.probe], count: 10, blockMillis: nil), worker: "c")
        #expect(rest.count == 2)
        #expect(try q.finish(rest.map { ($0, JobOutcome.succeeded([:])) }, worker: "c") == [true, true])
        #expect(try length() == 0)
        #expect(try depth() == 0)
    }

    @Test func oneEventPerBatchCarriesWhatTheIngesterRecords() throws {
        let q = try queue(maxDepth: 0)
        var ids: [String] = []
        for _ in 0..<3 {
            guard case let .created(id) = try q.enqueue(request()) else { Issue.record("not created"); return }
            ids.append(id)
        }
        let jobs = try q.start(try q.fetch(consumer: "w", kinds: [.probe], count: 10, blockMillis: nil), worker: "w")
        try q.finish([(jobs[0], .succeeded(["n": 0])), (jobs[1], .failed(code: "corrupt_jpeg", message: "bad")),
                      (jobs[2], .succeeded(["n": 2]))], worker: "w")
        #expect(try q.connection.call(["XLEN", .text(settings.layout.events(.interactive))]).int == 2)
        let events = try q.readEvents(consumer: "g", count: 10, blockMillis: nil)
        #expect(events.map(\.record.id) == ids + ids)
        #expect(events.map(\.record.state) == [.running, .running, .running, .succeeded, .failed, .succeeded])
        #expect(Set(events.map(\.messageID)).count == 2)
        for event in events {
            #expect(event.record.worker == "w")
            #expect(event.record.attempts == 1)
            #expect(event.record.startedAt.map { abs($0 - jobs[0].startedAt) < 0.002 } == true)
        }
        let outcomes = events.suffix(3).map(\.record)
        #expect(outcomes.allSatisfy { $0.finishedAt != nil })
        #expect(try outcomes[0].resultJSON.map { try JSON.parse($0) }?["n"]?.intValue == 0)
        #expect(outcomes[1].errorCode == "corrupt_jpeg" && outcomes[1].errorMessage == "bad" && outcomes[1].resultJSON == nil)
        try q.acknowledgeEvents(events)
        #expect(try q.connection.call(["XLEN", .text(settings.layout.events(.interactive))]).int == 0)
    }

    /// A queue without the suite's depth limit of 3.
    func queue(maxDepth: Int) throws -> JobQueue {
        var s = settings
        s.maxInteractiveDepth = maxDepth
        let q = JobQueue(connection: try redis.connect(), settings: s)
        try q.ensureGroups()
        return q
    }
}

/// The depth counter rebuilt from the streams when it is missing (an upgrade, or a lost key).
extension QueueTests {
    @Test func aMissingDepthCounterIsRebuiltFromTheStreams() throws {
        let q = try queue(maxDepth: 0)
        for _ in 0..<5 { guard case .created = try q.enqueue(request()) else { Issue.record("not created"); return } }
        guard case .created = try q.enqueue(request(.batch)) else { Issue.record("not created"); return }
        let jobs = try q.start(try q.fetch(consumer: "w", kinds: [.probe], lanes: [.interactive], count: 3, blockMillis: nil), worker: "w")
        try q.finish([(jobs[1], .succeeded([:]))], worker: "w")
        // Two pending, two waiting, one acknowledged (its entry still there, behind a pending one).
        #expect(try q.connection.call(["XLEN", .text(settings.layout.stream(.interactive, .probe))]).int == 5)
        let depth = settings.layout.depth(.interactive)
        #expect(try q.connection.call(["GET", .text(depth)]).int == 4)
        try q.connection.call(["DEL", .text(depth), .text(settings.layout.depth(.batch))])
        try q.ensureGroups()
        #expect(try q.connection.call(["GET", .text(depth)]).int == 4)
        #expect(try q.connection.call(["GET", .text(settings.layout.depth(.batch))]).int == 1)
        // An existing counter is left alone.
        try q.connection.call(["SET", .text(depth), "7"])
        try q.ensureGroups()
        #expect(try q.connection.call(["GET", .text(depth)]).int == 7)
    }
}
