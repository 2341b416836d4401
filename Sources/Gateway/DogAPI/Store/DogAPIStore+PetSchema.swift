import Shared

/// The pets tables (listed in `JobStore.migrations`, like the other TheDogAPI tables) and how
/// their rows are read.
extension DogAPIStore {
    /// Migration 9: pets (the owner's fields and the analyses' latest results), their photos in
    /// upload order, and the portraits rendered from them. Deleting a pet deletes its photos and
    /// portraits (the connection enforces foreign keys); their files go when nothing uses them.
    static let petsMigration = Migration(version: 9, name: "create thedogapi pets tables", sql: """
        CREATE TABLE dog_pets (
            id TEXT PRIMARY KEY NOT NULL,
            account_id INTEGER NOT NULL REFERENCES dog_accounts (id) ON DELETE CASCADE,
            name TEXT,
            breed_id TEXT,
            species_id TEXT,
            description TEXT,
            microchip_id TEXT,
            sub_id TEXT,
            date_of_birth TEXT,
            body_condition_score INTEGER,
            body_condition_score_reasons TEXT,
            body_condition_score_timestamp REAL,
            estimated_age_months INTEGER,
            estimated_age_reasons TEXT,
            estimated_age_timestamp REAL,
            genealogy_result TEXT,
            genealogy_timestamp REAL,
            muscle_wasting_risk INTEGER,
            muscle_condition_reasons TEXT,
            muscle_condition_timestamp REAL,
            analyses TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX dog_pets_account ON dog_pets (account_id, created_at);
        CREATE TABLE dog_pet_images (
            id TEXT PRIMARY KEY NOT NULL,
            pet_id TEXT NOT NULL REFERENCES dog_pets (id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            pose TEXT,
            pet_age_months INTEGER,
            description TEXT,
            position INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX dog_pet_images_pet ON dog_pet_images (pet_id, position);
        CREATE INDEX dog_pet_images_sha ON dog_pet_images (sha256);
        CREATE TABLE dog_pet_portraits (
            id TEXT PRIMARY KEY NOT NULL,
            pet_id TEXT NOT NULL REFERENCES dog_pets (id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL,
            style TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            source_image_id TEXT,
            created_at REAL NOT NULL
        );
        CREATE INDEX dog_pet_portraits_pet ON dog_pet_portraits (pet_id, created_at);
        CREATE INDEX dog_pet_portraits_sha ON dog_pet_portraits (sha256);
        """)

    /// Pet columns in the order `DogPet(statement:)` reads them.
    static let petColumns = """
        id, account_id, name, breed_id, species_id, description, microchip_id, sub_id, date_of_birth, \
        body_condition_score, body_condition_score_reasons, body_condition_score_timestamp, \
        estimated_age_months, estimated_age_reasons, estimated_age_timestamp, genealogy_result, genealogy_timestamp, \
        muscle_wasting_risk, muscle_condition_reasons, muscle_condition_timestamp, analyses, created_at, updated_at
        """

    /// Pet image columns in the order `DogPetImage(statement:)` reads them.
    static let petImageColumns = "id, pet_id, account_id, sha256, mime_type, width, height, pose, pet_age_months, description, created_at"

    /// Portrait columns in the order `DogPetPortrait(statement:)` reads them.
    static let portraitColumns = "id, pet_id, account_id, style, sha256, width, height, source_image_id, created_at"
}

extension DogPet {
    /// Reads a row selected with `DogAPIStore.petColumns`.
    init(statement s: SQLiteStatement) {
        self.init(id: s.text(at: 0) ?? "", accountID: Int(s.int64(at: 1)), name: s.text(at: 2), breedID: s.text(at: 3),
                  speciesID: s.text(at: 4), description: s.text(at: 5), microchipID: s.text(at: 6), subID: s.text(at: 7),
                  dateOfBirth: s.text(at: 8), createdAt: s.double(at: 21), updatedAt: s.double(at: 22),
                  bodyConditionScore: s.optionalInt(at: 9), bodyConditionScoreReasons: s.text(at: 10),
                  bodyConditionScoreTimestamp: s.optionalDouble(at: 11), estimatedAgeMonths: s.optionalInt(at: 12),
                  estimatedAgeReasons: s.text(at: 13), estimatedAgeTimestamp: s.optionalDouble(at: 14),
                  genealogyResult: s.text(at: 15), genealogyTimestamp: s.optionalDouble(at: 16),
                  muscleWastingRisk: s.optionalInt(at: 17).map { $0 != 0 }, muscleConditionReasons: s.text(at: 18),
                  muscleConditionTimestamp: s.optionalDouble(at: 19), analyses: s.text(at: 20) ?? "{}")
    }
}

extension DogPetImage {
    /// Reads a row selected with `DogAPIStore.petImageColumns`.
    init(statement s: SQLiteStatement) {
        self.init(id: s.text(at: 0) ?? "", petID: s.text(at: 1) ?? "", accountID: Int(s.int64(at: 2)), sha256: s.text(at: 3) ?? "",
                  mimeType: s.text(at: 4) ?? "image/jpeg", width: Int(s.int64(at: 5)), height: Int(s.int64(at: 6)), pose: s.text(at: 7),
                  petAgeMonths: s.optionalInt(at: 8), description: s.text(at: 9), createdAt: s.double(at: 10))
    }
}

extension DogPetPortrait {
    /// Reads a row selected with `DogAPIStore.portraitColumns`.
    init(statement s: SQLiteStatement) {
        self.init(id: s.text(at: 0) ?? "", petID: s.text(at: 1) ?? "", accountID: Int(s.int64(at: 2)), style: s.text(at: 3) ?? "",
                  sha256: s.text(at: 4) ?? "", width: Int(s.int64(at: 5)), height: Int(s.int64(at: 6)), sourceImageID: s.text(at: 7),
                  createdAt: s.double(at: 8))
    }
}
