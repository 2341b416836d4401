import Foundation
import Shared

/// Cuts an animal's silhouette out of a small image given a coarse 0…1 map of where the animal
/// is (GrabCut seeded by evidence instead of a user's box).
///
/// Pixels where the map stays low over a whole neighbourhood are background for certain;
/// everything else is decided by a graph cut whose unary costs combine two colour mixtures
/// (animal, background) and two local-texture histograms with the map as a prior, and whose pair
/// costs follow colour edges (GrabCut's γ·exp(−β‖Δc‖²)). The models start from the map's
/// confident part and are refitted from each cut's labels, as GrabCut does — except that the
/// animal's colours are learnt only from the part of the cut the network is surest of, so sky or
/// snow the cut took in beside a grey-and-white dog does not become "animal colour" and pull in
/// more of itself on the next round.
struct SilhouetteSegmenter {
    /// Tunable constants (defaults are the tuned values; see docs/MODELS.md).
    struct Settings {
        /// Evidence below this (over a whole neighbourhood) is background for certain.
        var backgroundEvidence: Float = 0.2
        /// Evidence at or above this (over a whole neighbourhood) is foreground for certain. Off
        /// (above 1) by default: the evidence is blurred over whole 32 px cells, so even deep
        /// inside it background pixels (between the legs, beside the ears) would be forced in
        /// and poison the animal's colour model.
        var foregroundEvidence: Float = 2
        /// Radius, in working pixels, of the neighbourhood certain background must fill.
        var certainRadius = 4
        /// Radius, in working pixels, of the neighbourhood certain foreground must fill.
        var foregroundRadius = 4
        /// Weight of the evidence prior against the colour likelihoods.
        var priorWeight: Float = 0.5
        /// The prior is the evidence clamped to [priorFloor, 1 − priorFloor].
        var priorFloor: Float = 0.02
        /// Evidence at or above this starts as animal before the first colour fit.
        var initialEvidence: Float = 0.7
        /// GrabCut's γ: the cost of a label change between two equal-coloured neighbours.
        var smoothness: Float = 35
        /// Colour-model refits.
        var iterations = 3
        /// Mixture components per colour model.
        var components = 5
        /// The animal colour model is refitted only from animal-labelled pixels whose evidence is
        /// at least this (0: all of them), so background the cut took in at the blurred rim of
        /// the evidence does not teach the animal model its colours.
        var animalModelEvidence: Float = 0.95
        /// …but never fewer than this share of the animal-labelled pixels (those with the most
        /// evidence), so a photo whose evidence never gets that high still has a model.
        var animalModelShare: Float = 0.25
        /// Weight of the local-texture likelihoods (`TextureHistogram`, learnt from all the cut's
        /// animal pixels: the core alone misses the body's fur in a close-up) beside the colour
        /// ones (0: colour only).
        var textureWeight: Float = 1
        /// Radius, in working pixels, of the window the texture is measured over.
        var textureRadius = 2
        /// Whether the full-size edge is re-decided by colour (`SilhouetteUpsampler`).
        var colourEdges = true
    }

    /// The settings used.
    let settings: Settings

