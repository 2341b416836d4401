import Foundation
import Shared

/// Users, their session tokens and their stations.
extension BirdWeatherStore {
    /// Creates a user with a default station named after them, or claims `guestStationID` (a guest
    /// station, which becomes the default); returns the user and the default station's id. Nil
    /// when the email is taken (compared case-insensitively).
    func createUser(email: String, passwordHash: String, firstName: String?, lastName: String?, displayName: String,
                    guestStationID: Int?, now: Double = Clock.now()) throws -> (user: BWUser, stationID: Int)? {
        try withConnection { db in
            try db.transaction { () throws -> (BWUser, Int)? in
                if try db.scalarInt("SELECT id FROM bw_users WHERE email = ?", [.text(email)]) != nil { return nil }
                _ = try db.run("""
                    INSERT INTO bw_users (email, password_hash, first_name, last_name, display_name, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [.text(email), .text(passwordHash), SQLiteValue(firstName), SQLiteValue(lastName), .text(displayName),
                          .real(now), .real(now)])
                let userID = Int(db.lastInsertRowID)
                let stationID: Int
                if let guestStationID {
                    _ = try db.run("UPDATE bw_stations SET user_id = ?, type = 'user', is_default = 1 WHERE id = ? AND user_id IS NULL",
                                   [.integer(Int64(userID)), .integer(Int64(guestStationID))])
                    stationID = guestStationID
                } else {
                    _ = try db.run("INSERT INTO bw_stations (user_id, name, type, is_default, created_at) VALUES (?, ?, 'user', 1, ?)",
                                   [.integer(Int64(userID)), .text(displayName), .real(now)])
                    stationID = Int(db.lastInsertRowID)
                }
                return (BWUser(id: userID, email: email, firstName: firstName, lastName: lastName, displayName: displayName), stationID)
            }
        }
    }

    /// Creates a station (guest when `userID` is nil) and returns its id; its token hash is set by `setStationToken`.
    func createStation(userID: Int?, name: String, lat: Double?, lon: Double?, now: Double = Clock.now()) throws -> Int {
        try withConnection { db in
            _ = try db.run("INSERT INTO bw_stations (user_id, name, type, is_default, lat, lon, created_at) VALUES (?, ?, ?, 0, ?, ?, ?)",
                           [SQLiteValue(userID), .text(name), .text(userID == nil ? "guest" : "user"), SQLiteValue(lat), SQLiteValue(lon),
                            .real(now)])
            return Int(db.lastInsertRowID)
        }
    }

    /// Records the SHA-256 of station `id`'s token.
    func setStationToken(id: Int, sha256: String) throws {
        try withConnection { db in
            _ = try db.run("UPDATE bw_stations SET token_sha256 = ? WHERE id = ?", [.text(sha256), .integer(Int64(id))])
        }
    }

    /// The user with `email` and their password hash, or nil.
    func user(email: String) throws -> (user: BWUser, passwordHash: String)? {
        try withConnection { db in
            try db.query("SELECT id, email, first_name, last_name, display_name, password_hash FROM bw_users WHERE email = ?",
                         [.text(email)]) { s in (Self.user(s), s.text(at: 5) ?? "") }.first
        }
    }

    /// The user whose session token has this SHA-256, or nil.
    func user(tokenSHA256: String) throws -> BWUser? {
        try withConnection { db in
            try db.query("""
                SELECT u.id, u.email, u.first_name, u.last_name, u.display_name FROM bw_user_tokens t
                JOIN bw_users u ON u.id = t.user_id WHERE t.token_sha256 = ?
                """, [.text(tokenSHA256)]) { Self.user($0) }.first
        }
    }

    /// Stores a new session token (by its SHA-256) for `userID`.
    func insertUserToken(sha256: String, userID: Int, now: Double = Clock.now()) throws {
        try withConnection { db in
            _ = try db.run("INSERT INTO bw_user_tokens (token_sha256, user_id, created_at) VALUES (?, ?, ?)",
                           [.text(sha256), .integer(Int64(userID)), .real(now)])
        }
    }

    /// Saves changed fields; `passwordHash` nil keeps the password. A new password ends every
    /// session but the one with `keepingTokenSHA256`. False when the email belongs to another user.
    func updateUser(_ user: BWUser, passwordHash: String?, keepingTokenSHA256: String, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                if try db.scalarInt("SELECT id FROM bw_users WHERE email = ? AND id <> ?", [.text(user.email), .integer(Int64(user.id))]) != nil {
                    return false
                }
                _ = try db.run("""
                    UPDATE bw_users SET email = ?, first_name = ?, last_name = ?, display_name = ?,
                        password_hash = COALESCE(?, password_hash), updated_at = ? WHERE id = ?
                    """, [.text(user.email), SQLiteValue(user.firstName), SQLiteValue(user.lastName), .text(user.displayName),
                          SQLiteValue(passwordHash), .real(now), .integer(Int64(user.id))])
                if passwordHash != nil {
                    _ = try db.run("DELETE FROM bw_user_tokens WHERE user_id = ? AND token_sha256 <> ?",
                                   [.integer(Int64(user.id)), .text(keepingTokenSHA256)])
                }
                return true
            }
        }
    }

    /// Deletes the user with their tokens and stations (and so their detections, soundscape rows
    /// and photos); returns the SHA-256s of the soundscapes that were theirs, for their files.
    func deleteUser(id: Int) throws -> [String] {
        try withConnection { db in
            try db.transaction {
                let shas = try db.query("""
                    SELECT DISTINCT sc.sha256 FROM bw_soundscapes sc JOIN bw_stations st ON st.id = sc.station_id WHERE st.user_id = ?
                    """, [.integer(Int64(id))]) { $0.text(at: 0) ?? "" }
                _ = try db.run("DELETE FROM bw_users WHERE id = ?", [.integer(Int64(id))])
                return shas
            }
        }
    }

    /// The station whose token has this SHA-256, or nil.
    func station(tokenSHA256: String) throws -> BWStation? {
        try withConnection { db in
            try db.query("SELECT \(Self.stationColumns) FROM bw_stations st WHERE st.token_sha256 = ?", [.text(tokenSHA256)]) {
                BWStation(statement: $0)
            }.first
        }
    }

    /// The station with `id`, or nil.
    func station(id: Int) throws -> BWStation? {
        try withConnection { db in
            try db.query("SELECT \(Self.stationColumns) FROM bw_stations st WHERE st.id = ?", [.integer(Int64(id))]) {
                BWStation(statement: $0)
            }.first
        }
    }

    /// The user's stations, the default first.
    func stations(userID: Int) throws -> [BWStation] {
        try withConnection { db in
            try db.query("SELECT \(Self.stationColumns) FROM bw_stations st WHERE st.user_id = ? ORDER BY st.is_default DESC, st.id",
                          [.integer(Int64(userID))]) { BWStation(statement: $0) }
        }
    }

    private static func user(_ s: SQLiteStatement) -> BWUser {
        BWUser(id: Int(s.int64(at: 0)), email: s.text(at: 1) ?? "", firstName: s.text(at: 2), lastName: s.text(at: 3),
               displayName: s.text(at: 4) ?? "")
    }
}
