import Foundation
import Shared

/// A vote on an image.
struct DogVote: Sendable, Equatable {
    var id: Int, accountID: Int, imageID: String, subID: String?, value: Int, countryCode: String?, createdAt: Double
}

/// A favourite image.
struct DogFavourite: Sendable, Equatable {
    var id: Int, accountID: Int, imageID: String, subID: String?, createdAt: Double
}

/// A request to make an image public, and what an admin decided.
struct DogPublicRequest: Sendable, Equatable {
    var id: Int, imageID: String, accountID: Int, status: String, requestMessage: String?, adminMessage: String?
    var actionedBy: String?, actionedAt: Double?, createdAt: Double, updatedAt: Double
}

/// Votes, favourites, public requests and sub-ids.
extension DogAPIStore {
    /// Whether `accountID` may see image `id`: its own, or a public reviewed one.
    func imageVisible(id: String, accountID: Int?) throws -> Bool {
        try withConnection { db in
            try db.scalarInt("""
                SELECT 1 FROM dog_images WHERE id = ? AND (account_id = ? OR (is_public = 1 AND status IN ('clean','labelled')))
                """, [.text(id), SQLiteValue(accountID)]) != nil
        }
    }

    // MARK: Votes

    /// Stores a vote; returns its id.
    func insertVote(_ v: DogVote) throws -> Int {
        try withConnection { db in
            _ = try db.run("INSERT INTO dog_votes (account_id, image_id, sub_id, value, country_code, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           [.integer(Int64(v.accountID)), .text(v.imageID), SQLiteValue(v.subID), .integer(Int64(v.value)),
                            SQLiteValue(v.countryCode), .real(v.createdAt)])
            return Int(db.lastInsertRowID)
        }
    }

    /// The account's vote `id`, or nil.
    func vote(id: Int, accountID: Int) throws -> DogVote? {
        try withConnection { db in
            try db.query("SELECT id, account_id, image_id, sub_id, value, country_code, created_at FROM dog_votes WHERE id = ? AND account_id = ?",
                         [.integer(Int64(id)), .integer(Int64(accountID))]) { Self.vote($0) }.first
        }
    }

    /// One page of the account's votes and their total.
    func votes(accountID: Int, subID: String?, limit: Int, page: Int, order: String) throws -> ([DogVote], Int) {
        try withConnection { db in
            var condition = "account_id = ?"
            var values: [SQLiteValue] = [.integer(Int64(accountID))]
            if let subID { condition += " AND sub_id = ?"; values.append(.text(subID)) }
            let total = try db.scalarInt("SELECT COUNT(*) FROM dog_votes WHERE \(condition)", values) ?? 0
            let rows = try db.query("""
                SELECT id, account_id, image_id, sub_id, value, country_code, created_at FROM dog_votes WHERE \(condition)
                ORDER BY \(Self.orderSQL(order, column: "id")) LIMIT ? OFFSET ?
                """, values + [.integer(Int64(limit)), .integer(Int64(limit * page))]) { Self.vote($0) }
            return (rows, total)
        }
    }

    /// Deletes the account's vote `id`; false when there was none.
    func deleteVote(id: Int, accountID: Int) throws -> Bool {
        try withConnection { db in
            try db.run("DELETE FROM dog_votes WHERE id = ? AND account_id = ?", [.integer(Int64(id)), .integer(Int64(accountID))]) > 0
        }
    }

    // MARK: Favourites

    /// Stores a favourite; nil when the account already has this image with this sub_id.
    func insertFavourite(_ f: DogFavourite) throws -> Int? {
        try withConnection { db in
            try db.transaction { () throws -> Int? in
                if try db.scalarInt("SELECT 1 FROM dog_favourites WHERE account_id = ? AND image_id = ? AND COALESCE(sub_id, '') = COALESCE(?, '')",
                                    [.integer(Int64(f.accountID)), .text(f.imageID), SQLiteValue(f.subID)]) != nil { return nil }
                _ = try db.run("INSERT INTO dog_favourites (account_id, image_id, sub_id, created_at) VALUES (?, ?, ?, ?)",
                               [.integer(Int64(f.accountID)), .text(f.imageID), SQLiteValue(f.subID), .real(f.createdAt)])
                return Int(db.lastInsertRowID)
            }
        }
    }

    /// The account's favourite `id`, or nil.
    func favourite(id: Int, accountID: Int) throws -> DogFavourite? {
        try withConnection { db in
            try db.query("SELECT id, account_id, image_id, sub_id, created_at FROM dog_favourites WHERE id = ? AND account_id = ?",
                         [.integer(Int64(id)), .integer(Int64(accountID))]) { Self.favourite($0) }.first
        }
    }

    /// One page of the account's favourites and their total.
    func favourites(accountID: Int, subID: String?, limit: Int, page: Int, order: String) throws -> ([DogFavourite], Int) {
        try withConnection { db in
            var condition = "account_id = ?"
            var values: [SQLiteValue] = [.integer(Int64(accountID))]
            if let subID { condition += " AND sub_id = ?"; values.append(.text(subID)) }
            let total = try db.scalarInt("SELECT COUNT(*) FROM dog_favourites WHERE \(condition)", values) ?? 0
            let rows = try db.query("""
                SELECT id, account_id, image_id, sub_id, created_at FROM dog_favourites WHERE \(condition)
                ORDER BY \(Self.orderSQL(order, column: "id")) LIMIT ? OFFSET ?
                """, values + [.integer(Int64(limit)), .integer(Int64(limit * page))]) { Self.favourite($0) }
            return (rows, total)
        }
    }

    /// Deletes the account's favourite `id`; false when there was none.
    func deleteFavourite(id: Int, accountID: Int) throws -> Bool {
        try withConnection { db in
            try db.run("DELETE FROM dog_favourites WHERE id = ? AND account_id = ?", [.integer(Int64(id)), .integer(Int64(accountID))]) > 0
        }
    }

    // MARK: Public requests

    /// The request for image `id`, or nil.
    func publicRequest(imageID: String) throws -> DogPublicRequest? {
        try withConnection { db in
            try db.query("""
                SELECT id, image_id, account_id, status, request_message, admin_message, actioned_by, actioned_at, created_at, updated_at
                FROM dog_public_requests WHERE image_id = ?
                """, [.text(imageID)]) { s in
                DogPublicRequest(id: Int(s.int64(at: 0)), imageID: s.text(at: 1) ?? "", accountID: Int(s.int64(at: 2)), status: s.text(at: 3) ?? "pending",
                                 requestMessage: s.text(at: 4), adminMessage: s.text(at: 5), actionedBy: s.text(at: 6),
                                 actionedAt: s.optionalDouble(at: 7), createdAt: s.double(at: 8), updatedAt: s.double(at: 9))
            }.first
        }
    }

    /// Asks for image `imageID` to be made public (a new pending request replaces a rejected one);
    /// false when one is already pending or approved.
    func requestPublic(imageID: String, accountID: Int, message: String?, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                let status = try db.scalarText("SELECT status FROM dog_public_requests WHERE image_id = ?", [.text(imageID)])
                if status == "pending" || status == "approved" { return false }
                _ = try db.run("DELETE FROM dog_public_requests WHERE image_id = ?", [.text(imageID)])
                _ = try db.run("""
                    INSERT INTO dog_public_requests (image_id, account_id, status, request_message, created_at, updated_at)
                    VALUES (?, ?, 'pending', ?, ?, ?)
                    """, [.text(imageID), .integer(Int64(accountID)), SQLiteValue(message), .real(now), .real(now)])
                return true
            }
        }
    }

    /// Withdraws a pending request; false when none is pending.
    func cancelPublicRequest(imageID: String) throws -> Bool {
        try withConnection { db in
            try db.run("DELETE FROM dog_public_requests WHERE image_id = ? AND status = 'pending'", [.text(imageID)]) > 0
        }
    }

    /// An admin's decision on a pending request: the image becomes public when approved. False when none is pending.
    func decidePublicRequest(imageID: String, approve: Bool, adminMessage: String?, admin: String, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                let changed = try db.run("""
                    UPDATE dog_public_requests SET status = ?, admin_message = ?, actioned_by = ?, actioned_at = ?, updated_at = ?
                    WHERE image_id = ? AND status = 'pending'
                    """, [.text(approve ? "approved" : "rejected"), SQLiteValue(adminMessage), .text(admin), .real(now), .real(now), .text(imageID)])
                if changed > 0, approve { _ = try db.run("UPDATE dog_images SET is_public = 1 WHERE id = ?", [.text(imageID)]) }
                return changed > 0
            }
        }
    }

    // MARK: Sub-ids and usage

    /// Every sub_id the account used, with how many images, votes and favourites carry it.
    func subIDs(accountID: Int, limit: Int, page: Int) throws -> [(subID: String, images: Int, votes: Int, favourites: Int)] {
        try withConnection { db in
            let a = Int64(accountID)
            return try db.query("""
                SELECT s, SUM(i), SUM(v), SUM(f) FROM (
                    SELECT sub_id AS s, 1 AS i, 0 AS v, 0 AS f FROM dog_images WHERE account_id = ? AND sub_id IS NOT NULL
                    UNION ALL SELECT sub_id, 0, 1, 0 FROM dog_votes WHERE account_id = ? AND sub_id IS NOT NULL
                    UNION ALL SELECT sub_id, 0, 0, 1 FROM dog_favourites WHERE account_id = ? AND sub_id IS NOT NULL)
                GROUP BY s ORDER BY s LIMIT ? OFFSET ?
                """, [.integer(a), .integer(a), .integer(a), .integer(Int64(limit)), .integer(Int64(limit * page))]) { s in
                (s.text(at: 0) ?? "", Int(s.int64(at: 1)), Int(s.int64(at: 2)), Int(s.int64(at: 3)))
            }
        }
    }

    /// An account's totals (the admin overview).
    func overview(accountID: Int) throws -> (images: Int, votes: Int, favourites: Int, publicImages: Int)? {
        try withConnection { db in
            let a: [SQLiteValue] = [.integer(Int64(accountID))]
            guard try db.scalarInt("SELECT 1 FROM dog_accounts WHERE id = ?", a) != nil else { return nil }
            return (try db.scalarInt("SELECT COUNT(*) FROM dog_images WHERE account_id = ?", a) ?? 0,
                    try db.scalarInt("SELECT COUNT(*) FROM dog_votes WHERE account_id = ?", a) ?? 0,
                    try db.scalarInt("SELECT COUNT(*) FROM dog_favourites WHERE account_id = ?", a) ?? 0,
                    try db.scalarInt("SELECT COUNT(*) FROM dog_images WHERE account_id = ? AND is_public = 1", a) ?? 0)
        }
    }

    /// `ORDER BY` text for `ASC`, `DESC` or `RANDOM` (`RAND`) on `column`; built from constants only.
    static func orderSQL(_ order: String, column: String) -> String {
        switch order.uppercased() {
        case "DESC": return "\(column) DESC"
        case "RANDOM", "RAND": return "random()"
        default: return "\(column) ASC"
        }
    }

    private static func vote(_ s: SQLiteStatement) -> DogVote {
        DogVote(id: Int(s.int64(at: 0)), accountID: Int(s.int64(at: 1)), imageID: s.text(at: 2) ?? "", subID: s.text(at: 3),
                value: Int(s.int64(at: 4)), countryCode: s.text(at: 5), createdAt: s.double(at: 6))
    }

    private static func favourite(_ s: SQLiteStatement) -> DogFavourite {
        DogFavourite(id: Int(s.int64(at: 0)), accountID: Int(s.int64(at: 1)), imageID: s.text(at: 2) ?? "", subID: s.text(at: 3),
                     createdAt: s.double(at: 4))
    }
}
