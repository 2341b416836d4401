import Foundation
import Inference

/// Where a dense classifier pass (`InferenceModel(denseClassifierAt:)`) sees an animal: at each
/// position of its last feature map, the share of that position's own softmax that falls on the
/// dog and cat classes.
///
/// A class-activation map (one class's logit per position) says where that class's evidence is
/// strongest but not whether the position looks more like a dog than like the sofa; normalising
/// over all 1000 classes per position does, and gives 0…1 values that mean the same in every
/// photo, so fixed thresholds can seed the segmentation.
struct AnimalEvidenceMap {
    /// Positions across and down (input size / 32 for MobileNetV2).
    let gridWidth: Int, gridHeight: Int
    /// `gridWidth * gridHeight` values, row-major: the animal share of each position's softmax.
    let values: [Float]
    /// The classifier's logits for the whole input (the mean of the per-location logits).
    let meanLogits: [Float]

    /// ImageNet classes counted as animal evidence: the dogs (151–268) and domestic cats (281–285).
    static let animalClasses: [ClosedRange<Int>] = [151...268, 281...285]

    /// Reads a `location_logits` tensor `[1, classes, h, w]`.
    init(locationLogits tensor: Tensor) {
        let classes = tensor.shape[1], height = tensor.shape[2], width = tensor.shape[3]
        let plane = width * height
        gridWidth = width
        gridHeight = height
        var mean = [Float](repeating: 0, count: classes)
        var shares = [Float](repeating: 0, count: plane)
        var isAnimal = [Bool](repeating: false, count: classes)
        for range in Self.animalClasses { for c in range where c < classes { isAnimal[c] = true } }
        tensor.data.withUnsafeBufferPointer { logits in
            for c in 0..<classes {
                var sum: Float = 0
                for i in 0..<plane { sum += logits[c * plane + i] }
                mean[c] = sum / Float(plane)
            }
            for i in 0..<plane {
                var top = -Float.infinity
                for c in 0..<classes { top = max(top, logits[c * plane + i]) }
                var total: Float = 0, animal: Float = 0
                for c in 0..<classes {
                    let e = expf(logits[c * plane + i] - top)
                    total += e
                    if isAnimal[c] { animal += e }
                }
                shares[i] = animal / total
            }
        }
        values = shares
        meanLogits = mean
    }

    /// The map resampled bilinearly to `width` × `height` (grid cells centred on the input area
    /// they summarise, edges clamped).
    func resampled(width: Int, height: Int) -> [Float] {
        bilinearResampled(values, width: gridWidth, height: gridHeight, toWidth: width, height: height)
    }
}
