import Foundation
import Shared

// TEMPORARY (replaced by the curated catalogue of branch `dogdata`): breeds named after the
// ImageNet dog classes, so the review pipeline can be built and tested meanwhile.

/// A breed of the catalogue.
struct DogBreed: Sendable {
    /// Stable id.
    let id: Int
    /// Name.
    let name: String
    /// The breed document.
    var json: JSON {
        ["weight": ["imperial": nil, "metric": nil], "height": ["imperial": nil, "metric": nil], "id": .int(id), "name": .string(name)]
    }
}

/// The breed catalogue.
struct DogCatalogue: Sendable {
    /// The catalogue.
    static let standard = DogCatalogue()
    private let breeds: [DogBreed]

    private init() {
        let path = (ProcessInfo.processInfo.environment["ROOST_MODELS_DIR"] ?? "models") + "/imagenet_labels.txt"
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n") ?? []
        breeds = (151...268).map { index in
            let name = index < lines.count ? String(lines[index].split(separator: ",")[0]) : "class \(index)"
            return DogBreed(id: index - 150, name: name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " "))
        }
    }

    /// The breed with `id`.
    func breed(id: Int) -> DogBreed? { breeds.first { $0.id == id } }
    /// The breed of an ImageNet class.
    func breed(forImageNetClass index: Int) -> DogBreed? { (151...268).contains(index) ? breeds[index - 151] : nil }
}
