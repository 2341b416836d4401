import Foundation

/// The result cache's rows (table `job_cache`): each job's cache key, and whether the job was
/// itself answered from the cache. See `ResultCache` for what the key covers.
extension JobStore {
    /// Migration 4: `job_cache`, one row per job accepted with a cache key, deleted with the job.
    static let cacheMigration = Migration(version: 4, name: "result cache keys", sql: """
        CREATE TABLE job_cache (
            job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            cache_key TEXT NOT NULL,
            hit INTEGER NOT NULL DEFAULT 0 CHECK (hit IN (0, 1))
        );
        CREATE INDEX job_cache_key ON job_cache (cache_key);
        """)

    /// The result of the most recently finished succeeded job with `key`, or nil.
    func cachedResult(key: String) throws -> String? {
        try withConnection { db in
            try db.scalarText("""
                SELECT j.result_json FROM job_cache c JOIN jobs j ON j.id = c.job_id
                WHERE c.cache_key = ? AND j.state = 'succeeded' AND j.result_json IS NOT NULL
                ORDER BY j.finished_at DESC LIMIT 1
                """, [.text(key)])
        }
    }

    /// True when job `id` was answered from the cache (no worker ran it).
    func wasCacheHit(id: String) throws -> Bool {
        try withConnection { db in try db.scalarInt("SELECT hit FROM job_cache WHERE job_id = ?", [.text(id)]) == 1 }
    }
}

extension JobStore {
    /// Drops job `id`'s result document once its owner has kept what it needed (the web sizes'
    /// JPEGs): the row stays, without the bytes, and so never answers the result cache.
    func clearResult(id: String) throws {
        try withConnection { db in _ = try db.run("UPDATE jobs SET result_json = NULL WHERE id = ?", [.text(id)]) }
    }
}
