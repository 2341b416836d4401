import Foundation
import Shared

/// `birds`: bird identification over MobileNetV2's 59 ImageNet bird classes, in the three modes
/// of `BirdsMode`. Heuristic by nature (ImageNet is not a bird-species dataset): every result says
/// how its probability was obtained (`method`).
///
/// - `species`: the bird class with the highest softmax probability, scored by that probability.
/// - `checked`: when the photo's category is `bird` (the `ImageNetCategories` rule), as
///   `species`; else `dog` / `cat` scored by their classes' summed probability; else, when
///   YuNet finds a face (searched at 640 pixels), `person` scored by the best face's detector score; else the top
///   ImageNet class and its probability.
/// - `persona`: the most probable bird class, its probability divided by the bird classes' sum.
struct BirdsHandler: JobHandler {
    /// The shared classifier.
    let classifier: ImageClassifier
    /// The face detector for `checked` mode; nil when the face models are not loaded (then a
    /// photo that is no animal is answered by its top ImageNet class, and `method` says so).
    let faces: FaceAnalyzer?
    /// Pixel limit checked from the header before decoding.
    let maxPixels: Int
    /// Logic version and model fingerprints (see `JobHandler.resultVersion`).
    let resultVersion: String?
    /// Serves `birds`.
    let jobKind = JobKind.birds

    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        guard let mode = BirdsMode(params: job.params) else {
            throw JobError.permanent(JobErrorCode.badParams, "'mode' must be one of \(BirdsMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try ImageDecoder.readHeader(bytes, maxPixels: maxPixels)
        let (input, _, _) = try classifier.input(jpeg: bytes)
        let started = ContinuousClock.now
        let probabilities = Classification.softmax(try classifier.logits(input: input))
        let inferenceMs = ImageClassifier.milliseconds(since: started)
        return try answer(mode: mode, probabilities: probabilities, bytes: bytes, inferenceMs: inferenceMs).json
    }

    /// The answer for `mode` given the photo's 1000 class probabilities.
    func answer(mode: BirdsMode, probabilities: [Double], bytes: [UInt8], inferenceMs: Double) throws -> BirdsResult {
        let birdSum = Self.sum(probabilities, over: ImageNetCategories.birds)
        let bestBird = Self.argmax(probabilities, over: ImageNetCategories.birds)
        func bird(_ probability: Double, _ method: String) -> BirdsResult {
            BirdsResult(mode: mode, shows: "bird", label: classifier.labels[bestBird], probability: probability, classIndex: bestBird,
                        birdProbability: birdSum, faces: nil, method: method, model: ImageClassifier.modelName, inferenceMs: inferenceMs)
        }
        switch mode {
        case .species:
            return bird(probabilities[bestBird], "softmax probability of the most probable of 59 ImageNet bird classes")
        case .persona:
            return bird(birdSum > 0 ? probabilities[bestBird] / birdSum : 0,
                        "probability of the most probable ImageNet bird class renormalised over the 59 bird classes")
        case .checked:
            let top = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            let category = ImageNetCategories.category(forTop: top, probabilities: probabilities)
            func other(_ shows: String, _ label: String, _ probability: Double, _ index: Int?, faces: Int?, _ method: String) -> BirdsResult {
                BirdsResult(mode: mode, shows: shows, label: label, probability: probability, classIndex: index, birdProbability: birdSum,
                            faces: faces, method: method, model: ImageClassifier.modelName, inferenceMs: inferenceMs)
            }
            switch category {
            case "bird":
                return bird(probabilities[bestBird], "category bird (summed bird-class probability \(Self.percent(birdSum))); softmax probability of the most probable bird class")
            case "dog":
                return other("dog", "dog", Self.sum(probabilities, over: ImageNetCategories.dogs), nil, faces: nil,
                             "category dog: summed probability of the 118 ImageNet dog breeds")
            case "cat":
                return other("cat", "cat", Self.sum(probabilities, over: ImageNetCategories.cats), nil, faces: nil,
                             "category cat: summed probability of the 5 ImageNet domestic cat classes")
            default:
                guard let faces else {
                    return other("other", classifier.labels[top], probabilities[top], top, faces: nil,
                                 "no bird, dog or cat; face check unavailable (face models not loaded); top ImageNet class")
                }
                let found = try faces.analyze(jpeg: bytes, maxSide: Self.faceCheckSide).faces
                if let best = found.max(by: { $0.score < $1.score }) {
                    return other("person", "person", Double(best.score), nil, faces: found.count,
                                 "no bird, dog or cat; YuNet found \(found.count) face(s): score of the best face")
                }
                return other("other", classifier.labels[top], probabilities[top], top, faces: 0,
                             "no bird, dog or cat and no face; softmax probability of the top ImageNet class")
            }
        }
    }

    /// The detector size of the face check: a photo "of a person" shows a face large enough to be
    /// found at 640 pixels, at a fraction of the cost of the faces kind's full-size search.
    static let faceCheckSide = 640

    static func sum(_ probabilities: [Double], over ranges: [ClosedRange<Int>]) -> Double {
        ranges.reduce(0) { total, range in total + range.reduce(0) { $0 + probabilities[$1] } }
    }

    static func argmax(_ probabilities: [Double], over ranges: [ClosedRange<Int>]) -> Int {
        var best = ranges[0].lowerBound
        for range in ranges { for index in range where probabilities[index] > probabilities[best] { best = index } }
        return best
    }

    private static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
