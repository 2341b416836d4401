import Shared

/// A silhouette mask over an image: one byte per pixel, 0 background … 255 animal (soft edges
/// allowed), row-major, the same size as the image it was computed for.
public struct AnimalMask: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height` alpha values.
    public var alpha: [UInt8]

    /// Creates a mask over `alpha` (`width * height` bytes).
    public init(width: Int, height: Int, alpha: [UInt8]) {
        precondition(width >= 0 && height >= 0 && alpha.count == width * height, "AnimalMask needs width*height bytes")
        self.width = width
        self.height = height
        self.alpha = alpha
    }

    /// An empty (all background) mask.
    public init(width: Int, height: Int) { self.init(width: width, height: height, alpha: [UInt8](repeating: 0, count: width * height)) }

    /// Whether the pixel at `x`, `y` is the animal's (alpha ≥ 128).
    public func contains(x: Int, y: Int) -> Bool { alpha[y * width + x] >= 128 }

    /// Pixels with alpha ≥ 128.
    public var area: Int { alpha.reduce(0) { $0 + ($1 >= 128 ? 1 : 0) } }

    /// The smallest box holding every pixel with alpha ≥ 128; nil for an empty mask.
    public var boundingBox: PetBox? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where alpha[row + x] >= 128 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        return PetBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }
}

/// Where the animal is in a photo, and what the classifier made of it.
public struct AnimalLocation: Sendable {
    /// The silhouette, the same size as the analysed image (empty when `found` is false).
    public var mask: AnimalMask
    /// Whether a dog or cat was found (see `AnimalLocaliser` for the rule).
    public var found: Bool
    /// The classifier's softmax over its 1000 ImageNet classes, for the whole photo.
    public var probabilities: [Float]
    /// Summed probability of the dog classes (151–268).
    public var dogProbability: Float
    /// Summed probability of the domestic cat classes (281–285).
    public var catProbability: Float
    /// How the mask was made (e.g. `"mobilenet_v2 CAM + colour graph cut"`).
    public var method: String
    /// 0…1: how far the mask is to be trusted (a documented heuristic).
    public var confidence: Float

    /// Creates a location.
    public init(mask: AnimalMask, found: Bool, probabilities: [Float], dogProbability: Float, catProbability: Float,
                method: String, confidence: Float) {
        self.mask = mask; self.found = found; self.probabilities = probabilities
        self.dogProbability = dogProbability; self.catProbability = catProbability
        self.method = method; self.confidence = confidence
    }
}
