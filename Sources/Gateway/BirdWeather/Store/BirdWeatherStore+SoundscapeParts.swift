import Foundation
import Shared

/// A part of a soundscape analysed by one `audio` job, and what became of it.
struct BWSoundscapePart: Sendable, Equatable {
    var soundscapeID: Int
    var part: Int
    var jobID: String
    var start: Double, end: Double
    /// `processing`, `done` or `failed`.
    var status: String
    var message: String?
}

/// How far a soundscape's analysis has got.
struct BWAnalysisProgress: Sendable, Equatable {
    var parts = 0, done = 0, failed = 0, detections = 0

    /// `off` (never analysed), `processing`, `done` (every part analysed) or `partial` (some failed).
    var status: String {
        if parts == 0 { return "off" }
        if done + failed < parts { return "processing" }
        return failed == 0 ? "done" : "partial"
    }

    /// The soundscape document's `analysis` member (Roost's own).
    var json: JSON {
        ["status": .string(status), "model": "birdnet-2.4", "parts": .int(parts), "partsDone": .int(done),
         "partsFailed": .int(failed), "detections": .int(detections)]
    }
}

/// Soundscape analysis parts: one row per `audio` job, ended once, with its detections, in one transaction.
extension BirdWeatherStore {
    /// Migration 8: the parts table.
    static let partsMigration = Migration(version: 8, name: "soundscape analysis parts", sql: """
        CREATE TABLE bw_soundscape_parts (
            soundscape_id INTEGER NOT NULL REFERENCES bw_soundscapes (id) ON DELETE CASCADE,
            part INTEGER NOT NULL,
            job_id TEXT NOT NULL,
            start_second REAL NOT NULL,
            end_second REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'processing' CHECK (status IN ('processing','done','failed')),
            message TEXT,
            finished_at REAL,
            PRIMARY KEY (soundscape_id, part)
        );
        CREATE INDEX bw_soundscape_parts_job ON bw_soundscape_parts (job_id);
        """)

    /// Records the parts of a soundscape's analysis (their jobs already queued).
    func insertParts(_ parts: [BWSoundscapePart]) throws {
        try withConnection { db in
            try db.transaction {
                for p in parts {
                    _ = try db.run("""
                        INSERT OR IGNORE INTO bw_soundscape_parts (soundscape_id, part, job_id, start_second, end_second)
                        VALUES (?, ?, ?, ?, ?)
                        """, [.integer(Int64(p.soundscapeID)), .integer(Int64(p.part)), .text(p.jobID), .real(p.start), .real(p.end)])
                }
            }
        }
    }

    /// Parts still `processing` whose job is one of `jobIDs`.
    func processingParts(jobIDs: [String]) throws -> [BWSoundscapePart] {
        guard !jobIDs.isEmpty else { return [] }
        return try withConnection { db in
            var found: [BWSoundscapePart] = []
            for chunk in stride(from: 0, to: jobIDs.count, by: 500).map({ Array(jobIDs[$0..<min($0 + 500, jobIDs.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                found += try db.query("""
                    SELECT soundscape_id, part, job_id, start_second, end_second, status, message FROM bw_soundscape_parts
                    WHERE status = 'processing' AND job_id IN (\(marks))
                    """, chunk.map { .text($0) }) { s in
                    BWSoundscapePart(soundscapeID: Int(s.int64(at: 0)), part: Int(s.int64(at: 1)), jobID: s.text(at: 2) ?? "", start: s.double(at: 3),
                                     end: s.double(at: 4), status: s.text(at: 5) ?? "", message: s.text(at: 6))
                }
            }
            return found
        }
    }

    /// Ends a processing part with `status`, storing its detections, once: false when it had already ended.
    func finishPart(_ part: BWSoundscapePart, status: String, message: String?, detections: [(BWDetection, listed: Bool)],
                    now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                guard try db.scalarText("SELECT status FROM bw_soundscape_parts WHERE soundscape_id = ? AND part = ?",
                                        [.integer(Int64(part.soundscapeID)), .integer(Int64(part.part))]) == "processing" else { return false }
                for (d, listed) in detections {
                    _ = try Self.insertDetection(d, soundscapeID: part.soundscapeID, listed: listed, now: now, db: db)
                }
                _ = try db.run("""
                    UPDATE bw_soundscape_parts SET status = ?, message = ?, finished_at = ? WHERE soundscape_id = ? AND part = ?
                    """, [.text(status), SQLiteValue(message), .real(now), .integer(Int64(part.soundscapeID)), .integer(Int64(part.part))])
                return true
            }
        }
    }

    /// Soundscape `id` of any station, or nil.
    func soundscape(id: Int) throws -> BWSoundscape? {
        try withConnection { db in
            try db.query("SELECT \(Self.soundscapeColumns) FROM bw_soundscapes WHERE id = ?", [.integer(Int64(id))]) { BWSoundscape(statement: $0) }.first
        }
    }

    /// The analysis progress of soundscape `id`.
    func analysisProgress(soundscapeID id: Int) throws -> BWAnalysisProgress {
        try withConnection { db in
            var progress = BWAnalysisProgress()
            _ = try db.query("SELECT status, COUNT(*) FROM bw_soundscape_parts WHERE soundscape_id = ? GROUP BY status",
                             [.integer(Int64(id))]) { s in
                let count = Int(s.int64(at: 1))
                progress.parts += count
                switch s.text(at: 0) {
                case "done": progress.done += count
                case "failed": progress.failed += count
                default: break
                }
            }
            progress.detections = try db.scalarInt("SELECT COUNT(*) FROM bw_detections WHERE soundscape_id = ?", [.integer(Int64(id))]) ?? 0
            return progress
        }
    }
}
