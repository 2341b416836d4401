/// Bulk reads of job records, pipelined: one round trip for many jobs.
extension JobQueue {
    /// The Redis records of `ids` (nil where unknown or expired), in order, read with one pipelined
    /// `HGETALL` of the hash and `HGET` of the lane's running hash per job: hiredis writes every
    /// command at once and then reads the replies, so a page of 500 jobs costs one round trip
    /// instead of 1,000.
    public func records(_ jobs: [(lane: Lane, id: String)]) throws(RedisError) -> [JobRecord?] {
        let replies = try connection.pipeline(jobs.flatMap { job -> [[RedisArgument]] in
            [[.text("HGETALL"), .text(layout.job(job.lane, job.id))], [.text("HGET"), .text(layout.running(job.lane)), .text(job.id)]]
        })
        var records: [JobRecord?] = []
        records.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            let hash = replies[2 * index], run = replies[2 * index + 1]
            if case let .error(message) = hash { throw .reply(message) }
            if case let .error(message) = run { throw .reply(message) }
            var fields = hash.fieldMap
            if !fields.isEmpty, run.text != nil { fields["run"] = run }
            records.append(JobRecord(fields: fields, lane: job.lane))
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
