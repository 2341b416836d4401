import Foundation
import Shared

/// A listing's filters: time range, species, order and a cursor (the id of the last row seen).
struct BWListQuery: Sendable {
    var from: Double?
    var to: Double?
    var speciesID: Int?
    var ascending = false
    var cursor: Int?
    var limit = 100
}

/// A station's detections.
extension BirdWeatherStore {
    /// Stores a detection and returns its id. A soundscape id that is not this station's is refused (nil).
    func insertDetection(_ d: BWDetection, soundscapeID: Int?, listed: Bool, now: Double = Clock.now()) throws -> Int? {
        try withConnection { db in
            try db.transaction { () throws -> Int? in
                if let soundscapeID, try db.scalarInt("SELECT 1 FROM bw_soundscapes WHERE id = ? AND station_id = ?",
                                                      [.integer(Int64(soundscapeID)), .integer(Int64(d.stationID))]) == nil {
                    return nil
                }
                return try Self.insertDetection(d, soundscapeID: soundscapeID, listed: listed, now: now, db: db)
            }
        }
    }

    /// Writes one detection row on `db` (inside the caller's transaction) and returns its id: the
    /// one INSERT of posted, photo and soundscape detections.
    static func insertDetection(_ d: BWDetection, soundscapeID: Int?, listed: Bool, now: Double, db: SQLiteConnection) throws -> Int {
        _ = try db.run("""
            INSERT INTO bw_detections (station_id, species_id, timestamp, utc_offset, lat, lon, confidence, probability, score,
                certainty, algorithm, metadata, soundscape_id, soundscape_start, soundscape_end, listed, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(Int64(d.stationID)), .integer(Int64(d.speciesID)), .real(d.time.epoch), .integer(Int64(d.time.offset)),
                  SQLiteValue(d.lat), SQLiteValue(d.lon), .real(d.confidence), SQLiteValue(d.probability), .real(d.score),
                  .text(d.certainty), SQLiteValue(d.algorithm), SQLiteValue(d.metadata), SQLiteValue(soundscapeID),
                  SQLiteValue(d.soundscape?.start), SQLiteValue(d.soundscape?.end), .integer(listed ? 1 : 0), .real(now)])
        return Int(db.lastInsertRowID)
    }

    /// Detection `id` of station `stationID` (listed or not: it is the station's own), or nil.
    func detection(id: Int, stationID: Int, baseURL: String) throws -> BWDetection? {
        try withConnection { db in
            try db.query("SELECT \(Self.detectionColumns) FROM \(Self.detectionFrom) WHERE d.id = ? AND d.station_id = ?",
                         [.integer(Int64(id)), .integer(Int64(stationID))]) { BWDetection(statement: $0, baseURL: baseURL) }.first
        }
    }

    /// One page of the station's listed detections, by timestamp then id, after the cursor.
    /// Throws `BirdWeatherError.invalid("cursor")` when the cursor is not one of the station's detections.
    func detections(stationID: Int, query q: BWListQuery, baseURL: String) throws -> [BWDetection] {
        try withConnection { db in
            var conditions = ["d.station_id = ?", "d.listed = 1"]
            var values: [SQLiteValue] = [.integer(Int64(stationID))]
            Self.addFilters(q, table: "d", to: &conditions, &values)
            if let speciesID = q.speciesID { conditions.append("d.species_id = ?"); values.append(.integer(Int64(speciesID))) }
            try Self.addCursor(q, table: "bw_detections", alias: "d", what: "detection", stationID: stationID, db: db,
                               to: &conditions, &values)
            let direction = q.ascending ? "ASC" : "DESC"
            values.append(.integer(Int64(q.limit)))
            return try db.query("""
                SELECT \(Self.detectionColumns) FROM \(Self.detectionFrom) WHERE \(conditions.joined(separator: " AND "))
                ORDER BY d.timestamp \(direction), d.id \(direction) LIMIT ?
                """, values) { BWDetection(statement: $0, baseURL: baseURL) }
        }
    }

    /// Listed detections of soundscape `soundscapeID`, by time.
    func detections(soundscapeID: Int, baseURL: String) throws -> [BWDetection] {
        try withConnection { db in
            try db.query("""
                SELECT \(Self.detectionColumns) FROM \(Self.detectionFrom) WHERE d.soundscape_id = ? AND d.listed = 1
                ORDER BY d.timestamp, d.id
                """, [.integer(Int64(soundscapeID))]) { BWDetection(statement: $0, baseURL: baseURL) }
        }
    }

    /// Listed detections and distinct species since `since` (all time when nil).
    func stats(stationID: Int, since: Double?) throws -> (detections: Int, species: Int) {
        try withConnection { db in
            try db.query("""
                SELECT COUNT(*), COUNT(DISTINCT species_id) FROM bw_detections
                WHERE station_id = ? AND listed = 1 AND timestamp >= ?
                """, [.integer(Int64(stationID)), .real(since ?? -Double.greatestFiniteMagnitude)]) {
                (Int($0.int64(at: 0)), Int($0.int64(at: 1)))
            }.first ?? (0, 0)
        }
    }

    /// Per species: listed detections since `since` by certainty, and the newest one's time.
    struct SpeciesTally: Sendable {
        /// The species.
        var speciesID: Int
        /// Counts.
        var total: Int, almostCertain: Int, veryLikely: Int, uncertain: Int, unlikely: Int
        /// The newest detection.
        var latest: BirdWeatherTime
    }

    /// The station's species tallies, sorted (`top`: most detections first; `common_name`,
    /// `scientific_name`: by name), one page.
    func speciesTallies(stationID: Int, since: Double?, speciesID: Int?, sort: String, ascending: Bool, limit: Int,
                        offset: Int) throws -> [SpeciesTally] {
        try withConnection { db in
            var values: [SQLiteValue] = [.integer(Int64(stationID)), .real(since ?? -Double.greatestFiniteMagnitude)]
            var speciesFilter = ""
            if let speciesID { speciesFilter = "AND d.species_id = ?"; values.append(.integer(Int64(speciesID))) }
            // Only constants reach the ORDER BY: the caller's words are mapped here.
            let key: String
            switch sort {
            case "common_name": key = "sp.common_name"
            case "scientific_name": key = "sp.scientific_name"
            default: key = "total"
            }
            let direction = ascending ? "ASC" : "DESC"
            values += [.integer(Int64(limit)), .integer(Int64(offset))]
            return try db.query("""
                SELECT d.species_id, COUNT(*) AS total,
                    SUM(d.certainty = 'almost_certain'), SUM(d.certainty = 'very_likely'), SUM(d.certainty = 'uncertain'),
                    SUM(d.certainty = 'unlikely'), MAX(d.timestamp),
                    (SELECT l.utc_offset FROM bw_detections l WHERE l.station_id = d.station_id AND l.species_id = d.species_id
                     AND l.listed = 1 ORDER BY l.timestamp DESC, l.id DESC LIMIT 1)
                FROM bw_detections d JOIN bw_species sp ON sp.id = d.species_id
                WHERE d.station_id = ? AND d.listed = 1 AND d.timestamp >= ? \(speciesFilter)
                GROUP BY d.species_id ORDER BY \(key) \(direction), d.species_id ASC LIMIT ? OFFSET ?
                """, values) { s in
                SpeciesTally(speciesID: Int(s.int64(at: 0)), total: Int(s.int64(at: 1)), almostCertain: Int(s.int64(at: 2)),
                             veryLikely: Int(s.int64(at: 3)), uncertain: Int(s.int64(at: 4)), unlikely: Int(s.int64(at: 5)),
                             latest: BirdWeatherTime(epoch: s.double(at: 6), offset: Int(s.int64(at: 7))))
            }
        }
    }

    /// Adds the condition "after the cursor row in (timestamp, id) order" on `alias`; the cursor
    /// must be one of the station's rows of `table`, else 422.
    static func addCursor(_ q: BWListQuery, table: String, alias: String, what: String, stationID: Int, db: SQLiteConnection,
                          to conditions: inout [String], _ values: inout [SQLiteValue]) throws {
        guard let cursor = q.cursor else { return }
        guard let at = try db.query("SELECT timestamp FROM \(table) WHERE id = ? AND station_id = ?",
                                    [.integer(Int64(cursor)), .integer(Int64(stationID))], row: { $0.double(at: 0) }).first else {
            throw BirdWeatherError.invalid("cursor", "is not a \(what) of this station")
        }
        conditions.append("(\(alias).timestamp, \(alias).id) \(q.ascending ? ">" : "<") (?, ?)")
        values += [.real(at), .integer(Int64(cursor))]
    }

    /// Adds `from`/`to` (inclusive) conditions on `table.timestamp`.
    static func addFilters(_ q: BWListQuery, table: String, to conditions: inout [String], _ values: inout [SQLiteValue]) {
        if let from = q.from { conditions.append("\(table).timestamp >= ?"); values.append(.real(from)) }
        if let to = q.to { conditions.append("\(table).timestamp <= ?"); values.append(.real(to)) }
    }
}
