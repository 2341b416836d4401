import Foundation
import Shared

/// The pets' JSON documents: a pet, its photos and its portraits.
extension DogAPIRoutes {
    /// The pet document: the seed's members in the seed's order (timestamps as `DogAPITime`, null
    /// when absent; `genealogy_result` the stored object), then Roost's `analyses` (the stored
    /// object) and `portraits`.
    func petDocument(_ pet: DogPet, _ request: HTTPRequest) throws -> JSON {
        let images = try service.store.petImages(petID: pet.id)
        let portraits = try service.store.portraits(petID: pet.id)
        let sources = Dictionary(images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let analyses = (try? JSON.parse(pet.analyses)).flatMap { $0.objectValue != nil ? $0 : nil } ?? .object([])
        return .object([
            ("id", .string(pet.id)), ("name", Self.json(pet.name)), ("breed_id", Self.json(pet.breedID)), ("species_id", Self.json(pet.speciesID)),
            ("description", Self.json(pet.description)), ("microchip_id", Self.json(pet.microchipID)), ("sub_id", Self.json(pet.subID)),
            ("date_of_birth", Self.json(pet.dateOfBirth)),
            ("body_condition_score", Self.json(pet.bodyConditionScore)), ("body_condition_score_reasons", Self.json(pet.bodyConditionScoreReasons)),
            ("body_condition_score_timestamp", Self.time(pet.bodyConditionScoreTimestamp)),
            ("estimated_age_months", Self.json(pet.estimatedAgeMonths)), ("estimated_age_reasons", Self.json(pet.estimatedAgeReasons)),
            ("estimated_age_timestamp", Self.time(pet.estimatedAgeTimestamp)),
            ("genealogy_result", pet.genealogyResult.map { (try? JSON.parse($0)) ?? .string($0) } ?? .null),
            ("genealogy_timestamp", Self.time(pet.genealogyTimestamp)),
            ("muscle_wasting_risk", pet.muscleWastingRisk.map { .bool($0) } ?? .null),
            ("muscle_condition_reasons", Self.json(pet.muscleConditionReasons)), ("muscle_condition_timestamp", Self.time(pet.muscleConditionTimestamp)),
            ("images", .array(images.map { petImageDocument($0, request) })),
            ("created_at", .string(DogAPITime.format(pet.createdAt))), ("updated_at", .string(DogAPITime.format(pet.updatedAt))),
            ("analyses", analyses),
            ("portraits", .array(portraits.map { portraitDocument($0, source: $0.sourceImageID.flatMap { sources[$0] }, request) })),
        ])
    }

    /// A pet photo: `{id, url, pet_id, width, height, pose, pet_age_months, description, created_at}`.
    func petImageDocument(_ image: DogPetImage, _ request: HTTPRequest) -> JSON {
        .object([
            ("id", .string(image.id)), ("url", .string(Self.fileURL(id: image.id, fileExtension: image.fileExtension, request))),
            ("pet_id", .string(image.petID)), ("width", .int(image.width)), ("height", .int(image.height)), ("pose", Self.json(image.pose)),
            ("pet_age_months", Self.json(image.petAgeMonths)), ("description", Self.json(image.description)),
            ("created_at", .string(DogAPITime.format(image.createdAt))),
        ])
    }

    /// A portrait: `{id, url, pet_id, style, width, height, pose, pet_age_months, created_at}`, the
    /// pose and age being those of the photo it was made from (null when that is gone).
    func portraitDocument(_ portrait: DogPetPortrait, _ request: HTTPRequest) throws -> JSON {
        portraitDocument(portrait, source: try portrait.sourceImageID.flatMap { try service.store.petImage(id: $0) }, request)
    }

    private func portraitDocument(_ portrait: DogPetPortrait, source: DogPetImage?, _ request: HTTPRequest) -> JSON {
        .object([
            ("id", .string(portrait.id)), ("url", .string(Self.fileURL(id: portrait.id, fileExtension: "jpg", request))),
            ("pet_id", .string(portrait.petID)), ("style", .string(portrait.style)), ("width", .int(portrait.width)),
            ("height", .int(portrait.height)), ("pose", Self.json(source?.pose)), ("pet_age_months", Self.json(source?.petAgeMonths)),
            ("created_at", .string(DogAPITime.format(portrait.createdAt))),
        ])
    }

    /// `<base>/images/{id}.{ext}`, where `/images/{file}` serves it.
    static func fileURL(id: String, fileExtension: String, _ request: HTTPRequest) -> String {
        "\(request.publicBaseURL(configured: nil))/images/\(id).\(fileExtension)"
    }

    private static func json(_ text: String?) -> JSON { text.map { .string($0) } ?? .null }
    private static func json(_ number: Int?) -> JSON { number.map { .int($0) } ?? .null }
    private static func time(_ epoch: Double?) -> JSON { epoch.map { .string(DogAPITime.format($0)) } ?? .null }
}
