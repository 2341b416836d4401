import Foundation
import Shared

/// An uploaded image of TheDogAPI and its review.
struct DogImage: Sendable, Equatable {
    /// Public id, 9 characters of `[0-9A-Za-z_-]` like the real service's (`xxBaNrfM0`).
    var id: String
    /// The account that uploaded it.
    var accountID: Int
    /// The client's segment (`sub_id`), if any.
    var subID: String?
    /// SHA-256 of the bytes (the file under `<data>/dogapi/images/`).
    var sha256: String
    /// `image/jpeg` or `image/png`.
    var mimeType: String
    /// Pixels.
    var width: Int, height: Int
    /// The file name the client sent.
    var originalFilename: String?
    /// `to_be_reviewed`, `clean`, `labelled` or `unsafe`.
    var status: String
    /// Why the review refused it.
    var unsafeReasons: [String]
    /// 1 dog (default), 2 cat: which animal the review looks for.
    var speciesID: Int
    /// The review job.
    var jobID: String
    /// The review's result document (the classifier's top classes), once reviewed.
    var analysis: String?
    /// Breeds: (breed id, confidence 0…1, `review` or `user`).
    var breeds: [(id: Int, confidence: Double?, source: String)]
    /// Seconds since 1970.
    var createdAt: Double, updatedAt: Double

    static func == (a: DogImage, b: DogImage) -> Bool { a.id == b.id && a.status == b.status && a.updatedAt == b.updatedAt }

    /// The file extension of its URL.
    var fileExtension: String { Self.fileExtension(mimeType: mimeType) }

    /// The file extension of a URL serving `mimeType` (`png`, else `jpg`).
    static func fileExtension(mimeType: String) -> String { mimeType == "image/png" ? "png" : "jpg" }

    /// Whether the review ended (`labelled`, `clean` with nothing more to add, or `unsafe`).
    var isReviewed: Bool { status != "to_be_reviewed" }
}

/// Timestamps as TheDogAPI writes them: `2024-01-15T12:00:00.000Z`.
enum DogAPITime {
    /// The instant in UTC with milliseconds and `Z`.
    static func format(_ epoch: Double) -> String {
        let text = BirdWeatherTime(epoch: epoch).formatted
        return String(text.dropLast(6)) + "Z"
    }
}
