import Foundation
import Shared

/// Access identifiers and their enrolled faces.
extension FaceIDStore {
    /// Stores a new identifier and returns its uid.
    func insertIdentifier(_ identifier: AccessIdentifier, now: Double = Date().timeIntervalSince1970) throws -> Int {
        try withConnection { db in
            _ = try db.run("""
                INSERT INTO access_identifiers (owner_name, owner_type, identifier_type, identifier_number, lock, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(identifier.owner.name), .text(identifier.owner.type.rawValue), .text(identifier.type.rawValue),
                      SQLiteValue(identifier.number), .text(identifier.lock.rawValue), .real(now), .real(now)])
            return Int(db.lastInsertRowID)
        }
    }

    /// The identifier with `uid`, or nil.
    func identifier(uid: Int) throws -> AccessIdentifier? {
        try withConnection { db in
            try db.query("SELECT \(Self.identifierColumns) FROM access_identifiers i WHERE i.uid = ?",
                         [.integer(Int64(uid))]) { AccessIdentifier(statement: $0) }.first ?? nil
        }
    }

    /// Saves `identifier`'s fields; false when it no longer exists. An identifier that stops being
    /// a `face_id` loses its enrolled face, so a face can only ever open a door through a `face_id`.
    func updateIdentifier(_ identifier: AccessIdentifier, now: Double = Date().timeIntervalSince1970) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                let changed = try db.run("""
                    UPDATE access_identifiers SET owner_name = ?, owner_type = ?, identifier_type = ?, identifier_number = ?,
                        lock = ?, updated_at = ? WHERE uid = ?
                    """, [.text(identifier.owner.name), .text(identifier.owner.type.rawValue), .text(identifier.type.rawValue),
                          SQLiteValue(identifier.number), .text(identifier.lock.rawValue), .real(now),
                          .integer(Int64(identifier.uid))])
                if identifier.type != .faceID {
                    _ = try db.run("DELETE FROM face_embeddings WHERE identifier_uid = ?", [.integer(Int64(identifier.uid))])
                }
                return changed > 0
            }
        }
    }

    /// Deletes the identifier and (by cascade) its face, leaving no copy of the face's
    /// descriptor in the database files; false when there was none.
    func deleteIdentifier(uid: Int) throws -> Bool {
        try withConnection { db in
            let deleted = try db.run("DELETE FROM access_identifiers WHERE uid = ?", [.integer(Int64(uid))]) > 0
            if deleted { forgetDeletedFaces(db) }
            return deleted
        }
    }

    /// Stores (or replaces) the face of `uid`; false when `uid` is no longer a `face_id` identifier
    /// (deleted or changed while the photo was analysed), in which case nothing is stored.
    func enrolFace(uid: Int, face: DetectedFace, embedding: FaceEmbedding, jobID: String, imageSHA256: String,
                   now: Double = Date().timeIntervalSince1970) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                let type = try db.scalarText("SELECT identifier_type FROM access_identifiers WHERE uid = ?", [.integer(Int64(uid))])
                guard type == IdentifierType.faceID.rawValue else { return false }
                _ = try db.run("""
                    INSERT OR REPLACE INTO face_embeddings
                        (identifier_uid, embedding, box_x, box_y, box_width, box_height, score, job_id, image_sha256, enrolled_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.integer(Int64(uid)), .blob(embedding.bytes), .real(face.box[0]), .real(face.box[1]), .real(face.box[2]),
                          .real(face.box[3]), .real(face.roundedScore), .text(jobID), .text(imageSHA256), .real(now)])
                _ = try db.run("UPDATE access_identifiers SET updated_at = ? WHERE uid = ?", [.real(now), .integer(Int64(uid))])
                return true
            }
        }
    }

    /// Every enrolled face with its identifier, for a linear search (512 bytes each: thousands fit easily).
    func enrolledFaces() throws -> [(identifier: AccessIdentifier, embedding: FaceEmbedding)] {
        try withConnection { db in
            try db.query("""
                SELECT \(Self.identifierColumns), f.embedding FROM face_embeddings f
                JOIN access_identifiers i ON i.uid = f.identifier_uid WHERE i.identifier_type = 'face_id' ORDER BY i.uid
                """) { s -> (AccessIdentifier, FaceEmbedding)? in
                guard let identifier = AccessIdentifier(statement: s), let embedding = s.blob(at: 7).flatMap(FaceEmbedding.init(bytes:))
                else { return nil }
                return (identifier, embedding)
            }.compactMap { $0 }
        }
    }
}
