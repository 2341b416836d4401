import Shared

/// TheDogAPI tables. The migration is listed in `JobStore.migrations`, so the gateway database
/// has one numbered history; `DogAPIStore` opens its own connection to the file.
extension DogAPIStore {
    /// Migration 7: accounts (API keys as SHA-256 only), images and their breeds, votes,
    /// favourites (unique per account, image and sub_id), public requests, and the web sizes made
    /// of each original (keyed by its SHA-256: the same bytes have the same sizes).
    static let migration = Migration(version: 7, name: "create thedogapi tables", sql: """
        CREATE TABLE dog_accounts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            key_sha256 TEXT NOT NULL UNIQUE,
            is_admin INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL
        );
        CREATE TABLE dog_images (
            id TEXT PRIMARY KEY NOT NULL,
            account_id INTEGER NOT NULL REFERENCES dog_accounts (id) ON DELETE CASCADE,
            sub_id TEXT,
            sha256 TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            original_filename TEXT,
            status TEXT NOT NULL CHECK (status IN ('to_be_reviewed','clean','labelled','unsafe')),
            unsafe_reasons TEXT NOT NULL DEFAULT '[]',
            species_id INTEGER NOT NULL DEFAULT 1,
            job_id TEXT NOT NULL,
            analysis TEXT,
            is_public INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX dog_images_account ON dog_images (account_id, created_at);
        CREATE INDEX dog_images_job ON dog_images (job_id);
        CREATE INDEX dog_images_sha ON dog_images (sha256);
        CREATE INDEX dog_images_status ON dog_images (status, created_at);
        CREATE TABLE dog_image_breeds (
            image_id TEXT NOT NULL REFERENCES dog_images (id) ON DELETE CASCADE,
            breed_id INTEGER NOT NULL,
            confidence REAL,
            source TEXT NOT NULL CHECK (source IN ('review','user')),
            PRIMARY KEY (image_id, breed_id)
        );
        CREATE INDEX dog_image_breeds_breed ON dog_image_breeds (breed_id);
        CREATE TABLE dog_votes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES dog_accounts (id) ON DELETE CASCADE,
            image_id TEXT NOT NULL REFERENCES dog_images (id) ON DELETE CASCADE,
            sub_id TEXT,
            value INTEGER NOT NULL,
            country_code TEXT,
            created_at REAL NOT NULL
        );
        CREATE INDEX dog_votes_account ON dog_votes (account_id, id);
        CREATE TABLE dog_favourites (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL REFERENCES dog_accounts (id) ON DELETE CASCADE,
            image_id TEXT NOT NULL REFERENCES dog_images (id) ON DELETE CASCADE,
            sub_id TEXT,
            created_at REAL NOT NULL
        );
        CREATE UNIQUE INDEX dog_favourites_unique ON dog_favourites (account_id, image_id, COALESCE(sub_id, ''));
        CREATE TABLE dog_sizes (
            original_sha256 TEXT NOT NULL,
            size TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            PRIMARY KEY (original_sha256, size)
        );
        CREATE INDEX dog_sizes_file ON dog_sizes (file_sha256);
        CREATE TABLE dog_size_jobs (
            job_id TEXT PRIMARY KEY NOT NULL,
            original_sha256 TEXT NOT NULL
        );
        CREATE INDEX dog_size_jobs_sha ON dog_size_jobs (original_sha256);
        CREATE TABLE dog_entries (
            kind TEXT NOT NULL CHECK (kind IN ('fact','category','health_tip')),
            id TEXT NOT NULL,
            document TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE TABLE dog_public_requests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            image_id TEXT NOT NULL UNIQUE REFERENCES dog_images (id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES dog_accounts (id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
            request_message TEXT,
            admin_message TEXT,
            actioned_by TEXT,
            actioned_at REAL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        """)

    /// Image columns in the order `DogImage(statement:)` reads them (`i` images); the last is the
    /// breeds as `id:confidence:source` joined by commas.
    static let imageColumns = """
        i.id, i.account_id, i.sub_id, i.sha256, i.mime_type, i.width, i.height, i.original_filename, i.status, i.unsafe_reasons, \
        i.species_id, i.job_id, i.analysis, i.created_at, i.updated_at, \
        (SELECT group_concat(b.breed_id || ':' || COALESCE(b.confidence, '') || ':' || b.source, ',') FROM
            (SELECT * FROM dog_image_breeds WHERE image_id = i.id ORDER BY confidence DESC) b)
        """
}

extension DogImage {
    /// Reads a row selected with `DogAPIStore.imageColumns`.
    init(statement s: SQLiteStatement) {
        let reasons = (try? JSON.parse(s.text(at: 9) ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
        let breeds: [(Int, Double?, String)] = (s.text(at: 15) ?? "").split(separator: ",").compactMap { item in
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, let id = Int(parts[0]) else { return nil }
            return (id, Double(parts[1]), String(parts[2]))
        }
        self.init(id: s.text(at: 0) ?? "", accountID: Int(s.int64(at: 1)), subID: s.text(at: 2), sha256: s.text(at: 3) ?? "",
                  mimeType: s.text(at: 4) ?? "image/jpeg", width: Int(s.int64(at: 5)), height: Int(s.int64(at: 6)),
                  originalFilename: s.text(at: 7), status: s.text(at: 8) ?? "to_be_reviewed", unsafeReasons: reasons,
                  speciesID: Int(s.int64(at: 10)), jobID: s.text(at: 11) ?? "", analysis: s.text(at: 12), breeds: breeds,
                  createdAt: s.double(at: 13), updatedAt: s.double(at: 14))
    }
}
