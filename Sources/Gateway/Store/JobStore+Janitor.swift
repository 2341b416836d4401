/// The store side of the gateway's background work: keyset pages for the janitor, batches for the ingester.
extension JobStore {
    /// Where the janitor's walk over unfinished jobs has got to: the last (created_at, id) it saw.
    struct UnfinishedCursor: Sendable, Equatable {
        /// `created_at` of the last row returned.
        var createdAt: Double
        /// `id` of the last row returned (breaks ties between equal times).
        var id: String
    }

    /// Up to `limit` queued or running jobs after `cursor` (from the start when nil), ordered by
    /// (created_at, id), and not updated since `updatedBefore`. Served by the `jobs_unfinished`
    /// partial index, so each page costs the same however far the walk has gone.
    func unfinishedJobs(after cursor: UnfinishedCursor?, updatedBefore: Double, limit: Int) throws -> [JobRow] {
        try withConnection { db in
            try db.query("""
                SELECT \(Self.columns) FROM jobs
                WHERE state IN ('queued', 'running') AND (created_at, id) > (?, ?) AND updated_at < ?
                ORDER BY created_at, id LIMIT ?
                """, [.real(cursor?.createdAt ?? -Double.greatestFiniteMagnitude), .text(cursor?.id ?? ""),
                      .real(updatedBefore), .integer(Int64(limit))]) { JobRow(statement: $0) }
        }
    }

    /// The same rules as `applyUpdate` for a batch, in one transaction: all rows are recorded or
    /// (on an error) none; a job this gateway holds no row for is left out (see `recordUpdates`).
    /// Returns, per row, whether it changed.
    func applyUpdates(_ rows: [JobRow]) throws -> [Bool] {
        try recordUpdates(rows).map { $0 != nil }
    }

    /// `applyUpdates` returning, per row, the whole row as recorded when it changed (identity
    /// fields included, from `RETURNING`: no read after the write), nil when it did not.
    ///
    /// Only jobs this gateway holds a row for are recorded: every gateway on a Redis reads every
    /// event, and a job another gateway accepted belongs in that gateway's store. A job's row is
    /// always there before any event about it: `JobService.submit` commits it before the enqueue,
    /// the janitor re-enqueues only rows it has; so no event of a job accepted here is dropped.
    func recordUpdates(_ rows: [JobRow]) throws -> [JobRow?] {
        guard !rows.isEmpty else { return [] }
        return try withConnection { db in
            try db.transaction {
                try rows.map { try db.query(Self.updateKnownReturningSQL, $0.values) { JobRow(statement: $0) }.first }
            }
        }
    }

    /// `applyUpdateSQL` for a job already in the store only, returning the row it wrote (none when
    /// the job is unknown here or the update's rules skip it). The insert selects its values only
    /// when the id exists, so it always meets the conflict and the rules of `updateRulesSQL` decide.
    static let updateKnownReturningSQL = """
        INSERT INTO jobs (\(columns))
        SELECT \((1...columnCount).map { "?\($0)" }.joined(separator: ", "))
        WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?1)
        \(updateRulesSQL)
        RETURNING \(columns)
        """
}
