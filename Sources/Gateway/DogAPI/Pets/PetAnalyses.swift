import Foundation
import Shared

/// One pet photo as the analyses see it: its `pet` job's result, or why there is none.
struct PetPhotoMeasurement: Sendable {
    /// The pet image's id.
    var imageID: String
    /// The pose it was tagged with.
    var pose: String?
    /// What the worker measured.
    var result: PetPhotoResult?
    /// Why there is no result (the job failed).
    var problem: String?
}

/// A pet analysis's answer: the seed's members, then Roost's `method`, `confidence` and
/// `measurements` (the figures the answer was computed from).
struct PetAnalysisAnswer: Sendable {
    /// The seed's members (`score`, `reasons`…; `generated_at` is added when it is recorded).
    var members: [(String, JSON)]
    /// How it was computed.
    var method: String
    /// 0…1.
    var confidence: Double
    /// The figures behind it.
    var measurements: JSON

    /// The answer document, generated at `now`.
    func document(generatedAt now: Double) -> JSON {
        .object(members + [("generated_at", .string(DogAPITime.format(now))), ("method", .string(method)),
                           ("confidence", .double((confidence * 1000).rounded() / 1000)), ("measurements", measurements)])
    }
}

/// The pet analyses, computed from the photos' measurements: pure functions, no I/O.
///
/// All are heuristics over geometry and colour measured in the photos (documented in
/// `docs/PETS.md`), never a vision model's prose: each answer names its `method`, gives a
/// `confidence`, and lists the figures it used; where the photos cannot support an answer, the
/// answer is null and the reasons say why.
enum PetAnalyses {
    /// A photo counts as showing a dog when the classifier gives the dog classes at least this much.
    static let dogEvidence = 0.2
    /// The depth ratio (chest depth / silhouette length) of the reference side view (the tuxpaint
    /// malamute cut-out, taken as ideal: 0.65 with its exact mask, 0.58 as localised): depth
    /// ratios are read relative to it.
    static let referenceDepthRatio = 0.6
    /// The tuck ratio (waist / chest depth) of an ideal side view.
    static let idealTuckRatio = 0.60
    /// The waist ratio (waist / rib width) of an ideal top view.
    static let idealWaistRatio = 0.75

    // MARK: Genealogy

    /// Breed probabilities combined over the photos: each photo's dog classes renormalised
    /// within the dog classes and weighted by its dog probability, mapped to the catalogue.
    /// Mixed breed when the primary breed is under 0.60 and the secondary at least 0.15.
    static func genealogy(_ photos: [PetPhotoMeasurement], speciesID: String?) -> PetAnalysisAnswer {
        let method = "mobilenet_v2 dog classes, confidence-weighted mean over photos (heuristic)"
        if speciesID == "2" {
            return PetAnalysisAnswer(members: [("genealogy", Self.noGenealogy("genealogy covers dog breeds (the classifier's 118 dog classes); this pet is recorded as a cat (species_id 2)"))],
                                     method: method, confidence: 0, measurements: ["photos": .array(photoList(photos))])
        }
        var totals: [Int: Double] = [:], weightSum = 0.0
        var used: [JSON] = []
        for photo in photos {
            guard let result = photo.result, result.dogProbability >= dogEvidence else { continue }
            let weight = result.dogProbability
            let listed = result.dogClasses.reduce(0) { $0 + $1.probability }
            guard listed > 0 else { continue }
            for score in result.dogClasses {
                guard let breed = DogCatalogue.standard.breed(forImageNetClass: score.classIndex) else { continue }
                totals[breed.id, default: 0] += weight * score.probability / listed
            }
            weightSum += weight
            used.append(["image_id": .string(photo.imageID), "dog_probability": .double(rounded(result.dogProbability)), "weight": .double(rounded(weight))])
        }
        guard weightSum > 0 else {
            return PetAnalysisAnswer(members: [("genealogy", Self.noGenealogy("no photo shows a dog (dog probability ≥ \(dogEvidence) in none of \(photos.count) photos)"))],
                                     method: method, confidence: 0, measurements: ["photos": .array(photoList(photos))])
        }
        let ranked = totals.map { (id: $0.key, p: $0.value / weightSum) }.sorted { $0.p != $1.p ? $0.p > $1.p : $0.id < $1.id }.prefix(10)
        func breed(_ index: Int) -> JSON {
            guard index < ranked.count, let b = DogCatalogue.standard.breed(id: ranked[index].id) else { return .null }
            return ["id": .string(String(b.id)), "label": .string(b.name), "confidence": .double(rounded(ranked[index].p))]
        }
        let primary = ranked.first?.p ?? 0, secondary = ranked.count > 1 ? ranked[1].p : 0
        let mixed = primary < 0.60 && secondary >= 0.15
        let names = ranked.map { DogCatalogue.standard.breed(id: $0.id)?.name ?? "?" }
        let reasoning = mixed
            ? "Mixed: the most likely breed, \(names[0]), has \(percent(primary)) and the next, \(names[1]), \(percent(secondary)) (rule: primary under 60% and secondary at least 15%), over \(used.count) photo(s)."
            : "Not mixed: \(names[0]) has \(percent(primary))" + (ranked.count > 1 ? " and the next, \(names[1]), \(percent(secondary))" : "")
                + " (rule: mixed when the primary is under 60% and the secondary at least 15%), over \(used.count) photo(s)."
        let genealogy: JSON = [
            "is_mixed_breed": .bool(mixed), "mixed_breed_reasoning": .string(reasoning),
            "primary_breed": breed(0), "secondary_breed": breed(1), "tertiary_breed": breed(2),
            "breed_probabilities": ["ids": .array(ranked.map { .string(String($0.id)) }), "labels": .array(names.map { .string($0) }),
                                    "confidences": .array(ranked.map { .double(rounded($0.p)) })],
        ]
        let confidence = primary * min(1, weightSum / Double(max(1, used.count)))
        return PetAnalysisAnswer(members: [("genealogy", genealogy)], method: method, confidence: confidence,
                                 measurements: ["photos": .array(used), "photos_without_a_dog": .int(photos.count - used.count)])
    }