    /// The mask (true = animal) over `image`, which must be the size of `evidence`; nil when
    /// the evidence leaves no certain foreground or background to learn colours from.
    func segment(_ image: RGBImage, evidence: [Float]) -> (mask: [Bool], animal: ColourMixture, background: ColourMixture)? {
        let width = image.width, height = image.height, count = width * height
        let background = Self.everywhere(evidence, width: width, height: height, radius: settings.certainRadius) { $0 < settings.backgroundEvidence }
        let foreground = Self.everywhere(evidence, width: width, height: height, radius: settings.foregroundRadius) { $0 >= settings.foregroundEvidence }
        var labels = evidence.map { $0 >= settings.initialEvidence }
        for i in 0..<count where background[i] { labels[i] = false }
        for i in 0..<count where foreground[i] { labels[i] = true }

        let pixels = image.pixels
        let pairCosts = Self.pairCosts(image, smoothness: settings.smoothness)
        let texture = settings.textureWeight > 0 ? TextureHistogram.values(of: image, radius: settings.textureRadius) : []
        let hard: Float = 1e6
        var models: (ColourMixture, ColourMixture)?
        for _ in 0..<max(1, settings.iterations) {
            let labelled = (0..<count).filter { labels[$0] }
            var animalIndices = Self.confident(labelled, evidence: evidence, threshold: settings.animalModelEvidence,
                                               share: settings.animalModelShare)
            if animalIndices.count < settings.components * 40 { animalIndices = labelled }
            let backgroundIndices = (0..<count).filter { !labels[$0] }
            guard let animal = ColourMixture(pixels: pixels, indices: animalIndices, count: settings.components),
                  let rest = ColourMixture(pixels: pixels, indices: backgroundIndices, count: settings.components) else { break }
            models = (animal, rest)
            let textures = settings.textureWeight > 0
                ? (TextureHistogram(bins: texture, indices: labelled), TextureHistogram(bins: texture, indices: backgroundIndices))
                : nil
            var graph = GridGraphCut(width: width, height: height)
            for i in 0..<count {
                if background[i] { graph.setTerminalCosts(i, sourceCost: 0, sinkCost: hard); continue }
                if foreground[i] { graph.setTerminalCosts(i, sourceCost: hard, sinkCost: 0); continue }
                let r = pixels[i * 3], g = pixels[i * 3 + 1], b = pixels[i * 3 + 2]
                let prior = min(max(evidence[i], settings.priorFloor), 1 - settings.priorFloor)
                // Cost of labelling background: how animal-like the colour and the place are.
                var asBackground = -rest.logLikelihood(r, g, b) - settings.priorWeight * logf(1 - prior)
                var asAnimal = -animal.logLikelihood(r, g, b) - settings.priorWeight * logf(prior)
                if let (animalTexture, restTexture) = textures {
                    asBackground -= settings.textureWeight * restTexture.logLikelihood(texture[i])
                    asAnimal -= settings.textureWeight * animalTexture.logLikelihood(texture[i])
                }
                graph.setTerminalCosts(i, sourceCost: asBackground, sinkCost: asAnimal)
            }
            for i in 0..<count {
                for d in [0, 2, 4, 6] { graph.setPairCost(i, direction: d, cost: pairCosts[i * 4 + d / 2]) }
            }
            labels = graph.minimumCut()
        }
        guard let (animal, rest) = models else { return nil }
        return (labels, animal, rest)
    }

    /// The pixels of `animal` whose evidence is at least `threshold`, the threshold lowered as far
    /// as needed to keep at least `share` of them (those with the most evidence).
    static func confident(_ animal: [Int], evidence: [Float], threshold: Float, share: Float) -> [Int] {
        guard threshold > 0, !animal.isEmpty else { return animal }
        var cut = threshold
        if share > 0 {
            let sorted = animal.map { evidence[$0] }.sorted(by: >)
            cut = min(cut, sorted[min(sorted.count - 1, Int(Float(sorted.count) * share))])
        }
        return animal.filter { evidence[$0] >= cut }
    }

    /// Whether `test` holds for every value in the square of `radius` around each pixel.
    static func everywhere(_ values: [Float], width: Int, height: Int, radius: Int, _ test: (Float) -> Bool) -> [Bool] {
        let pass = values.map(test)
        // Separable erosion: rows, then columns.
        var rows = [Bool](repeating: false, count: pass.count)
        for y in 0..<height {
            for x in 0..<width {
                var ok = true
                for k in max(0, x - radius)...min(width - 1, x + radius) where !pass[y * width + k] { ok = false; break }
                rows[y * width + x] = ok
            }
        }
        var out = [Bool](repeating: false, count: pass.count)
        for x in 0..<width {
            for y in 0..<height {
                var ok = true
                for k in max(0, y - radius)...min(height - 1, y + radius) where !rows[k * width + x] { ok = false; break }
                out[y * width + x] = ok
            }
        }
        return out
    }

    /// GrabCut's pair costs γ·exp(−β‖Δc‖²)/distance for the E, S, SE and NE neighbour of each
    /// pixel (`pixel * 4 + k`), β = 1 / (2·mean ‖Δc‖²) over the image.
    static func pairCosts(_ image: RGBImage, smoothness: Float) -> [Float] {
        let width = image.width, height = image.height
        let steps = [(1, 0), (0, 1), (1, 1), (1, -1)]
        var squared = [Float](repeating: -1, count: width * height * 4)
        var total: Double = 0, pairs = 0
        let p = image.pixels
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                for (k, (dx, dy)) in steps.enumerated() {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, nx < width, ny >= 0, ny < height else { continue }
                    let j = ny * width + nx
                    let dr = Float(p[i * 3]) - Float(p[j * 3]), dg = Float(p[i * 3 + 1]) - Float(p[j * 3 + 1])
                    let db = Float(p[i * 3 + 2]) - Float(p[j * 3 + 2])
                    let d2 = dr * dr + dg * dg + db * db
                    squared[i * 4 + k] = d2
                    total += Double(d2)
                    pairs += 1
                }
            }
        }
        let beta = Float(1 / (2 * max(total / Double(max(pairs, 1)), 1e-3)))
        let diagonal = smoothness / Float(2).squareRoot()
        return squared.enumerated().map { index, d2 in
            guard d2 >= 0 else { return 0 }
            return (index % 4 < 2 ? smoothness : diagonal) * expf(-beta * d2)
        }
    }
}
