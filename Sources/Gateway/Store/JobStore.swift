import Foundation

/// The gateway's durable record of every accepted job, so a job's status outlives the expiry of
/// its Redis hash. The gateway is the only writer; the result ingester feeds it state changes.
///
/// Concurrency: one `SQLiteConnection` guarded by an `NSLock`; each call runs its SQLite work
/// (tens of microseconds per write in WAL with synchronous=NORMAL) on the calling thread under
/// the lock. A serial DispatchQueue would give the same ordering but add a thread hop to every
/// call, and every caller waits for its answer anyway. Calls block on the lock and on disk, so
/// make them from plain threads (the gateway's connection threads, the result ingester), not
/// from Swift's cooperative pool. With one connection and one lock, SQLITE_BUSY can
/// only come from another process holding the file; the busy timeout absorbs that.
///
///     let store = try JobStore(path: "/var/lib/roost/gateway.sqlite")
///     try store.insertAccepted(JobRow(id: id, kind: "classify", lane: "interactive", createdAt: now))
final class JobStore: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state is `connection`, and every use of it happens
    // inside `lock.withLock` (see `withConnection`), so no two threads touch it at once.
    private let lock = NSLock()
    private let connection: SQLiteConnection

    /// Opens (or creates) the database at `path` and applies pending migrations.
    /// - Parameter path: the SQLite file; its `-wal` and `-shm` companions live beside it.
    /// Throws `SQLiteError` for an unreadable file, a file that is not a database, or a schema
    /// from a newer Roost (`schema_too_new`).
    init(path: String) throws {
        connection = try SQLiteConnection(path: path)
        try Migrator.migrate(connection, to: Self.migrations)
    }

    /// Closes the database; later calls throw `sqlite_closed`.
    func close() { withConnection { $0.close() } }

    /// Runs `body` with the connection, under the store's lock (for the store's extensions).
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        try lock.withLock { try body(connection) }
    }

    /// Records a newly accepted job. Throws a `sqlite_constraint` error if the id, or the
    /// (owner, idempotency key) pair, is already taken.
    func insertAccepted(_ row: JobRow) throws {
        try withConnection { db in
            _ = try db.run(Self.insertSQL, row.values)
        }
    }

    /// Records a job the gateway just queued in Redis. A worker may already have reported on it
    /// (the ingester then inserted it from the event), so this fills in the identity fields of
    /// an existing row and keeps its state.
    func recordAccepted(_ row: JobRow) throws {
        try withConnection { db in
            _ = try db.run("""
                \(Self.insertSQL)
                ON CONFLICT (id) DO UPDATE SET
                    kind = excluded.kind, lane = excluded.lane, owner = excluded.owner,
                    idempotency_key = excluded.idempotency_key, image_sha256 = excluded.image_sha256,
                    image_bytes = excluded.image_bytes, created_at = excluded.created_at
                """, row.values)
        }
    }

    /// Idempotent acceptance: when `row` carries an idempotency key already used by the same owner,
    /// returns that earlier job and inserts nothing; otherwise inserts `row` and returns it.
    /// Look-up and insert happen under one lock hold, so two requests with the same key on this
    /// gateway cannot both insert.
    func acceptOrFindExisting(_ row: JobRow) throws -> (row: JobRow, inserted: Bool) {
        try withConnection { db in
            if let key = row.idempotencyKey,
               let existing = try db.query(Self.selectByIdempotencyKeySQL,
                                           [SQLiteValue(row.owner), .text(key)], row: { JobRow(statement: $0) }).first {
                return (existing, false)
            }
            _ = try db.run(Self.insertSQL, row.values)
            return (row, true)
        }
    }

    /// The job with `id`, or nil.
    func job(id: String) throws -> JobRow? {
        try withConnection { db in
            try db.query("SELECT \(Self.columns) FROM jobs WHERE id = ?", [.text(id)]) { JobRow(statement: $0) }.first
        }
    }

    /// The owners of the jobs `ids`, in order (nil for a job unknown here or recorded without
    /// one): a primary-key look-up each, with one statement under one lock.
    func owners(ofJobs ids: [String]) throws -> [String?] {
        try withConnection { db in
            try ids.map { id in try db.query("SELECT owner FROM jobs WHERE id = ?", [.text(id)]) { $0.text(at: 0) }.first ?? nil }
        }
    }

    /// The job `owner` submitted under `idempotencyKey`, or nil; `owner` nil means anonymous.
    /// A job created before `notBefore` (Unix seconds: now minus the key's lifetime) no longer
    /// holds its key, so the same key then makes a new job, as it does in Redis.
    func job(owner: String?, idempotencyKey: String, notBefore: Double = 0) throws -> JobRow? {
        try withConnection { db in
            try db.query(Self.selectByIdempotencyKeySQL + " AND created_at >= ?",
                         [SQLiteValue(owner), .text(idempotencyKey), .real(notBefore)]) { JobRow(statement: $0) }.first
        }
    }

    /// Records a state change reported through Redis; returns true when the row changed.
    ///
    /// A job in a terminal state (succeeded, failed, dead, cancelled) is never moved again, so
    /// applying the same final result twice — the ingester is at-least-once — changes nothing the
    /// second time and returns false, and a late `running` after `succeeded` is ignored. An
    /// update carrying fewer attempts than recorded is stale and ignored too. An update equal to
    /// the row returns false. A job missing from the store (accepted by another gateway) is inserted.
    /// Identity fields (kind, lane, owner, idempotency key, image, created_at) are kept from acceptance.
    func applyUpdate(_ row: JobRow) throws -> Bool {
        try withConnection { db in
            try db.run(Self.applyUpdateSQL, row.values) > 0
        }
    }

    /// The upsert behind `applyUpdate`: see `applyUpdate` for its rules.
    static let applyUpdateSQL = insertSQL + "\n" + updateRulesSQL

    /// The `ON CONFLICT` clause of every state change: the rules of `applyUpdate`, written once.
    static let updateRulesSQL = """
                ON CONFLICT (id) DO UPDATE SET
                    state = excluded.state,
                    attempts = excluded.attempts,
                    started_at = COALESCE(excluded.started_at, jobs.started_at),
                    finished_at = COALESCE(excluded.finished_at, jobs.finished_at),
                    worker = COALESCE(excluded.worker, jobs.worker),
                    result_json = excluded.result_json,
                    error_code = excluded.error_code,
                    error_message = excluded.error_message,
                    updated_at = excluded.updated_at
                WHERE jobs.state NOT IN (\(JobStore.terminalList))
                  AND excluded.attempts >= jobs.attempts
                  AND (jobs.state IS NOT excluded.state
                       OR jobs.attempts IS NOT excluded.attempts
                       OR jobs.started_at IS NOT COALESCE(excluded.started_at, jobs.started_at)
                       OR jobs.finished_at IS NOT COALESCE(excluded.finished_at, jobs.finished_at)
                       OR jobs.worker IS NOT COALESCE(excluded.worker, jobs.worker)
                       OR jobs.result_json IS NOT excluded.result_json
                       OR jobs.error_code IS NOT excluded.error_code
                       OR jobs.error_message IS NOT excluded.error_message)
                """

    /// Moves a job that has not finished to `cancelled`; false if it is unknown or already terminal.
    func markCancelled(id: String, at time: Double = Date().timeIntervalSince1970) throws -> Bool {
        try withConnection { db in
            try db.run("UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND state NOT IN (\(Self.terminalList))",
                       [.real(time), .real(time), .text(id)]) > 0
        }
    }

    /// Number of jobs in each state; states with no jobs are absent.
    func counts() throws -> [String: Int] {
        try withConnection { db in
            let pairs = try db.query("SELECT state, COUNT(*) FROM jobs GROUP BY state") { ($0.text(at: 0) ?? "", Int($0.int64(at: 1))) }
            return Dictionary(pairs, uniquingKeysWith: +)
        }
    }

    /// The oldest `limit` jobs in `state`, oldest first (served by the (state, created_at) index).
    func jobs(inState state: String, limit: Int) throws -> [JobRow] {
        try withConnection { db in
            try db.query("SELECT \(Self.columns) FROM jobs WHERE state = ? ORDER BY created_at LIMIT ?",
                         [.text(state), .integer(Int64(limit))]) { JobRow(statement: $0) }
        }
    }

    /// Retention: deletes terminal jobs that finished before `cutoff` (Unix seconds); returns how many.
    /// Deletes in batches of 1,000, releasing the lock between batches so request threads are not
    /// held up behind one long delete.
    func deleteFinished(olderThan cutoff: Double) throws -> Int {
        var total = 0
        while true {
            let deleted = try withConnection { db in
                try db.run("""
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs WHERE state IN (\(Self.terminalList))
                          AND COALESCE(finished_at, updated_at) < ? LIMIT 1000)
                    """, [.real(cutoff)])
            }
            total += deleted
            if deleted < 1000 { return total }
        }
    }
}