    private static func noGenealogy(_ reason: String) -> JSON {
        ["is_mixed_breed": .null, "mixed_breed_reasoning": .string(reason), "primary_breed": .null, "secondary_breed": .null,
         "tertiary_breed": .null, "breed_probabilities": ["ids": [], "labels": [], "confidences": []]]
    }

    // MARK: Body condition and muscle

    /// One photo's body-condition index from its silhouette: side views from the tuck ratio and
    /// the depth ratio, top views from the waist ratio; nil with the reason when unusable.
    static func conditionIndex(_ photo: PetPhotoMeasurement) -> (index: Double, weight: Double, figures: JSON)? {
        guard let result = photo.result, result.found, let figures = result.silhouette, let view = result.silhouetteView else { return nil }
        let index: Double
        var weight = result.localisationConfidence
        if view == "top" {
            index = 5 + 10 * (figures.tuckRatio - idealWaistRatio)
        } else {
            // The depth weighs more than the tuck: a mask's belly line is noisier than its back line.
            index = 5 + 3 * (figures.tuckRatio - idealTuckRatio) + 6 * (figures.depthRatio / referenceDepthRatio - 1)
            if photo.pose == nil || photo.pose == "other" { weight *= 0.6 }  // read as a side view without being tagged so
        }
        var document = figures.json
        document = .object((document.objectValue ?? []) + [("view", .string(view)), ("index", .double(rounded(index, 100)))])
        return (min(9, max(1, index)), max(0.01, weight), document)
    }

    /// Body condition 1–9 from the side and top views: the weighted mean of the photos'
    /// indices (`conditionIndex`), rounded.
    static func bodyCondition(_ photos: [PetPhotoMeasurement]) -> PetAnalysisAnswer {
        let method = "silhouette geometry (tuck, depth and waist ratios of the localised mask; heuristic)"
        let (index, confidence, measured, reasons) = combinedCondition(photos)
        guard let index else {
            return PetAnalysisAnswer(members: [("score", .null), ("reasons", .string("No score: " + reasons))], method: method, confidence: 0,
                                     measurements: ["photos": .array(measured)])
        }
        let score = Int(index.rounded())
        let words = score <= 3 ? "thin" : score <= 6 ? "about ideal" : "heavy"
        return PetAnalysisAnswer(members: [("score", .int(score)), ("reasons", .string("Body condition \(score) of 9 (\(words)): \(reasons)"))],
                                 method: method, confidence: confidence, measurements: ["index": .double(rounded(index, 100)), "photos": .array(measured)])
    }

