import Foundation
import Shared

/// Which of an account's pets `DogAPIStore.pets` lists.
struct DogPetFilter: Sendable {
    /// Only this species (`1`, `2`), breed id or sub_id.
    var speciesID: String?, breedID: String?, subID: String?
    /// Only pets of these breeds (nil: any, breed or none).
    var breedIDs: [String]?
    /// No pet of these breeds.
    var excludedBreedIDs: [String] = []
}

/// What `DogAPIStore.addPetImages` did.
enum DogPetImagesAdded: Equatable {
    /// Stored.
    case added
    /// The pet is gone (deleted meanwhile): nothing stored.
    case petMissing
    /// The pet would pass the limit: nothing stored.
    case overLimit(existing: Int)
}

/// Pets, their photos and portraits.
extension DogAPIStore {
    // MARK: Pets

    /// Stores a new pet and its photos (upload order) in one transaction.
    func insertPet(_ pet: DogPet, images: [DogPetImage]) throws {
        try withConnection { db in
            try db.transaction {
                _ = try db.run("""
                    INSERT INTO dog_pets (id, account_id, name, breed_id, species_id, description, microchip_id, sub_id, date_of_birth,
                        created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(pet.id), .integer(Int64(pet.accountID))] + Self.ownerValues(pet) + [.real(pet.createdAt), .real(pet.updatedAt)])
                try Self.insert(images, from: 0, db)
            }
        }
    }

    /// Pet `id`, or nil.
    func pet(id: String) throws -> DogPet? {
        try withConnection { db in
            try db.query("SELECT \(Self.petColumns) FROM dog_pets WHERE id = ?", [.text(id)]) { DogPet(statement: $0) }.first
        }
    }

    /// One page of the account's pets by creation time (`order` `ASC`, `DESC` or `RANDOM`) and their total.
    func pets(accountID: Int, filter: DogPetFilter, limit: Int, page: Int, order: String) throws -> (pets: [DogPet], total: Int) {
        try withConnection { db in
            var condition = "account_id = ?"
            var values: [SQLiteValue] = [.integer(Int64(accountID))]
            for (column, value) in [("species_id", filter.speciesID), ("breed_id", filter.breedID), ("sub_id", filter.subID)] {
                if let value { condition += " AND \(column) = ?"; values.append(.text(value)) }
            }
            if let included = filter.breedIDs {
                condition += " AND breed_id IN (\(Self.marks(included.count)))"
                values += included.map { .text($0) }
            }
            if !filter.excludedBreedIDs.isEmpty {
                condition += " AND (breed_id IS NULL OR breed_id NOT IN (\(Self.marks(filter.excludedBreedIDs.count))))"
                values += filter.excludedBreedIDs.map { .text($0) }
            }
            let total = try db.scalarInt("SELECT COUNT(*) FROM dog_pets WHERE \(condition)", values) ?? 0
            let ordering: String
            switch order.uppercased() {
            case "DESC": ordering = "created_at DESC, id DESC"
            case "RANDOM", "RAND": ordering = "random()"
            default: ordering = "created_at ASC, id ASC"
            }
            let rows = try db.query("SELECT \(Self.petColumns) FROM dog_pets WHERE \(condition) ORDER BY \(ordering) LIMIT ? OFFSET ?",
                                    values + [.integer(Int64(limit)), .integer(Int64(limit * page))]) { DogPet(statement: $0) }
            return (rows, total)
        }
    }

    /// Writes the owner's fields and `updatedAt` of `pet` (not the analyses' columns, which their
    /// routes write); false when the pet is gone.
    func updatePet(_ pet: DogPet) throws -> Bool {
        try withConnection { db in
            try db.run("""
                UPDATE dog_pets SET name = ?, breed_id = ?, species_id = ?, description = ?, microchip_id = ?, sub_id = ?, date_of_birth = ?,
                    updated_at = ?
                WHERE id = ?
                """, Self.ownerValues(pet) + [.real(pet.updatedAt), .text(pet.id)]) > 0
        }
    }

    /// Deletes pet `id` with its photos and portraits; returns the SHA-256s of their files (to
    /// remove when unused), or nil when there was no such pet.
    func deletePet(id: String) throws -> [String]? {
        try withConnection { db in
            try db.transaction { () throws -> [String]? in
                let files = try db.query("""
                    SELECT sha256 FROM dog_pet_images WHERE pet_id = ? UNION SELECT sha256 FROM dog_pet_portraits WHERE pet_id = ?
                    """, [.text(id), .text(id)]) { $0.text(at: 0) ?? "" }
                // The photos and portraits go by ON DELETE CASCADE.
                guard try db.run("DELETE FROM dog_pets WHERE id = ?", [.text(id)]) > 0 else { return nil }
                return files
            }
        }
    }

    // MARK: Photos

    /// Pet `petID`'s photos in upload order.
    func petImages(petID: String) throws -> [DogPetImage] {
        try withConnection { db in
            try db.query("SELECT \(Self.petImageColumns) FROM dog_pet_images WHERE pet_id = ? ORDER BY position",
                         [.text(petID)]) { DogPetImage(statement: $0) }
        }
    }

    /// Pet photo `id`, or nil.
    func petImage(id: String) throws -> DogPetImage? {
        try withConnection { db in
            try db.query("SELECT \(Self.petImageColumns) FROM dog_pet_images WHERE id = ?", [.text(id)]) { DogPetImage(statement: $0) }.first
        }
    }

    /// Adds photos after pet `petID`'s last, all or none: none when the pet is gone or would then
    /// have more than `maxImages`.
    func addPetImages(_ images: [DogPetImage], petID: String, maxImages: Int) throws -> DogPetImagesAdded {
        try withConnection { db in
            try db.transaction {
                guard try db.scalarInt("SELECT 1 FROM dog_pets WHERE id = ?", [.text(petID)]) != nil else { return .petMissing }
                let existing = try db.scalarInt("SELECT COUNT(*) FROM dog_pet_images WHERE pet_id = ?", [.text(petID)]) ?? 0
                guard existing + images.count <= maxImages else { return .overLimit(existing: existing) }
                let next = try db.scalarInt("SELECT COALESCE(MAX(position) + 1, 0) FROM dog_pet_images WHERE pet_id = ?", [.text(petID)]) ?? 0
                try Self.insert(images, from: next, db)
                return .added
            }
        }
    }

    // MARK: Portraits

    /// Stores a portrait.
    func insertPortrait(_ portrait: DogPetPortrait) throws {
        try withConnection { db in
            _ = try db.run("""
                INSERT INTO dog_pet_portraits (\(Self.portraitColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(portrait.id), .text(portrait.petID), .integer(Int64(portrait.accountID)), .text(portrait.style),
                      .text(portrait.sha256), .integer(Int64(portrait.width)), .integer(Int64(portrait.height)),
                      SQLiteValue(portrait.sourceImageID), .real(portrait.createdAt)])
        }
    }

    /// Pet `petID`'s portraits, oldest first.
    func portraits(petID: String) throws -> [DogPetPortrait] {
        try withConnection { db in
            try db.query("SELECT \(Self.portraitColumns) FROM dog_pet_portraits WHERE pet_id = ? ORDER BY created_at, id",
                         [.text(petID)]) { DogPetPortrait(statement: $0) }
        }
    }

    // MARK: Files

    /// The file behind `/images/{id}.{ext}`: a dog image's, a pet photo's or a portrait's (JPEG).
    func imageFile(id: String) throws -> (sha256: String, mimeType: String)? {
        try withConnection { db in
            try db.query("""
                SELECT sha256, mime_type FROM dog_images WHERE id = ?
                UNION ALL SELECT sha256, mime_type FROM dog_pet_images WHERE id = ?
                UNION ALL SELECT sha256, 'image/jpeg' FROM dog_pet_portraits WHERE id = ?
                LIMIT 1
                """, [.text(id), .text(id), .text(id)]) { ($0.text(at: 0) ?? "", $0.text(at: 1) ?? "image/jpeg") }.first
        }
    }

    /// Whether a pet photo or portrait still uses the file with this SHA-256.
    func petFileInUse(sha256: String) throws -> Bool {
        try withConnection { db in
            try db.scalarInt("""
                SELECT 1 FROM dog_pet_images WHERE sha256 = ? UNION ALL SELECT 1 FROM dog_pet_portraits WHERE sha256 = ? LIMIT 1
                """, [.text(sha256), .text(sha256)]) != nil
        }
    }

    /// The owner's fields in the order both pet statements bind them.
    private static func ownerValues(_ pet: DogPet) -> [SQLiteValue] {
        [SQLiteValue(pet.name), SQLiteValue(pet.breedID), SQLiteValue(pet.speciesID), SQLiteValue(pet.description),
         SQLiteValue(pet.microchipID), SQLiteValue(pet.subID), SQLiteValue(pet.dateOfBirth)]
    }

    /// Inserts `images` at positions `first`, `first + 1`, … (inside the caller's transaction).
    private static func insert(_ images: [DogPetImage], from first: Int, _ db: SQLiteConnection) throws {
        for (offset, image) in images.enumerated() {
            _ = try db.run("""
                INSERT INTO dog_pet_images (id, pet_id, account_id, sha256, mime_type, width, height, pose, pet_age_months, description,
                    position, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(image.id), .text(image.petID), .integer(Int64(image.accountID)), .text(image.sha256), .text(image.mimeType),
                      .integer(Int64(image.width)), .integer(Int64(image.height)), SQLiteValue(image.pose), SQLiteValue(image.petAgeMonths),
                      SQLiteValue(image.description), .integer(Int64(first + offset)), .real(image.createdAt)])
        }
    }

    /// `?, ?, …` for `count` values (at least one: `NULL` for none, which matches nothing).
    private static func marks(_ count: Int) -> String { count == 0 ? "NULL" : Array(repeating: "?", count: count).joined(separator: ", ") }
}
