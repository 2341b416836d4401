import Foundation
import Shared

/// Photos stations send for classification.
extension BirdWeatherStore {
    /// Records a photo whose job is `photo.jobID`; returns its id.
    func insertPhoto(_ photo: BWPhoto, now: Double = Clock.now()) throws -> Int {
        try withConnection { db in
            _ = try db.run("""
                INSERT INTO bw_photos (station_id, job_id, timestamp, utc_offset, lat, lon, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'processing', ?)
                """, [.integer(Int64(photo.stationID)), .text(photo.jobID), .real(photo.time.epoch), .integer(Int64(photo.time.offset)),
                      SQLiteValue(photo.lat), SQLiteValue(photo.lon), .real(now)])
            return Int(db.lastInsertRowID)
        }
    }

    /// Photo `id` of station `stationID`, or nil.
    func photo(id: Int, stationID: Int) throws -> BWPhoto? {
        try withConnection { db in
            try db.query("SELECT \(Self.photoColumns) FROM bw_photos WHERE id = ? AND station_id = ?",
                         [.integer(Int64(id)), .integer(Int64(stationID))]) { BWPhoto(statement: $0) }.first
        }
    }

    /// Photos still `processing` whose job is one of `jobIDs`.
    func processingPhotos(jobIDs: [String]) throws -> [BWPhoto] {
        guard !jobIDs.isEmpty else { return [] }
        return try withConnection { db in
            var found: [BWPhoto] = []
            for chunk in stride(from: 0, to: jobIDs.count, by: 500).map({ Array(jobIDs[$0..<min($0 + 500, jobIDs.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                found += try db.query("SELECT \(Self.photoColumns) FROM bw_photos WHERE status = 'processing' AND job_id IN (\(marks))",
                                      chunk.map { .text($0) }) { BWPhoto(statement: $0) }
            }
            return found
        }
    }

    /// Ends a processing photo: stores `detection` (when there is one) and the outcome, once.
    /// Returns false when the photo had already ended (another thread got there first).
    func finishPhoto(id: Int, status: String, label: String?, probability: Double?, message: String?,
                     detection: (BWDetection, listed: Bool)?, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                guard try db.scalarText("SELECT status FROM bw_photos WHERE id = ?", [.integer(Int64(id))]) == "processing" else { return false }
                var detectionID: Int?
                if let (d, listed) = detection {
                    detectionID = try Self.insertDetection(d, soundscapeID: nil, listed: listed, now: now, db: db)
                }
                _ = try db.run("""
                    UPDATE bw_photos SET status = ?, detection_id = ?, label = ?, probability = ?, message = ? WHERE id = ?
                    """, [.text(status), SQLiteValue(detectionID), SQLiteValue(label), SQLiteValue(probability), SQLiteValue(message),
                          .integer(Int64(id))])
                return true
            }
        }
    }
}
