import Foundation
import Shared

/// What the operations dashboard reads and repairs in the durable records.
extension JobStore {
    /// Migration 6: failed and dead jobs an operator discarded from the dashboard's list.
    static let opsMigration = Migration(version: 6, name: "dashboard discards", sql: """
        CREATE TABLE ops_discarded (
            job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            discarded_at REAL NOT NULL
        );
        """)

    /// The most recently finished `failed` and `dead` jobs not discarded, newest first.
    func recentFailures(limit: Int) throws -> [JobRow] {
        try withConnection { db in
            try db.query("""
                SELECT \(Self.columns) FROM jobs WHERE state IN ('failed','dead')
                  AND NOT EXISTS (SELECT 1 FROM ops_discarded d WHERE d.job_id = jobs.id)
                ORDER BY finished_at DESC, id LIMIT ?
                """, [.integer(Int64(limit))]) { JobRow(statement: $0) }
        }
    }

    /// Hides a failed or dead job from the dashboard's list (it stays as it is); false when it is not one.
    func discard(id: String, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            guard try db.scalarText("SELECT state FROM jobs WHERE id = ?", [.text(id)]).map({ ["failed", "dead"].contains($0) }) == true else {
                return false
            }
            _ = try db.run("INSERT OR REPLACE INTO ops_discarded (job_id, discarded_at) VALUES (?, ?)", [.text(id), .real(now)])
            return true
        }
    }

    /// Reopens a `failed` or `dead` job for another run: back to `queued` with no attempts, no
    /// result and no error, so the events of its new run are recorded. False when the job is
    /// unknown or not failed/dead.
    func reopenForRetry(id: String, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.run("""
                UPDATE jobs SET state = 'queued', attempts = 0, started_at = NULL, finished_at = NULL, worker = NULL,
                    result_json = NULL, error_code = NULL, error_message = NULL, updated_at = ?
                WHERE id = ? AND state IN ('failed','dead')
                """, [.real(now), .text(id)]) > 0 && (try db.run("DELETE FROM ops_discarded WHERE job_id = ?", [.text(id)])) >= 0
        }
    }
}
