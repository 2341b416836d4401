import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// The breed catalogue and reference data, checked against the ImageNet class names and themselves.
@Suite struct DogCatalogueTests {
    private let catalogue = DogCatalogue.standard

    @Test func everyImageNetDogClassMapsToExactlyOneBreedWhoseNameMatches() throws {
        let labels = String(decoding: try Data(contentsOf: Cluster.repositoryRoot.appendingPathComponent("models/imagenet_labels.txt")), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(labels.count == 1000)
        // Where the names differ by more than spelling, the mapping is stated here.
        let known: [Int: String] = [156: "Cavalier King Charles Spaniel", 158: "Toy Fox Terrier", 166: "Treeing Walker Coonhound",
                                    224: "Groenendael", 227: "Kelpie", 248: "Canadian Eskimo Dog", 255: "Leonberger",
                                    262: "Brussels Griffon", 268: "Xoloitzcuintli", 152: "Japanese Chin", 215: "Brittany",
                                    216: "Clumber Spaniel", 219: "Cocker Spaniel", 199: "Scottish Terrier", 243: "Bullmastiff",
                                    154: "Pekingese"]
        func words(_ text: String) -> Set<String> {
            Set(text.lowercased().replacingOccurrences(of: "-", with: " ").split(whereSeparator: { !$0.isLetter }).map(String.init))
                .subtracting(["dog", "terrier", "hound", "the", "and", "of"])
        }
        for index in 151...268 {
            let breed = try #require(catalogue.breed(forImageNetClass: index), "class \(index) \(labels[index])")
            #expect(catalogue.breeds.filter { $0.imageNetClasses.contains(index) }.count == 1)
            if let expected = known[index] {
                #expect(breed.name.contains(expected), "class \(index) \(labels[index]) → \(breed.name)")
            } else {
                // Some word of the class's first name appears in the breed's name (catches a shifted index).
                let first = labels[index].split(separator: ",")[0]
                #expect(!words(String(first)).isDisjoint(with: words(breed.name)) || words(String(first)).isEmpty,
                        "class \(index) \(labels[index]) → \(breed.name)")
            }
        }
        #expect(catalogue.breed(forImageNetClass: 150) == nil && catalogue.breed(forImageNetClass: 269) == nil)
    }

    @Test func idsAreUniqueAndFiguresAreConsistentRanges() throws {
        let ids = catalogue.breeds.map(\.id)
        #expect(Set(ids).count == ids.count && ids.allSatisfy { $0 > 0 })
        #expect(catalogue.breeds.count >= 118)
        for breed in catalogue.breeds {
            for (range, unit) in [(breed.weightImperial, "lb"), (breed.heightImperial, "in")] {
                let ends = range.components(separatedBy: " - ").map { Double($0) }
                #expect(ends.allSatisfy { $0 != nil && $0! > 0 } && (ends.count == 1 || (ends.count == 2 && ends[0]! < ends[1]!)),
                        "\(breed.name): \(unit) \(range)")
            }
            let kg = breed.weightMetric.components(separatedBy: " - ").compactMap(Double.init)
            let lb = breed.weightImperial.components(separatedBy: " - ").compactMap(Double.init)
            for (k, l) in zip(kg, lb) { #expect(abs(k - l * 0.4536) <= 0.5, "\(breed.name)") }
            #expect(breed.lifeSpan?.hasSuffix("years") == true, "\(breed.name)")
            #expect(breed.json.objectValue?.map(\.0) == ["weight", "height", "id", "name", "bred_for", "breed_group", "life_span", "temperament",
                                                       "origin", "country_code", "reference_image_id"])
        }
        // Plausibility: the giants outweigh the toys.
        let dane = try #require(catalogue.search(name: "Great Dane").first), chihuahua = try #require(catalogue.search(name: "chihuahua").first)
        #expect(Double(dane.weightImperial.components(separatedBy: " - ")[0])! > Double(chihuahua.weightImperial.components(separatedBy: " - ")[1])!)
        #expect(catalogue.search(name: "retriever").map(\.name) == ["Chesapeake Bay Retriever", "Curly-Coated Retriever", "Flat-Coated Retriever",
                                                                    "Golden Retriever", "Labrador Retriever"])
        #expect(catalogue.breedGroups.contains("Toy") && catalogue.breedGroups.contains("Herding"))
    }

    @Test func referenceDataPointsAtBreedsThatExist() throws {
        let factIDs = DogFacts.all.map(\.id)
        #expect(Set(factIDs).count == factIDs.count && factIDs.count >= 30)
        for fact in DogFacts.all { if let id = fact.breedID { #expect(catalogue.breed(id: id) != nil, "\(fact.id)") } }
        #expect(DogFacts.slug("The German Shepherd's 'Flying Trot'") == "the-german-shepherds-flying-trot")
        for tip in DogHealthTips.all { if let id = tip.breedID { #expect(catalogue.breed(id: id) != nil, "tip \(tip.id)") } }
        for law in DogBreedBans.all {
            #expect(law.country.count == 2 && law.country == law.country.uppercased())
            #expect(!law.breedIDs.isEmpty && law.breedIDs.allSatisfy { catalogue.breed(id: $0) != nil }, "law \(law.id)")
            #expect(["ban", "restriction", "permit", "approved_list"].contains(law.approach))
        }
        // Facts about a breed say its name (catches a fact attached to the wrong id).
        for fact in DogFacts.all {
            guard let id = fact.breedID, let breed = catalogue.breed(id: id) else { continue }
            let key = breed.name.split(separator: " ").last.map(String.init) ?? breed.name
            #expect((fact.title + " " + fact.fact).localizedCaseInsensitiveContains(key) || (fact.title + fact.fact).localizedCaseInsensitiveContains(breed.name.split(separator: " ")[0]),
                    "\(fact.id) is about \(breed.name)?")
        }
    }
}
