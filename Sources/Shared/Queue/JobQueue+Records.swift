/// Bulk reads of job records, pipelined: one round trip for many jobs.
extension JobQueue {
    /// The Redis records of `ids` (nil where unknown or expired), in order: one `peek` call per job
    /// (the hash, and the running attempt from the stream's pending list), pipelined, so a page of
    /// 500 jobs costs one round trip instead of 500.
    public func records(_ jobs: [(lane: Lane, id: String)]) throws(RedisError) -> [JobRecord?] {
        let replies = try connection.evalPipeline(jobs.map { job in
            (QueueScripts.peek, [layout.job(job.lane, job.id)], [RedisArgument.text(layout.streamPrefix(layout.partition(job.lane, id: job.id)))])
        })
        var records: [JobRecord?] = []
        records.reserveCapacity(jobs.count)
        for (job, reply) in zip(jobs, replies) {
            if case let .error(message) = reply { throw .reply(message) }
            records.append(JobRecord(fields: reply.fieldMap, lane: job.lane))
        }
        return records
    }
}

extension RedisError {
    /// True when Redis answered that a stream's consumer group does not exist: Redis lost its data
    /// (a flush, or a restart without persistence), so the groups must be created again.
    public var isMissingGroup: Bool { code == "reply" && message.hasPrefix("NOGROUP") }
}

extension RedisError {
    /// True while a restarted Redis is still reading its data from disk (`LOADING`): try again shortly.
    public var isLoading: Bool { code == "reply" && message.hasPrefix("LOADING") }
}
