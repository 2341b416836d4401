import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The ingester writes each batch of events in one transaction: all of it or none of it.
@Suite struct IngesterTests {
    static func row(_ id: String, _ state: String, attempts: Int = 1) -> JobRow {
        JobRow(id: id, kind: "probe", lane: "batch", state: state, attempts: attempts, owner: nil, idempotencyKey: nil,
               imageSHA256: nil, imageBytes: nil, createdAt: 100, startedAt: 101, finishedAt: state == "succeeded" ? 102 : nil,
               worker: "w", resultJSON: state == "succeeded" ? #"{"id":"\#(id)"}"# : nil, errorCode: nil, errorMessage: nil,
               updatedAt: 103)
    }

    @Test func aBatchIsAppliedAtomically() throws {
        try withStoreDirectory { directory in
            let store = try JobStore(path: directory.appendingPathComponent("roost.sqlite").path)
            for id in ["a", "b", "c"] { try store.recordAccepted(JobRow(id: id, kind: "probe", lane: "batch", createdAt: 100)) }
            // The last update breaks the state CHECK: the whole batch is rolled back, the first two included.
            #expect(throws: SQLiteError.self) {
                try store.applyUpdates([Self.row("a", "succeeded"), Self.row("b", "running"), Self.row("c", "exploded")])
            }
            #expect(try store.job(id: "a")?.state == "queued")
            #expect(try store.job(id: "b")?.state == "queued")
            #expect(try store.applyUpdates([Self.row("a", "succeeded"), Self.row("b", "running")]) == [true, true])
            // The same events again (at-least-once delivery) change nothing: one result per job.
            #expect(try store.applyUpdates([Self.row("a", "succeeded"), Self.row("a", "running", attempts: 2)]) == [false, false])
            #expect(try store.job(id: "a")?.resultJSON == #"{"id":"a"}"#)
        }
    }

    /// What the ingester hands to the long-polls it wakes: each changed job's whole row as
    /// recorded (identity fields from the acceptance included), nothing for an unchanged one.
    @Test func recordedUpdatesComeBackWholeAndOnlyWhenTheyChanged() throws {
        try withStoreDirectory { directory in
            let store = try JobStore(path: directory.appendingPathComponent("roost.sqlite").path)
            try store.recordAccepted(JobRow(id: "a", kind: "classify", lane: "interactive", owner: "key:alice", createdAt: 100))
            let first = try store.recordUpdates([Self.row("a", "running"), Self.row("b", "succeeded")])
            #expect(first.count == 2)
            #expect(first[0]?.state == "running" && first[0]?.owner == "key:alice" && first[0]?.kind == "classify" && first[0]?.createdAt == 100)
            #expect(first[1] == nil, "a job another gateway accepted leaves no row here")
            #expect(try store.job(id: "b") == nil)
            let again = try store.recordUpdates([Self.row("a", "running"), Self.row("a", "succeeded"), Self.row("a", "failed")])
            #expect(again[0] == nil, "the same running again changes nothing")
            #expect(again[1]?.state == "succeeded" && again[1]?.resultJSON == #"{"id":"a"}"# && again[1]?.owner == "key:alice")
            #expect(again[2] == nil, "an ended job never moves again")
            #expect(try store.job(id: "a") == again[1])
        }
    }

    @Test func theIngesterRecordsAReadBatchTogether() throws {
        try withStoreDirectory { directory in
            let store = try JobStore(path: directory.appendingPathComponent("roost.sqlite").path)
            let ingester = ResultIngester(store: store, waiters: JobWaiters(), endpoint: RedisEndpoint(), settings: QueueSettings(),
                                          consumer: "test", log: Log(component: "test", minimumLevel: .error))
            for i in 0..<50 { try store.insertAccepted(JobRow(id: "job-\(i)", kind: "probe", lane: "batch", owner: "ip:h", createdAt: 100)) }
            let events = (0..<60).map { i in
                JobEvent(lane: .batch, messageID: "1-\(i)",
                         record: JobRecord(id: "job-\(i)", kind: "probe", lane: .batch, state: .succeeded, attempts: 1,
                                           createdAt: 100, finishedAt: 101, resultJSON: "{}"))
            }
            try ingester.record(events)
            #expect(try store.counts() == ["succeeded": 50], "the ten jobs another gateway accepted are not recorded here")
            try ingester.record(events)  // redelivered after a crash before the acknowledgement
            #expect(try store.counts() == ["succeeded": 50])
        }
    }

    /// The order that makes "record only the jobs this gateway holds a row for" safe: `submit`
    /// commits the row before it enqueues, so the first event of a job accepted here always finds
    /// its row. A stand-in worker ends the job the moment its entry is in the stream, racing the
    /// rest of `submit`; its result is recorded all the same. An event of a job this gateway never
    /// accepted leaves no row, and both are acknowledged and trimmed away.
    @Test func theRowOfAnAcceptedJobIsThereBeforeItsFirstEvent() throws {
        let panel = try FaceIDTestGateway()
        let layout = panel.gateway.configuration.queue.layout
        let endpoint = panel.redis.endpoint
        let ended = DispatchSemaphore(value: 0)
        let standIn = Thread {
            defer { ended.signal() }
            guard let redis = try? RedisConnection(endpoint: endpoint),
                  let reply = try? redis.call(["XREADGROUP", "GROUP", .text(QueueLayout.workerGroup), "stand-in", "COUNT", "1", "BLOCK", "20000",
                                               "STREAMS", .text(layout.stream(.interactive, .probe)), ">"]),
                  let entry = reply.array?.first?.array?.last?.array?.first?.array, entry.count == 2,
                  let id = entry[1].fieldMap["id"]?.text else { return }
            _ = try? redis.call(["XADD", .text(layout.events(.interactive)), "*", "id", .text(id), "state", "succeeded", "attempts", "1",
                                 "finished_at", .text(String(Clock.now())), "result", #"{"width":1}"#])
        }
        standIn.start()
        let client = try TestClient(port: panel.port)
        let id = try #require(try client.upload("/jobs/probe", file: try Fixtures.bytes("eagle")).jsonBody["id"]?.stringValue)
        #expect(ended.wait(timeout: .now() + 30) == .success)
        #expect(waitUntil(timeout: 10) { (try? panel.gateway.store.job(id: id))??.state == "succeeded" })
        #expect(try panel.gateway.store.job(id: id)?.resultJSON == #"{"width":1}"#)

        let redis = try panel.redis.connect()
        let foreign = JobID.make()
        _ = try redis.call(["XADD", .text(layout.events(.interactive)), "*", "id", .text(foreign), "state", "succeeded", "attempts", "1",
                            "result", "{}"])
        #expect(waitUntil(timeout: 10) { ((try? redis.call(["XLEN", .text(layout.events(.interactive))]).int) ?? 1) == 0 },
                "acknowledged, and trimmed since this gateway's is the only group")
        #expect(try panel.gateway.store.job(id: foreign) == nil)
        #expect(try client.get("/jobs/\(foreign)").status == 404)
    }
}
