import Foundation
import Inference
import Shared

/// Finds the dog or cat in a photo and cuts out its silhouette, with nothing but the ImageNet
/// classifier (no detector or segmenter with weights ships on PyPI or Debian).
///
/// 1. MobileNetV2 runs in dense form (`InferenceModel(denseClassifierAt:)`: its final layer
///    applied at every position of the last feature map) on the whole, uncropped photo twice:
///    at a long side of 224 px, whose mean logits are the photo's classification
///    (`probabilities`; no centre crop, so an animal at the edge still counts), and at 640 px,
///    which gives, per 32 px cell (a 20×15 grid for a 4:3 photo), the animal share of that
///    cell's own softmax (`AnimalEvidenceMap`). The large pass is what makes the map fine
///    enough to seed a silhouette (mean IoU 0.61 at 384 px, 0.65 at 448, 0.73 at 576, 0.78 at
///    640; docs/MODELS.md); at that scale the whole-photo vote is poor, hence the small pass.
/// 2. At a working size (long side 256 px) the map seeds a GrabCut-style colour and texture graph
///    cut (`SilhouetteSegmenter`): low evidence is background for certain, the rest is decided by
///    colour mixtures (the animal's learnt from where the evidence is surest), local-texture
///    histograms, the map as a prior, and colour edges, refitted three times.
/// 3. The working mask is cleaned and enlarged to the photo's size, its edge band re-decided
///    per pixel by colour (`SilhouetteUpsampler`).
///
/// **Found** when the whole-photo dog + cat probability is at least `foundProbability` (0.5), or
/// the animal evidence (≥ 0.5) covers at least `foundEvidenceShare` (4 %) of the photo — a
/// dog small in a busy scene often loses the whole-photo vote but still owns its cells.
///
/// **Confidence** = √(evidence × separation): `evidence` the mean animal evidence over the
/// mask, `separation` = 2·agreement − 1 (floored at 0), `agreement` the share of working pixels
/// whose colour alone (which mixture explains it better) agrees with the mask. Low when the
/// network is unsure the masked pixels are animal, or when animal and background colours
/// overlap (a grey dog on grey concrete), so the edge is a guess.
///
/// ```swift
/// let localiser = try AnimalLocaliser(modelsDirectory: URL(fileURLWithPath: "models"))
/// let location = try localiser.locate(photo)          // photo: upright RGBImage
/// if location.found { print(location.mask.boundingBox!, location.confidence) }
/// ```
/// Every call is blocking CPU work: call it from worker threads, not Swift's cooperative pool.
public final class AnimalLocaliser: Sendable {
    /// What `AnimalLocation.method` says.
    public static let method = "mobilenet_v2 dense animal evidence (224 + 640 px) + GrabCut-style colour and texture graph cut (256 px) + colour-aware upsampling"
    /// Long side of the classification pass.
    public static let classificationSide = 224
    /// Long sides of the evidence passes.
    public static let evidenceSides = [640]
    /// Long side of the working image the graph cut runs on.
    public static let workingSide = 256
    /// Whole-photo dog + cat probability at which an animal is found.
    public static let foundProbability: Float = 0.5
    /// Share of the photo with animal evidence ≥ 0.5 at which an animal is found.
    public static let foundEvidenceShare: Float = 0.04

    private let inputName: String
    private let sessions: SessionPool<InferenceSession>
    /// The segmentation settings `locate` uses.
    let settings: SilhouetteSegmenter.Settings

    /// Loads `mobilenet_v2.onnx` from `modelsDirectory` in dense form.
    /// - Parameters:
    ///   - modelsDirectory: The folder `scripts/fetch-models.sh` fills (`models/`).
    ///   - threads: Threads each inference may use.
    public convenience init(modelsDirectory: URL, threads: Int = 1) throws {
        try self.init(modelsDirectory: modelsDirectory, threads: threads, settings: .init())
    }

    /// Loads the model with segmentation `settings` (for tuning).
    init(modelsDirectory: URL, threads: Int, settings: SilhouetteSegmenter.Settings) throws {
        let url = modelsDirectory.appendingPathComponent(ImageClassifier.modelFile)
        guard FileManager.default.fileExists(atPath: url.path) else { throw ClassifierError.missingFile(url) }
        let model = try InferenceModel(denseClassifierAt: url, threads: max(1, threads))
        guard let input = model.inputNames.first else { throw ClassifierError.badModel("\(url.path) has no input") }
        inputName = input
        sessions = SessionPool(model: model)
        self.settings = settings
    }

    /// Locates the animal in `image` (upright RGB). The mask is exactly the image's size.
    /// - Throws: `InferenceError` from the engine.
    public func locate(_ image: RGBImage) throws -> AnimalLocation {
        try locate(image, settings: settings)
    }

    /// What the network says about a photo: the whole-photo probabilities and, at the working
    /// size, the averaged animal evidence map.
    struct NetworkView {
        /// Softmax of the classification pass.
        let probabilities: [Float]
        /// The photo at the working size.
        let working: RGBImage
        /// Animal evidence per working pixel (the evidence passes averaged).
        let evidence: [Float]
    }

