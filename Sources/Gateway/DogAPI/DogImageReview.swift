import Foundation
import Shared

/// What a finished review job means for an image: the classifier (a `classify` job: MobileNetV2's
/// top classes and coarse category) decides whether the photo shows the animal the image is for
/// (a dog, or a cat for species 2); a photo without it is `unsafe`; a dog photo gets its breeds from
/// the ImageNet dog classes among the top classes, through the breed catalogue.
///
/// Heuristic, and says so: the breeds' confidences are the classifier's softmax probabilities.
struct DogImageReview: Sendable, Equatable {
    /// `labelled` (breeds found), `clean` (the animal, no breed to name) or `unsafe`.
    var status: String
    /// Breed id → confidence, most probable first.
    var breeds: [(id: Int, confidence: Double)]
    /// Why `unsafe`.
    var unsafeReasons: [String]

    static func == (a: DogImageReview, b: DogImageReview) -> Bool {
        a.status == b.status && a.unsafeReasons == b.unsafeReasons && a.breeds.map(\.id) == b.breeds.map(\.id)
    }

    /// The category a species' photos must be in.
    static func category(forSpecies species: Int) -> String { species == 2 ? "cat" : "dog" }

    /// Reads a classify result (`{top: [{index, label, probability}], category, ...}`);
    /// `breedFor` maps an ImageNet class to a breed id.
    init(classifyResult json: JSON, speciesID: Int, breedFor: (Int) -> Int?) {
        let category = json["category"]?.stringValue ?? "other"
        let top = json["top"]?.arrayValue ?? []
        let wanted = Self.category(forSpecies: speciesID)
        guard category == wanted else {
            let seen = top.first.map { "\($0["label"]?.stringValue ?? "?") (\(Int((($0["probability"]?.doubleValue ?? 0) * 100).rounded())) %)" } ?? "nothing recognisable"
            status = "unsafe"
            breeds = []
            unsafeReasons = ["no \(wanted) found: the classifier sees \(category == "other" ? seen : "a \(category), " + seen)"]
            return
        }
        var found: [(id: Int, confidence: Double)] = []
        for entry in top {
            guard let index = entry["index"]?.intValue, let probability = entry["probability"]?.doubleValue,
                  let breed = breedFor(index) else { continue }
            if let i = found.firstIndex(where: { $0.id == breed }) { found[i].confidence += probability } else { found.append((breed, probability)) }
        }
        // Keep breeds that carry a real share of the probability (at least a tenth of the best one).
        let best = found.map(\.confidence).max() ?? 0
        breeds = found.filter { $0.confidence >= best / 10 }.sorted { $0.confidence > $1.confidence }
        status = breeds.isEmpty ? "clean" : "labelled"
        unsafeReasons = []
    }

    /// For a review job that failed (the photo could not be decoded, or analysed).
    init(failure message: String) {
        status = "unsafe"
        breeds = []
        unsafeReasons = ["the image could not be analysed: \(message)"]
    }
}
