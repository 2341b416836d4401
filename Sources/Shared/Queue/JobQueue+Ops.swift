/// Repairs for the operations dashboard: running a failed or dead job again, and dropping a
/// dead-letter entry.
extension JobQueue {
    /// Runs `request` (a failed or dead job's, with its original bytes and its id) again: its old
    /// record and dead-letter entries go, then it is enqueued afresh with a new attempt budget.
    public func retry(_ request: EnqueueRequest) throws(RedisError) -> EnqueueOutcome {
        _ = try removeDeadLetters(lane: request.lane, id: request.id)
        _ = try connection.call(["DEL", .text(layout.job(request.lane, request.id))])
        return try enqueue(request)
    }

    /// Removes job `id`'s entries from its partition's dead-letter stream; returns how many. The stream
    /// is capped, so reading it whole is bounded.
    public func removeDeadLetters(lane: Lane, id: String) throws(RedisError) -> Int {
        let dead = layout.dead(layout.partition(lane, id: id))
        let entries = try connection.call(["XRANGE", .text(dead), "-", "+"]).array ?? []
        var matching: [RedisArgument] = []
        for entry in entries {
            guard let parts = entry.array, parts.count == 2, let entryID = parts[0].text else { continue }
            if parts[1].fieldMap["id"]?.text == id { matching.append(.text(entryID)) }
        }
        guard !matching.isEmpty else { return 0 }
        return try connection.call(["XDEL", .text(dead)] + matching).int ?? 0
    }
}
