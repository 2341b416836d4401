import Foundation
import Shared

/// TheDogAPI's durable state in the gateway's SQLite file: accounts, images and their reviews,
/// sizes, votes, favourites, public requests and added entries (see `APIStore`).
final class DogAPIStore: APIStore, @unchecked Sendable {

    // MARK: Accounts

    /// Creates an account holding the key with this SHA-256; returns its id.
    func createAccount(name: String, keySHA256: String, isAdmin: Bool, now: Double = Clock.now()) throws -> Int {
        try withConnection { db in
            _ = try db.run("INSERT INTO dog_accounts (name, key_sha256, is_admin, created_at) VALUES (?, ?, ?, ?)",
                           [.text(name), .text(keySHA256), .integer(isAdmin ? 1 : 0), .real(now)])
            return Int(db.lastInsertRowID)
        }
    }

    /// The account whose key has this SHA-256: (id, name, admin), or nil.
    func account(keySHA256: String) throws -> DogAccount? {
        try withConnection { db in
            try db.query("SELECT id, name, is_admin FROM dog_accounts WHERE key_sha256 = ?", [.text(keySHA256)]) {
                DogAccount(id: Int($0.int64(at: 0)), name: $0.text(at: 1) ?? "", isAdmin: $0.int64(at: 2) != 0)
            }.first
        }
    }

    // MARK: Images

    /// Stores a new image (status `to_be_reviewed`) with the breeds the client named.
    func insertImage(_ image: DogImage) throws {
        try withConnection { db in
            try db.transaction {
                _ = try db.run("""
                    INSERT INTO dog_images (id, account_id, sub_id, sha256, mime_type, width, height, original_filename, status,
                        unsafe_reasons, species_id, job_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)
                    """, [.text(image.id), .integer(Int64(image.accountID)), SQLiteValue(image.subID), .text(image.sha256),
                          .text(image.mimeType), .integer(Int64(image.width)), .integer(Int64(image.height)),
                          SQLiteValue(image.originalFilename), .text(image.status), .integer(Int64(image.speciesID)),
                          .text(image.jobID), .real(image.createdAt), .real(image.updatedAt)])
                for breed in image.breeds {
                    _ = try db.run("INSERT OR IGNORE INTO dog_image_breeds (image_id, breed_id, confidence, source) VALUES (?, ?, ?, ?)",
                                   [.text(image.id), .integer(Int64(breed.id)), SQLiteValue(breed.confidence), .text(breed.source)])
                }
            }
        }
    }

    /// Image `id`, or nil.
    func image(id: String) throws -> DogImage? {
        try withConnection { db in
            try db.query("SELECT \(Self.imageColumns) FROM dog_images i WHERE i.id = ?", [.text(id)]) { DogImage(statement: $0) }.first
        }
    }

    /// Tags image `imageID` with `breedID` (the owner's word: replaces a review's confidence).
    func tagBreed(imageID: String, breedID: Int) throws {
        try withConnection { db in
            _ = try db.run("INSERT OR REPLACE INTO dog_image_breeds (image_id, breed_id, confidence, source) VALUES (?, ?, NULL, 'user')",
                           [.text(imageID), .integer(Int64(breedID))])
        }
    }

    /// Removes `breedID` from image `imageID`; false when it was not there.
    func untagBreed(imageID: String, breedID: Int) throws -> Bool {
        try withConnection { db in
            try db.run("DELETE FROM dog_image_breeds WHERE image_id = ? AND breed_id = ?", [.text(imageID), .integer(Int64(breedID))]) > 0
        }
    }

    /// How many images the account keeps.
    func imageCount(accountID: Int) throws -> Int {
        try withConnection { db in try db.scalarInt("SELECT COUNT(*) FROM dog_images WHERE account_id = ?", [.integer(Int64(accountID))]) ?? 0 }
    }

    /// Images still under review whose job is one of `jobIDs`.
    func imagesUnderReview(jobIDs: [String]) throws -> [DogImage] {
        guard !jobIDs.isEmpty else { return [] }
        return try withConnection { db in
            var found: [DogImage] = []
            for start in stride(from: 0, to: jobIDs.count, by: 500) {
                let chunk = Array(jobIDs[start..<min(start + 500, jobIDs.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                found += try db.query("SELECT \(Self.imageColumns) FROM dog_images i WHERE i.status = 'to_be_reviewed' AND i.job_id IN (\(marks))",
                                      chunk.map { .text($0) }) { DogImage(statement: $0) }
            }
            return found
        }
    }

    /// Records the review of an image still `to_be_reviewed`, once; false when it was already reviewed or deleted.
    func recordReview(imageID: String, review: DogImageReview, analysis: String?, now: Double = Clock.now()) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                let reasons = JSON.array(review.unsafeReasons.map { .string($0) }).serialized()
                let changed = try db.run("""
                    UPDATE dog_images SET status = ?, unsafe_reasons = ?, analysis = ?, updated_at = ? WHERE id = ? AND status = 'to_be_reviewed'
                    """, [.text(review.status), .text(reasons), SQLiteValue(analysis), .real(now), .text(imageID)])
                guard changed > 0 else { return false }
                for breed in review.breeds {
                    _ = try db.run("INSERT OR IGNORE INTO dog_image_breeds (image_id, breed_id, confidence, source) VALUES (?, ?, ?, 'review')",
                                   [.text(imageID), .integer(Int64(breed.id)), .real(breed.confidence)])
                }
                return true
            }
        }
    }

    /// One page of the account's images, newest first (or oldest with `ascending`), and the total.
    func images(accountID: Int, subID: String?, limit: Int, page: Int, ascending: Bool) throws -> (images: [DogImage], total: Int) {
        try withConnection { db in
            var condition = "i.account_id = ?"
            var values: [SQLiteValue] = [.integer(Int64(accountID))]
            if let subID { condition += " AND i.sub_id = ?"; values.append(.text(subID)) }
            let total = try db.scalarInt("SELECT COUNT(*) FROM dog_images i WHERE \(condition)", values) ?? 0
            let direction = ascending ? "ASC" : "DESC"
            let rows = try db.query("""
                SELECT \(Self.imageColumns) FROM dog_images i WHERE \(condition) ORDER BY i.created_at \(direction), i.id \(direction) LIMIT ? OFFSET ?
                """, values + [.integer(Int64(limit)), .integer(Int64(page * limit))]) { DogImage(statement: $0) }
            return (rows, total)
        }
    }

    /// Deletes image `id`; returns its SHA-256 (for its file) or nil when there was none.
    func deleteImage(id: String) throws -> String? {
        try withConnection { db in
            try db.transaction {
                guard let sha = try db.scalarText("SELECT sha256 FROM dog_images WHERE id = ?", [.text(id)]) else { return nil }
                _ = try db.run("DELETE FROM dog_images WHERE id = ?", [.text(id)])
                return sha
            }
        }
    }

    /// Whether any image still uses the file with this SHA-256.
    func imageFileInUse(sha256: String) throws -> Bool {
        try withConnection { db in try db.scalarInt("SELECT 1 FROM dog_images WHERE sha256 = ? LIMIT 1", [.text(sha256)]) != nil }
    }
}

/// A TheDogAPI account.
struct DogAccount: Sendable, Equatable {
    /// Row id.
    var id: Int
    /// A label for operators.
    var name: String
    /// May use admin routes.
    var isAdmin: Bool
}
