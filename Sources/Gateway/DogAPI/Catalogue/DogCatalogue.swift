import Foundation
import Shared

/// A breed of the catalogue.
struct DogBreed: Sendable, Equatable {
    /// Stable id (see `BreedTable`).
    let id: Int
    let name: String
    /// The ImageNet classes the review maps to this breed.
    let imageNetClasses: [Int]
    let breedGroup: String?, bredFor: String?, lifeSpan: String?, temperament: String?, origin: String?, countryCode: String?
    /// Ranges in pounds and inches as written (`"50 - 70"`), and their metric conversions.
    let weightImperial: String, weightMetric: String, heightImperial: String, heightMetric: String

    /// The breed document, in the member order TheDogAPI uses (`weight` and `height` first).
    var json: JSON { DogCatalogue.documents[id] ?? document }

    /// The document, built.
    fileprivate var document: JSON {
        ["weight": ["imperial": .string(weightImperial), "metric": .string(weightMetric)],
         "height": ["imperial": .string(heightImperial), "metric": .string(heightMetric)],
         "id": .int(id), "name": .string(name), "bred_for": bredFor.map { .string($0) } ?? .null,
         "breed_group": breedGroup.map { .string($0) } ?? .null, "life_span": lifeSpan.map { .string($0) } ?? .null,
         "temperament": temperament.map { .string($0) } ?? .null, "origin": origin.map { .string($0) } ?? .null,
         "country_code": countryCode.map { .string($0) } ?? .null, "reference_image_id": .null]
    }
}

/// The breed catalogue: `BreedTable`'s breeds, parsed once, with the lookups the routes and the
/// review need. Metric figures are converted from the imperial ones (1 lb = 0.4536 kg,
/// 1 in = 2.54 cm, rounded), so the two can never disagree.
struct DogCatalogue: Sendable {
    /// The catalogue.
    static let standard = DogCatalogue(table: BreedTable.text)
    /// Each standard breed's document, built once.
    fileprivate static let documents: [Int: JSON] = Dictionary(standard.breeds.map { ($0.id, $0.document) }, uniquingKeysWith: { a, _ in a })
    /// Every breed, by id.
    let breeds: [DogBreed]
    private let byID: [Int: DogBreed]
    private let byImageNetClass: [Int: Int]

    /// Parses `table` (see `BreedTable` for the format); a malformed line stops the process (a
    /// programming error the tests catch).
    init(table: String) {
        var breeds: [DogBreed] = []
        for line in table.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 11, let id = Int(f[0]) else { fatalError("BreedTable: malformed line: \(line)") }
            func text(_ i: Int) -> String? { f[i].isEmpty ? nil : f[i] }
            breeds.append(DogBreed(id: id, name: f[1], imageNetClasses: f[2].split(separator: ",").compactMap { Int($0) },
                                   breedGroup: text(3), bredFor: text(4), lifeSpan: text(5), temperament: text(6), origin: text(7),
                                   countryCode: text(8), weightImperial: f[9], weightMetric: Self.convert(f[9], by: 0.4536),
                                   heightImperial: f[10], heightMetric: Self.convert(f[10], by: 2.54)))
        }
        self.breeds = breeds.sorted { $0.id < $1.id }
        byID = Dictionary(breeds.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        byImageNetClass = Dictionary(breeds.flatMap { breed in breed.imageNetClasses.map { ($0, breed.id) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The breed with `id`.
    func breed(id: Int) -> DogBreed? { byID[id] }

    /// The breed an ImageNet class shows.
    func breed(forImageNetClass index: Int) -> DogBreed? { byImageNetClass[index].flatMap { byID[$0] } }

    /// Breeds whose name contains `query` (case- and diacritic-insensitive), by name.
    func search(name query: String) -> [DogBreed] {
        let q = query.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return [] }
        return breeds.filter { $0.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).contains(q) }
            .sorted { $0.name < $1.name }
    }

    /// The breeds in any of `groups` (names compared case-insensitively), by id.
    func breeds(inGroups groups: [String]) -> [DogBreed] {
        let wanted = Set(groups.map { $0.lowercased() })
        return breeds.filter { wanted.contains(($0.breedGroup ?? "").lowercased()) }
    }

    /// The breed groups in use, by name.
    var breedGroups: [String] { Array(Set(breeds.compactMap(\.breedGroup))).sorted() }

    /// `"50 - 70"` in one unit → the same range in another, each end rounded to a whole number.
    static func convert(_ range: String, by factor: Double) -> String {
        range.components(separatedBy: " - ").map { part -> String in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else { return part }
            return String(Int((value * factor).rounded()))
        }.joined(separator: " - ")
    }
}