    /// Muscle condition as a wasting-risk flag: raised when the silhouette is thin (index ≤ 3.5)
    /// with an exaggerated tuck (side view tuck ratio under 0.5), as lost muscle over the loins
    /// and hindquarters shows in outline.
    static func muscleCondition(_ photos: [PetPhotoMeasurement]) -> PetAnalysisAnswer {
        let method = "silhouette geometry (body-condition index and tuck ratio; heuristic)"
        let (index, confidence, measured, reasons) = combinedCondition(photos)
        guard let index else {
            return PetAnalysisAnswer(members: [("wasting_risk_flag", .null), ("reasons", .string("No flag: " + reasons))], method: method,
                                     confidence: 0, measurements: ["photos": .array(measured)])
        }
        let tucks = photos.compactMap { photo -> Double? in
            guard let r = photo.result, r.found, r.silhouetteView == "side", let f = r.silhouette else { return nil }
            return f.tuckRatio
        }
        let tuck = tucks.min()
        let flag = index <= 3.5 && (tuck ?? 1) < 0.5
        let text = flag
            ? "Wasting risk: a thin outline (index \(rounded(index, 10))) with an exaggerated tuck (ratio \(tuck.map { String(rounded($0)) } ?? "?")). \(reasons)"
            : "No wasting risk seen in outline: index \(rounded(index, 10))" + (tuck.map { ", tuck ratio \(rounded($0))" } ?? "")
                + " (flag when index ≤ 3.5 and tuck ratio < 0.5). Outline cannot show muscle tone itself. \(reasons)"
        return PetAnalysisAnswer(members: [("wasting_risk_flag", .bool(flag)), ("reasons", .string(text))], method: method,
                                 confidence: confidence * 0.6, measurements: ["index": .double(rounded(index, 100)), "photos": .array(measured)])
    }

    /// The weighted body-condition index over the usable photos, its confidence, the per-photo
    /// figures and a sentence of reasons; index nil when no photo is usable.
    private static func combinedCondition(_ photos: [PetPhotoMeasurement]) -> (Double?, Double, [JSON], String) {
        var sum = 0.0, weights = 0.0
        var measured: [JSON] = [], used: [String] = [], unusable: [String] = []
        var views = Set<String>()
        for photo in photos {
            if let (index, weight, figures) = conditionIndex(photo) {
                sum += index * weight; weights += weight
                views.insert(photo.result?.silhouetteView ?? "")
                measured.append(.object([("image_id", .string(photo.imageID)), ("pose", photo.pose.map { .string($0) } ?? .null),
                                         ("weight", .double(rounded(weight)))] + (figures.objectValue ?? [])))
                let f = photo.result!.silhouette!
                used.append(photo.result!.silhouetteView == "top"
                            ? "photo \(photo.imageID) from above: waist \(rounded(f.waistDepth, 1)) px over ribs \(rounded(f.chestDepth, 1)) px (ratio \(rounded(f.tuckRatio)), ideal about \(idealWaistRatio))"
                            : "photo \(photo.imageID) from the side: waist depth \(rounded(f.waistDepth, 1)) px over chest depth \(rounded(f.chestDepth, 1)) px (tuck ratio \(rounded(f.tuckRatio)), ideal about \(idealTuckRatio)), chest depth over length \(rounded(f.depthRatio)) (reference \(referenceDepthRatio))")
            } else {
                let why = photo.problem ?? photo.result.flatMap { $0.found ? $0.silhouetteProblem : "no dog or cat was found in it" } ?? "not measured"
                measured.append(["image_id": .string(photo.imageID), "pose": photo.pose.map { .string($0) } ?? .null, "problem": .string(why)])
                unusable.append("photo \(photo.imageID): \(why)")
            }
        }
        let skipped = unusable.isEmpty ? "" : " Not used: " + unusable.joined(separator: "; ") + "."
        guard weights > 0 else {
            return (nil, 0, measured, (photos.isEmpty ? "the pet has no photos." : "no photo shows a usable side or top view.") + skipped)
        }
        // One view is weaker evidence than side and top together; each unusable photo lowers it a little.
        let coverage = views.count >= 2 ? 0.7 : 0.5
        let confidence = coverage * min(1, weights / Double(max(1, used.count))) * (1 - 0.5 * Double(unusable.count) / Double(photos.count))
        return (sum / weights, confidence, measured, used.joined(separator: "; ") + "." + skipped)
    }

