import Foundation
import Shared

/// A station's soundscapes (rows; the files are the service's business).
extension BirdWeatherStore {
    /// Stores a soundscape row and returns its id.
    func insertSoundscape(_ s: BWSoundscape, now: Double = Clock.now()) throws -> Int {
        try withConnection { db in
            _ = try db.run("""
                INSERT INTO bw_soundscapes (station_id, timestamp, utc_offset, sha256, url_key, format, filesize, duration, channels, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(Int64(s.stationID)), .real(s.time.epoch), .integer(Int64(s.time.offset)), .text(s.sha256), .text(s.urlKey),
                      .text(s.format.rawValue), .integer(Int64(s.filesize)), .real(s.duration), .integer(Int64(s.channels)), .real(now)])
            return Int(db.lastInsertRowID)
        }
    }

    /// Soundscape `id` of station `stationID`, or nil.
    func soundscape(id: Int, stationID: Int) throws -> BWSoundscape? {
        try withConnection { db in
            try db.query("SELECT \(Self.soundscapeColumns) FROM bw_soundscapes WHERE id = ? AND station_id = ?",
                         [.integer(Int64(id)), .integer(Int64(stationID))]) { BWSoundscape(statement: $0) }.first
        }
    }

    /// The soundscape served at `urlKey`, or nil.
    func soundscape(urlKey: String) throws -> BWSoundscape? {
        try withConnection { db in
            try db.query("SELECT \(Self.soundscapeColumns) FROM bw_soundscapes WHERE url_key = ?", [.text(urlKey)]) {
                BWSoundscape(statement: $0)
            }.first
        }
    }

    /// One page of the station's soundscapes by timestamp then id after the cursor; `speciesID`
    /// keeps those with a listed detection of that species.
    func soundscapes(stationID: Int, query q: BWListQuery) throws -> [BWSoundscape] {
        try withConnection { db in
            var conditions = ["s.station_id = ?"]
            var values: [SQLiteValue] = [.integer(Int64(stationID))]
            Self.addFilters(q, table: "s", to: &conditions, &values)
            if let speciesID = q.speciesID {
                conditions.append("EXISTS (SELECT 1 FROM bw_detections d WHERE d.soundscape_id = s.id AND d.species_id = ? AND d.listed = 1)")
                values.append(.integer(Int64(speciesID)))
            }
            try Self.addCursor(q, table: "bw_soundscapes", alias: "s", what: "soundscape", stationID: stationID, db: db,
                               to: &conditions, &values)
            let direction = q.ascending ? "ASC" : "DESC"
            values.append(.integer(Int64(q.limit)))
            let columns = Self.soundscapeColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }
            return try db.query("""
                SELECT \(columns.joined(separator: ", ")) FROM bw_soundscapes s WHERE \(conditions.joined(separator: " AND "))
                ORDER BY s.timestamp \(direction), s.id \(direction) LIMIT ?
                """, values) { BWSoundscape(statement: $0) }
        }
    }

    /// Deletes the station's soundscapes in [from, to] (all when both nil), or just `id`; their
    /// detections stay, without a soundscape. Returns the deleted rows.
    func deleteSoundscapes(stationID: Int, id: Int? = nil, from: Double? = nil, to: Double? = nil) throws -> [BWSoundscape] {
        try withConnection { db in
            try db.transaction {
                var conditions = ["station_id = ?"]
                var values: [SQLiteValue] = [.integer(Int64(stationID))]
                if let id { conditions.append("id = ?"); values.append(.integer(Int64(id))) }
                if let from { conditions.append("timestamp >= ?"); values.append(.real(from)) }
                if let to { conditions.append("timestamp <= ?"); values.append(.real(to)) }
                let rows = try db.query("SELECT \(Self.soundscapeColumns) FROM bw_soundscapes WHERE \(conditions.joined(separator: " AND "))",
                                        values) { BWSoundscape(statement: $0) }
                for row in rows { _ = try db.run("DELETE FROM bw_soundscapes WHERE id = ?", [.integer(Int64(row.id))]) }
                return rows
            }
        }
    }

    /// Whether any soundscape row still uses the file with this SHA-256.
    func soundscapeFileInUse(sha256: String) throws -> Bool {
        try withConnection { db in try db.scalarInt("SELECT 1 FROM bw_soundscapes WHERE sha256 = ? LIMIT 1", [.text(sha256)]) != nil }
    }
}