    /// Runs the classification and evidence passes over `image`.
    func networkView(_ image: RGBImage, evidenceSides: [Int] = AnimalLocaliser.evidenceSides,
                     workingSide: Int = AnimalLocaliser.workingSide) throws -> NetworkView {
        precondition(image.width >= 1 && image.height >= 1, "empty image")
        let whole = try evidence(image, longSide: Self.classificationSide)
        let probabilities = Classification.softmax(whole.meanLogits).map { Float($0) }
        let scale = Float(workingSide) / Float(max(image.width, image.height))
        let working = scale < 1
            ? image.resized(width: max(1, Int((Float(image.width) * scale).rounded())),
                            height: max(1, Int((Float(image.height) * scale).rounded())))
            : image
        let count = working.width * working.height
        var map = [Float](repeating: 0, count: count)
        for side in evidenceSides {
            let cells = side == Self.classificationSide ? whole : try evidence(image, longSide: side)
            let resampled = cells.resampled(width: working.width, height: working.height)
            for i in 0..<count { map[i] += resampled[i] / Float(evidenceSides.count) }
        }
        return NetworkView(probabilities: probabilities, working: working, evidence: map)
    }

    /// `locate` with other segmentation settings (for tuning).
    func locate(_ image: RGBImage, settings: SilhouetteSegmenter.Settings) throws -> AnimalLocation {
        try locate(image, view: try networkView(image), settings: settings)
    }

    /// The location from a network view already computed.
    func locate(_ image: RGBImage, view: NetworkView, settings: SilhouetteSegmenter.Settings) -> AnimalLocation {
        let probabilities = view.probabilities
        let dog = probabilities[151...268].reduce(0, +)
        let cat = probabilities[281...285].reduce(0, +)
        func result(_ mask: AnimalMask?, confidence: Float) -> AnimalLocation {
            AnimalLocation(mask: mask ?? AnimalMask(width: image.width, height: image.height), found: mask != nil,
                           probabilities: probabilities, dogProbability: dog, catProbability: cat,
                           method: Self.method, confidence: confidence)
        }
        let working = view.working, map = view.evidence
        let share = Float(map.reduce(0) { $0 + ($1 >= 0.5 ? 1 : 0) }) / Float(map.count)
        guard dog + cat >= Self.foundProbability || share >= Self.foundEvidenceShare, share > 0 else {
            return result(nil, confidence: 0)
        }
        guard let cut = SilhouetteSegmenter(settings: settings).segment(working, evidence: map) else {
            return result(nil, confidence: 0)
        }
        let mask = SilhouetteUpsampler.mask(labels: cut.mask, width: working.width, height: working.height, image: image,
                                            animal: cut.animal, background: cut.background, colourEdges: settings.colourEdges)
        guard mask.area > 0 else { return result(nil, confidence: 0) }
        return result(mask, confidence: Self.confidence(labels: cut.mask, evidence: map, image: working,
                                                        animal: cut.animal, background: cut.background))
    }

    /// The dense classifier's evidence for `image` resized to a long side of `longSide` (each
    /// side a multiple of 32, at least 32).
    func evidence(_ image: RGBImage, longSide: Int) throws -> AnimalEvidenceMap {
        let scale = Double(longSide) / Double(max(image.width, image.height))
        let width = max(32, Int((Double(image.width) * scale / 32).rounded()) * 32)
        let height = max(32, Int((Double(image.height) * scale / 32).rounded()) * 32)
        let resized = image.resized(width: width, height: height)
        let plane = width * height
        var data = [Float](repeating: 0, count: 3 * plane)
        for channel in 0..<3 {
            let gain = 1 / (255 * ImagePreprocessor.standardDeviation[channel])
            let offset = -ImagePreprocessor.mean[channel] / ImagePreprocessor.standardDeviation[channel]
            for i in 0..<plane { data[channel * plane + i] = Float(resized.pixels[i * 3 + channel]) * gain + offset }
        }
        let outputs = try sessions.withSession { try $0.run([inputName: Tensor(shape: [1, 3, height, width], data: data)]) }
        guard let logits = outputs[InferenceModel.locationLogitsName], logits.shape.count == 4, logits.shape[1] == 1000 else {
            throw ClassifierError.badModel("the dense classifier's output is not [1, 1000, h, w]")
        }
        return AnimalEvidenceMap(locationLogits: logits)
    }

    /// The documented confidence heuristic (see the type's documentation).
    static func confidence(labels: [Bool], evidence: [Float], image: RGBImage, animal: ColourMixture,
                           background: ColourMixture) -> Float {
        var evidenceSum: Float = 0, inside = 0, agree = 0
        let p = image.pixels
        for i in labels.indices {
            let animalColour = animal.logLikelihood(p[i * 3], p[i * 3 + 1], p[i * 3 + 2])
                > background.logLikelihood(p[i * 3], p[i * 3 + 1], p[i * 3 + 2])
            if animalColour == labels[i] { agree += 1 }
            if labels[i] { evidenceSum += evidence[i]; inside += 1 }
        }
        guard inside > 0 else { return 0 }
        let separation = max(0, 2 * Float(agree) / Float(labels.count) - 1)
        return min(1, (evidenceSum / Float(inside) * separation).squareRoot())
    }
}
