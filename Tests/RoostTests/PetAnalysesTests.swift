import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// How the pet analyses combine photo measurements: the rules the API documents (mixed breed,
/// weights, null answers, ages), on measurement documents as workers write them.
@Suite struct PetAnalysesTests {
    /// A measured photo: `classes` (ImageNet index → probability) and optional side-view figures.
    private func photo(_ id: String, pose: String? = "side", dog: Double, classes: [Int: Double],
                       figures: SilhouetteFigures? = nil, grey: (Double, Double)? = nil) -> PetPhotoMeasurement {
        let result = PetPhotoResult(width: 640, height: 480, dogProbability: dog, catProbability: 0,
                                    dogClasses: classes.map { .init(classIndex: $0.key, probability: $0.value) }.sorted { $0.probability > $1.probability },
                                    found: dog >= 0.2, box: nil, maskFraction: 0.2, localisationMethod: "test", localisationConfidence: 0.8,
                                    silhouette: figures, silhouetteView: figures == nil ? nil : (pose == "top" ? "top" : "side"),
                                    silhouetteProblem: figures == nil ? "not measured" : nil,
                                    headGreyFraction: grey?.0, bodyGreyFraction: grey?.1, portrait: nil)
        return PetPhotoMeasurement(imageID: id, pose: pose, result: result, problem: nil)
    }

    private func side(tuck: Double, depth: Double) -> SilhouetteFigures {
        SilhouetteFigures(axisAngle: 0, length: 300, torsoLength: 150, chestDepth: 300 * depth, waistDepth: 300 * depth * tuck, area: 20000)
    }

    @Test("genealogy weights photos by their dog probability and calls a clear winner pure-bred")
    func genealogyPureBred() throws {
        // 154 Pekinese, 249 malamute; the photo without a dog is left out.
        let answer = PetAnalyses.genealogy([photo("a", dog: 0.9, classes: [154: 0.8, 249: 0.1]),
                                            photo("b", dog: 0.5, classes: [154: 0.4, 249: 0.1]),
                                            photo("c", dog: 0.05, classes: [249: 0.05])], speciesID: "1")
        let genealogy = try #require(answer.members.first { $0.0 == "genealogy" }?.1)
        #expect(genealogy["primary_breed"]?["label"]?.stringValue == "Pekingese")
        #expect(genealogy["secondary_breed"]?["label"]?.stringValue?.contains("Malamute") == true)
        #expect(genealogy["is_mixed_breed"]?.boolValue == false)
        let confidences = genealogy["breed_probabilities"]?["confidences"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(abs(confidences.reduce(0, +) - 1) < 0.01)        // renormalised within the dog classes
        #expect(abs(confidences[0] - (0.9 * 0.8 / 0.9 + 0.5 * 0.4 / 0.5) / 1.4) < 0.002)
        #expect(answer.measurements["photos_without_a_dog"]?.intValue == 1)
    }

    @Test("two breeds close together are mixed, with the figures in the reasoning; no dog means no breeds")
    func genealogyMixedAndNone() throws {
        let mixed = PetAnalyses.genealogy([photo("a", dog: 0.9, classes: [154: 0.45, 249: 0.4])], speciesID: nil)
        let genealogy = try #require(mixed.members.first?.1)
        #expect(genealogy["is_mixed_breed"]?.boolValue == true)
        #expect(genealogy["mixed_breed_reasoning"]?.stringValue?.contains("53%") == true)
        let none = PetAnalyses.genealogy([photo("a", dog: 0.01, classes: [:])], speciesID: nil)
        #expect(none.members.first?.1["primary_breed"] == .null)
        #expect(none.confidence == 0)
        #expect(none.members.first?.1["mixed_breed_reasoning"]?.stringValue?.contains("no photo shows a dog") == true)
    }

    @Test("a deeper body scores a higher body condition; no usable view gives a null score with the reasons")
    func bodyCondition() throws {
        func score(_ depth: Double, tuck: Double = 0.6) -> Int? {
            PetAnalyses.bodyCondition([photo("a", dog: 0.9, classes: [249: 0.9], figures: side(tuck: tuck, depth: depth))])
                .members.first { $0.0 == "score" }?.1.intValue
        }
        let ideal = try #require(score(0.6)), heavy = try #require(score(0.8)), thin = try #require(score(0.45, tuck: 0.45))
        #expect(ideal == 5 && heavy > ideal && thin < ideal)
        let none = PetAnalyses.bodyCondition([photo("a", pose: "front", dog: 0.9, classes: [249: 0.9])])
        #expect(none.members.first { $0.0 == "score" }?.1 == .null)
        #expect(none.members.first { $0.0 == "reasons" }?.1.stringValue?.contains("photo a: not measured") == true)
        // Thin with a deep tuck raises the wasting flag; an ideal outline does not.
        let flagged = PetAnalyses.muscleCondition([photo("a", dog: 0.9, classes: [249: 0.9], figures: side(tuck: 0.4, depth: 0.4))])
        #expect(flagged.members.first?.1.boolValue == true)
        let fine = PetAnalyses.muscleCondition([photo("a", dog: 0.9, classes: [249: 0.9], figures: side(tuck: 0.6, depth: 0.6))])
        #expect(fine.members.first?.1.boolValue == false)
    }

    @Test("age: exact from the date of birth, else from tagged photo ages, else greying as a range, else null")
    func age() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2024-01-15T12:00:00Z")).timeIntervalSince1970
        let exact = PetAnalyses.estimatedAge(dateOfBirth: "2022-06-15", taggedAges: [], photos: [], now: now)
        #expect(exact.members.first?.1.intValue == 19 && exact.method == "date_of_birth" && exact.confidence == 1)
        let tagged = PetAnalyses.estimatedAge(dateOfBirth: nil, taggedAges: [(months: 6, takenAt: now - 86_400 * 92)], photos: [], now: now)
        #expect(tagged.members.first?.1.intValue == 9 && tagged.method == "photo_ages")
        let grey = PetAnalyses.estimatedAge(dateOfBirth: nil, taggedAges: [],
                                            photos: [photo("a", dog: 0.9, classes: [249: 0.9], figures: side(tuck: 0.6, depth: 0.6), grey: (0.7, 0.2))], now: now)
        #expect(grey.members.first?.1.intValue == 120 && grey.confidence < 0.5)
        let unknown = PetAnalyses.estimatedAge(dateOfBirth: nil, taggedAges: [],
                                               photos: [photo("a", dog: 0.9, classes: [249: 0.9], figures: side(tuck: 0.6, depth: 0.6), grey: (0.3, 0.25))], now: now)
        #expect(unknown.members.first?.1 == .null && unknown.confidence == 0)
        #expect(PetAnalyses.monthsSince("2030-01-01", now: now) == nil)
    }
}