    // MARK: Age

    /// The pet's age in months: exact from `dateOfBirth`; else from the ages photos were tagged
    /// with plus the time since; else a range from muzzle greying (the head end's grey share well
    /// above the body's), with a low confidence; else null: no cue measured.
    static func estimatedAge(dateOfBirth: String?, taggedAges: [(months: Int, takenAt: Double)], photos: [PetPhotoMeasurement],
                             now: Double) -> PetAnalysisAnswer {
        if let dateOfBirth, let months = monthsSince(dateOfBirth, now: now) {
            return PetAnalysisAnswer(members: [("age_months", .int(months)), ("reasons", .string("Exact: born \(dateOfBirth), \(months) full months ago."))],
                                     method: "date_of_birth", confidence: 1, measurements: ["date_of_birth": .string(dateOfBirth)])
        }
        if let latest = taggedAges.max(by: { $0.takenAt < $1.takenAt }) {
            let months = latest.months + max(0, PetAge.months(from: PetAge.day(epoch: latest.takenAt), to: PetAge.day(epoch: now)))
            return PetAnalysisAnswer(members: [("age_months", .int(months)),
                                               ("reasons", .string("From the photos' ages: \(latest.months) months when the latest tagged photo was uploaded, plus the time since."))],
                                     method: "photo_ages", confidence: 0.9,
                                     measurements: ["tagged_age_months": .int(latest.months), "tagged_at": .string(DogAPITime.format(latest.takenAt))])
        }
        let method = "muzzle greying (grey share of the head end against the body; heuristic)"
        var measured: [JSON] = []
        var differences: [Double] = []
        for photo in photos {
            guard let r = photo.result, r.found, let head = r.headGreyFraction, let body = r.bodyGreyFraction else { continue }
            differences.append(head - body)
            measured.append(["image_id": .string(photo.imageID), "head_grey_fraction": .double(rounded(head)),
                             "body_grey_fraction": .double(rounded(body))])
        }
        let noScale = "The photos carry no scale, so size against the breed's adult size cannot be measured."
        guard !differences.isEmpty else {
            return PetAnalysisAnswer(members: [("age_months", .null), ("reasons", .string("No estimate: no photo shows the animal clearly enough to measure the muzzle. \(noScale)"))],
                                     method: method, confidence: 0, measurements: ["photos": .array(measured)])
        }
        let difference = differences.reduce(0, +) / Double(differences.count)
        guard difference >= 0.15 else {
            return PetAnalysisAnswer(members: [("age_months", .null),
                                               ("reasons", .string("No estimate: the head end is not markedly greyer than the body (grey share \(rounded(difference)) above the body's; greying counts from 0.15). \(noScale)"))],
                                     method: method, confidence: 0, measurements: ["grey_difference": .double(rounded(difference)), "photos": .array(measured)])
        }
        return PetAnalysisAnswer(members: [("age_months", .int(120)),
                                           ("reasons", .string("Senior range 84–180 months: the head end is greyer than the body by \(rounded(difference)) of its pixels (muzzle greying usually shows from about 7 years; light-faced coats read the same, hence the low confidence). \(noScale)")),
                                           ("age_range_months", ["min": .int(84), "max": .int(180)])],
                                 method: method, confidence: 0.25, measurements: ["grey_difference": .double(rounded(difference)), "photos": .array(measured)])
    }

    /// Whole months from `date` (`YYYY-MM-DD`) to `now`, counted as the pets routes count ages
    /// (`PetAge`); nil when unreadable or in the future.
    static func monthsSince(_ date: String, now: Double) -> Int? {
        guard let born = PetAge.day(date) else { return nil }
        let months = PetAge.months(from: born, to: PetAge.day(epoch: now))
        return months >= 0 ? months : nil
    }

    // MARK: Helpers

    private static func photoList(_ photos: [PetPhotoMeasurement]) -> [JSON] {
        photos.map { ["image_id": .string($0.imageID), "dog_probability": $0.result.map { .double(rounded($0.dogProbability)) } ?? .null] }
    }

    static func rounded(_ value: Double, _ scale: Double = 1000) -> Double { (value * scale).rounded() / scale }

    private static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}
