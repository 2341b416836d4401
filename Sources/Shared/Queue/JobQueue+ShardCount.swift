/// The guard against two shard counts on one queue: a job's shard depends on `ROOST_QUEUE_SHARDS`,
/// so a process running with another count than the queue's would not find its jobs.
extension JobQueue {
    /// Records this layout's shard count in Redis (`QueueLayout.shardCount`) when none is recorded,
    /// or when the recorded layout holds no work (every partition's depth 0, no retry waiting): the
    /// count may change on an empty queue. Otherwise throws `RedisError.shardCountMismatch`, saying
    /// which count to run with. Called by `ensureGroups`, so by every gateway and worker as it connects.
    public func claimShardCount() throws(RedisError) {
        let key = layout.shardCount
        let mine = String(layout.shards)
        let reply = try connection.call(["SET", .text(key), .text(mine), "NX", "GET"])
        if case let .error(message) = reply { throw .reply(message) }
        guard let recorded = reply.text, recorded != mine else { return }
        guard let count = Int(recorded), (1...JobID.maxShards).contains(count) else {
            throw .unexpected("\(key) holds \(recorded), not a shard count")
        }
        let old = QueueLayout(prefix: layout.prefix, shards: count)
        let figures = try connection.pipeline(old.partitions.flatMap { p -> [[RedisArgument]] in
            [["GET", .text(old.depth(p))], ["ZCARD", .text(old.delayed(p))]]
        })
        let waiting = figures.reduce(0) { $0 + max(0, $1.int ?? Int($1.text ?? "") ?? 0) }
        guard waiting == 0 else {
            throw .shardCountMismatch("ROOST_QUEUE_SHARDS is \(layout.shards), but the queue in Redis is laid out for \(count) shards and "
                                      + "holds \(waiting) jobs: run every gateway and worker with ROOST_QUEUE_SHARDS=\(count) until "
                                      + "the queue is empty, then change it")
        }
        _ = try connection.call(["SET", .text(key), .text(mine)])
    }
}
