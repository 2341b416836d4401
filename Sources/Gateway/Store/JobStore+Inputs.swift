import Foundation

/// What the gateway needs to run an accepted job again after Redis lost it: its parameters
/// (here, table `job_inputs`) and its upload (a file in `OriginalStore`, named by `jobs.image_sha256`).
extension JobStore {
    /// Migration 3: `job_inputs` (one row per job, deleted with it) and the indexes the janitor pages by.
    static let inputsMigration = Migration(version: 3, name: "job inputs and janitor indexes", sql: """
        CREATE TABLE job_inputs (
            job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            params_json TEXT NOT NULL
        );
        -- The janitor's keyset pages over unfinished jobs: (created_at, id) > cursor, in that order.
        CREATE INDEX jobs_unfinished ON jobs (created_at, id) WHERE state IN ('queued', 'running');
        -- Retention asks whether any job still references an original before removing it.
        CREATE INDEX jobs_image_sha256 ON jobs (image_sha256) WHERE image_sha256 IS NOT NULL;
        """)

    /// Durable acceptance: like `acceptOrFindExisting`, and records the job's parameters in the same
    /// transaction, so a job SQLite knows can always be enqueued again. An existing job created
    /// before `idempotencyNotBefore` no longer holds its idempotency key. With a `cacheKey` the job
    /// is recorded in `job_cache` too, as a cache hit when `cacheHit` (then `row` is already succeeded).
    func acceptWithInputs(_ row: JobRow, params: String, idempotencyNotBefore: Double = 0,
                          cacheKey: String? = nil, cacheHit: Bool = false) throws -> (row: JobRow, inserted: Bool) {
        try withConnection { db in
            try db.transaction {
                if let key = row.idempotencyKey,
                   let existing = try db.query(Self.selectByIdempotencyKeySQL,
                                               [SQLiteValue(row.owner), .text(key)], row: { JobRow(statement: $0) }).first {
                    // A key past its lifetime (ROOST_IDEMPOTENCY_TTL) is given up by its old job.
                    guard existing.createdAt < idempotencyNotBefore else { return (existing, false) }
                    _ = try db.run("UPDATE jobs SET idempotency_key = NULL WHERE id = ?", [.text(existing.id)])
                }
                _ = try db.run(Self.insertSQL, row.values)
                _ = try db.run("INSERT INTO job_inputs (job_id, params_json) VALUES (?, ?)", [.text(row.id), .text(params)])
                if let cacheKey {
                    _ = try db.run("INSERT INTO job_cache (job_id, cache_key, hit) VALUES (?, ?, ?)",
                                   [.text(row.id), .text(cacheKey), .integer(cacheHit ? 1 : 0)])
                }
                return (row, true)
            }
        }
    }

    /// Forgets a job that was never queued (its lane was full): the row and its inputs.
    func forgetAccepted(id: String) throws {
        try withConnection { db in _ = try db.run("DELETE FROM jobs WHERE id = ? AND state = 'queued' AND attempts = 0", [.text(id)]) }
    }

    /// The parameters recorded at acceptance, or nil (a job accepted before migration 3, or by another gateway).
    func params(jobID: String) throws -> String? {
        try withConnection { db in try db.scalarText("SELECT params_json FROM job_inputs WHERE job_id = ?", [.text(jobID)]) }
    }

    /// Marks an unfinished job as queued afresh (after the janitor enqueued it again): no attempts,
    /// not started, updated `now`. A job that finished meanwhile is left alone; returns whether it changed.
    func markRequeued(id: String, now: Double) throws -> Bool {
        try withConnection { db in
            try db.run("""
                UPDATE jobs SET state = 'queued', attempts = 0, started_at = NULL, worker = NULL, updated_at = ?
                WHERE id = ? AND state IN ('queued', 'running')
                """, [.real(now), .text(id)]) > 0
        }
    }

    /// Retention that also reports which originals lost their last reference: deletes terminal jobs
    /// that finished before `cutoff` (in batches of 1,000, releasing the lock between batches) and
    /// returns how many, with the SHA-256s of deleted jobs that no remaining job references.
    func deleteFinishedReleasingOriginals(olderThan cutoff: Double) throws -> (deleted: Int, unreferenced: [String]) {
        var total = 0
        var released = Set<String>()
        while true {
            let shas = try withConnection { db in
                try db.transaction {
                    try db.query("""
                        DELETE FROM jobs WHERE id IN (
                            SELECT id FROM jobs WHERE state IN (\(Self.terminalList))
                              AND COALESCE(finished_at, updated_at) < ? LIMIT 1000)
                        RETURNING COALESCE(image_sha256, '')
                        """, [.real(cutoff)]) { $0.text(at: 0) ?? "" }
                }
            }
            total += shas.count
            released.formUnion(shas.filter { !$0.isEmpty })
            if shas.count < 1000 { break }
        }
        let unreferenced = try released.sorted().filter { try !isReferenced(sha256: $0) }
        return (total, unreferenced)
    }

    /// True while some job row still names this upload.
    func isReferenced(sha256: String) throws -> Bool {
        try withConnection { db in
            try db.scalarInt("SELECT 1 FROM jobs WHERE image_sha256 = ? LIMIT 1", [.text(sha256)]) != nil
        }
    }
}
