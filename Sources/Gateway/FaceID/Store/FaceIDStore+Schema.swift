/// The face-identifier tables. The migration is listed in `JobStore.migrations`, so the gateway
/// database has one numbered history; `FaceIDStore` opens its own connection to the same file.
extension FaceIDStore {
    /// Migration 2: panel accounts and login tokens, access identifiers and enrolled face embeddings.
    ///
    /// `uid` is AUTOINCREMENT so a deleted identifier's uid is never handed to a new one: a panel
    /// that still holds the old uid must not open the door for someone else. Tokens are stored as
    /// their SHA-256 only. An embedding row goes with its identifier (ON DELETE CASCADE).
    static let migration = Migration(version: 2, name: "create face identifier tables", sql: """
        CREATE TABLE panel_accounts (
            name TEXT PRIMARY KEY NOT NULL,
            password_hash TEXT NOT NULL,
            account_type TEXT NOT NULL CHECK (account_type IN ('admin','user')),
            updated_at REAL NOT NULL
        );
        CREATE TABLE panel_tokens (
            token_sha256 TEXT PRIMARY KEY NOT NULL,
            account_name TEXT NOT NULL REFERENCES panel_accounts (name) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE INDEX panel_tokens_expires ON panel_tokens (expires_at);
        CREATE TABLE access_identifiers (
            uid INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_name TEXT NOT NULL,
            owner_type TEXT NOT NULL CHECK (owner_type IN ('owner','guest')),
            identifier_type TEXT NOT NULL
                CHECK (identifier_type IN ('card','ukey','inputCode','face_id','qr','license_plate')),
            identifier_number TEXT,
            lock TEXT NOT NULL CHECK (lock IN ('first','second','all')),
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE face_embeddings (
            identifier_uid INTEGER PRIMARY KEY NOT NULL REFERENCES access_identifiers (uid) ON DELETE CASCADE,
            embedding BLOB NOT NULL CHECK (length(embedding) = 512),
            box_x REAL NOT NULL,
            box_y REAL NOT NULL,
            box_width REAL NOT NULL,
            box_height REAL NOT NULL,
            score REAL NOT NULL,
            job_id TEXT NOT NULL,
            image_sha256 TEXT NOT NULL,
            enrolled_at REAL NOT NULL
        );
        """)

    /// Identifier columns, in the order `AccessIdentifier(statement:)` reads them; the last is
    /// whether a face is enrolled.
    static let identifierColumns = """
        i.uid, i.owner_name, i.owner_type, i.identifier_type, i.identifier_number, i.lock, \
        EXISTS (SELECT 1 FROM face_embeddings f WHERE f.identifier_uid = i.uid)
        """
}

/// Reading identifiers back from the store.
extension AccessIdentifier {
    /// Reads a row selected with `FaceIDStore.identifierColumns`.
    init?(statement s: SQLiteStatement) {
        guard let ownerType = IdentifierOwnerType(rawValue: s.text(at: 2) ?? ""),
              let type = IdentifierType(rawValue: s.text(at: 3) ?? ""),
              let lock = IdentifierLock(rawValue: s.text(at: 5) ?? "") else { return nil }
        self.init(uid: Int(s.int64(at: 0)), owner: IdentifierOwner(name: s.text(at: 1) ?? "", type: ownerType),
                  type: type, number: s.text(at: 4), lock: lock, faceEnrolled: s.int64(at: 6) != 0)
    }
}
