import Testing
@testable import Shared

/// The packed form of a job's end (`done`), as every reader unpacks it.
@Suite struct JobEndTests {
    @Test func anEndSurvivesPackingWithSpacesAndNewlinesWhereTheyMayBe() throws {
        let ends = [
            JobEnd(state: .succeeded, attempts: 1, startedAt: 1_764_860_000.123, finishedAt: 1_764_860_000.456, worker: "host a:12:34",
                   payload: #"{"labels":["a\nb"]}"#),
            JobEnd(state: .failed, attempts: 3, startedAt: 1_764_860_000, finishedAt: 1_764_860_002.5, worker: "w",
                   payload: "line one\nline two", errorCode: "corrupt_jpeg"),
            JobEnd(state: .cancelled, attempts: 0, startedAt: nil, finishedAt: 1_764_860_009.001, worker: nil,
                   payload: "", errorCode: "cancelled"),
        ]
        for end in ends {
            let back = try #require(JobEnd(encoded: end.encoded))
            #expect(back.state == end.state && back.attempts == end.attempts && back.worker == end.worker)
            #expect(back.payload == end.payload && back.errorCode == end.errorCode)
            #expect(back.finishedAt == end.finishedAt)
            #expect(back.startedAt.map { abs($0 - end.startedAt!) < 0.0005 } ?? (end.startedAt == nil))
        }
        #expect(JobEnd(encoded: "queued 1 5 - w\n{}") == nil)
        #expect(JobEnd(encoded: "succeeded x 5 - w\n{}") == nil)
        #expect(JobEnd(encoded: "succeeded 1 5 - w") == nil)
    }

    @Test func aNoopOutcomeFitsARedisListpackValue() {
        // `hash-max-listpack-value` is 64: a longer value turns the job's record into a hash table.
        let end = JobEnd(state: .succeeded, attempts: 1, startedAt: 1_764_860_000.123, finishedAt: 1_764_860_000.126,
                         worker: "vm:123456:65535", payload: #"{"ok":true}"#)
        #expect(end.encoded.utf8.count <= 64, "\(end.encoded)")
    }
}
