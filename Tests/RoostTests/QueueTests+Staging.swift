import Testing
@testable import Shared

extension QueueTests {
    /// An upload reaches its blob through a staging key that never outlives the enqueue: renamed
    /// to the blob when the job is created, dropped when the blob already exists, the key was used
    /// before or the lane is full (the bytes never pass through Lua).
    @Test func stagedUploadBecomesTheBlobOrIsDropped() throws {
        let q = try queue()
        let layout = settings.layout
        let blob = layout.blob(.interactive, sha256: "sha-2")
        func staged() throws -> Int { try q.connection.call(["KEYS", layout.base(.interactive) + ":upload:*"]).array?.count ?? -1 }
        guard case let .created(id) = try q.enqueue(request(key: "k", bytes: [5, 6])) else { Issue.record("not created"); return }
        #expect(try q.connection.call(["GET", blob]).bytes == [5, 6])
        #expect(try q.connection.call(["TTL", blob]).int ?? 0 > 3_600)
        #expect(try staged() == 0)
        #expect(try q.enqueue(request(key: "k", bytes: [5, 6])) == .existing(id: id))
        guard case .created = try q.enqueue(request(bytes: [5, 6])) else { Issue.record("same photo, new job: not created"); return }
        _ = try q.enqueue(request())
        #expect(try q.enqueue(request()) == .busy(depth: 3))
        #expect(try staged() == 0)
        let jobs = try q.start(try q.fetch(consumer: "w1", kinds: [.probe], count: 10, blockMillis: nil), worker: "w1")
        #expect(jobs.map(\.blob) == [[5, 6], [5, 6], [1, 2, 3]])
    }
}
