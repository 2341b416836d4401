import Inference
import Foundation
import Shared

/// Turns YuNet's twelve output tensors into faces, as OpenCV's `cv::FaceDetectorYN` does:
/// per stride (8, 16, 32) one prior per grid cell, score = sqrt(clamp(cls) × clamp(obj)),
/// box centre = (cell + offset) × stride, size = exp(log-size) × stride, landmarks =
/// (cell + offset) × stride; then non-maximum suppression over integer-truncated boxes
/// (`cv::dnn::NMSBoxes`). Coordinates are in detector-input pixels.
struct YuNetDecoder: Sendable {
    /// The feature-map strides, matching the `_8`, `_16`, `_32` outputs.
    static let strides = [8, 16, 32]
    /// Output names for one stride: class score, objectness, box, landmarks.
    static func outputNames(stride: Int) -> [String] {
        ["cls_\(stride)", "obj_\(stride)", "bbox_\(stride)", "kps_\(stride)"]
    }

    /// Faces scoring below this are dropped.
    var scoreThreshold: Float
    /// Boxes overlapping a better one by more than this intersection-over-union are dropped.
    var nmsThreshold: Float
    /// At most this many candidates enter suppression.
    var topK: Int

    /// The faces in `outputs` for a padded input of `paddedWidth` × `paddedHeight`, best first.
    func faces(outputs: [String: Tensor], paddedWidth: Int, paddedHeight: Int) throws -> [DetectedFace] {
        var candidates: [DetectedFace] = []
        for stride in Self.strides {
            let names = Self.outputNames(stride: stride)
            guard let cls = outputs[names[0]]?.data, let obj = outputs[names[1]]?.data,
                  let bbox = outputs[names[2]]?.data, let kps = outputs[names[3]]?.data else {
                throw FaceError.badModel("YuNet did not produce \(names.joined(separator: ", "))")
            }
            let columns = paddedWidth / stride
            let rows = paddedHeight / stride
            let cells = rows * columns
            guard cls.count >= cells, obj.count >= cells, bbox.count >= cells * 4, kps.count >= cells * 10 else {
                throw FaceError.badModel("YuNet stride \(stride) outputs are smaller than the \(columns)×\(rows) grid")
            }
            let s = Float(stride)
            for row in 0..<rows {
                for column in 0..<columns {
                    let index = row * columns + column
                    let score = (min(max(cls[index], 0), 1) * min(max(obj[index], 0), 1)).squareRoot()
                    if score < scoreThreshold { continue }
                    let centreX = (Float(column) + bbox[index * 4]) * s
                    let centreY = (Float(row) + bbox[index * 4 + 1]) * s
                    let width = exp(bbox[index * 4 + 2]) * s
                    let height = exp(bbox[index * 4 + 3]) * s
                    let landmarks = (0..<5).map { n in
                        DetectedFace.Point((kps[index * 10 + 2 * n] + Float(column)) * s,
                                           (kps[index * 10 + 2 * n + 1] + Float(row)) * s)
                    }
                    candidates.append(DetectedFace(x: centreX - width / 2, y: centreY - height / 2,
                                                   width: width, height: height, score: score,
                                                   landmarks: landmarks))
                }
            }
        }
        // OpenCV only runs suppression when there is more than one candidate.
        return candidates.count > 1 ? suppressed(candidates) : candidates
    }

    /// Non-maximum suppression as `cv::dnn::NMSBoxes` with eta 1: candidates scoring strictly
    /// above the threshold, stably sorted best first, cut to `topK`, each kept unless its
    /// integer box overlaps an already kept one by more than `nmsThreshold`.
    func suppressed(_ candidates: [DetectedFace]) -> [DetectedFace] {
        // Stable: among equal scores the earlier candidate (smaller stride, earlier cell) wins.
        var order = candidates.indices.filter { candidates[$0].score > scoreThreshold }.sorted { a, b in
            candidates[a].score != candidates[b].score ? candidates[a].score > candidates[b].score : a < b
        }
        if topK > 0, order.count > topK { order.removeLast(order.count - topK) }
        var kept: [Int] = []
        for index in order {
            let box = IntegerBox(candidates[index])
            if kept.allSatisfy({ IntegerBox(candidates[$0]).overlap(box) <= nmsThreshold }) {
                kept.append(index)
            }
        }
        return kept.map { candidates[$0] }
    }
}

/// A face box truncated to whole pixels (OpenCV's `Rect2i(int(x), int(y), int(w), int(h))`),
/// which is what its suppression compares.
private struct IntegerBox {
    let x: Int, y: Int, width: Int, height: Int

    init(_ face: DetectedFace) {
        x = Int(face.x)
        y = Int(face.y)
        width = Int(face.width)
        height = Int(face.height)
    }

    var area: Int { width * height }

    /// Intersection over union (OpenCV's `1 - jaccardDistance`; 1 when both boxes are empty).
    func overlap(_ other: IntegerBox) -> Float {
        let union0 = area + other.area
        if union0 <= 0 { return 1 }
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(x + width, other.x + other.width), bottom = min(y + height, other.y + other.height)
        let intersection = right > left && bottom > top ? (right - left) * (bottom - top) : 0
        return Float(intersection) / Float(union0 - intersection)
    }
}
