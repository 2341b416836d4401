import Foundation

/// A pet of TheDogAPI's pets endpoints (`/v1/pets`): what its owner told us, and the analyses'
/// latest results (written by the analysis routes, null until they ran).
struct DogPet: Sendable, Equatable {
    /// Public id, 9 characters of `[0-9A-Za-z_-]`.
    var id: String
    /// The account that created it.
    var accountID: Int
    /// The owner's fields, as sent (`breedID` a catalogue id, `speciesID` `1` dog or `2` cat).
    var name: String?, breedID: String?, speciesID: String?, description: String?, microchipID: String?, subID: String?
    /// `YYYY-MM-DD`, sent or computed from `age_years`/`age_months`.
    var dateOfBirth: String?
    /// Seconds since 1970.
    var createdAt: Double, updatedAt: Double

    /// Body condition score (1–9) and why, and when it was measured.
    var bodyConditionScore: Int? = nil, bodyConditionScoreReasons: String? = nil, bodyConditionScoreTimestamp: Double? = nil
    /// Estimated age in months and why, and when it was estimated.
    var estimatedAgeMonths: Int? = nil, estimatedAgeReasons: String? = nil, estimatedAgeTimestamp: Double? = nil
    /// The genealogy result (a JSON object's text), and when it was made.
    var genealogyResult: String? = nil, genealogyTimestamp: Double? = nil
    /// The muscle-wasting flag and why, and when it was judged.
    var muscleWastingRisk: Bool? = nil, muscleConditionReasons: String? = nil, muscleConditionTimestamp: Double? = nil
    /// Roost's analysis details: a JSON object's text (`{}` until an analysis wrote to it).
    var analyses: String = "{}"
}

/// A photo of a pet. Its bytes live in `DogAPIService.files` under `sha256`, like dog images'.
struct DogPetImage: Sendable, Equatable {
    /// Public id, 9 characters of `[0-9A-Za-z_-]`, unique across dog images, pet images and portraits.
    var id: String
    /// The pet.
    var petID: String
    /// The pet's account.
    var accountID: Int
    /// SHA-256 of the bytes.
    var sha256: String
    /// `image/jpeg` or `image/png`.
    var mimeType: String
    /// Pixels.
    var width: Int, height: Int
    /// One of `PetJob.poses`, when the owner said.
    var pose: String?
    /// The pet's age when the photo was taken, when known.
    var petAgeMonths: Int?
    /// The owner's words about the photo.
    var description: String?
    /// Seconds since 1970.
    var createdAt: Double

    /// The file extension of its URL.
    var fileExtension: String { DogImage.fileExtension(mimeType: mimeType) }
}

/// A portrait rendered from one of a pet's photos (a JPEG in `DogAPIService.files`).
struct DogPetPortrait: Sendable, Equatable {
    /// Public id, 9 characters of `[0-9A-Za-z_-]`, unique across dog images, pet images and portraits.
    var id: String
    /// The pet.
    var petID: String
    /// The pet's account.
    var accountID: Int
    /// One of `PetJob.portraitStyles`' names.
    var style: String
    /// SHA-256 of the JPEG.
    var sha256: String
    /// Pixels.
    var width: Int, height: Int
    /// The photo it was made from.
    var sourceImageID: String?
    /// Seconds since 1970.
    var createdAt: Double
}
