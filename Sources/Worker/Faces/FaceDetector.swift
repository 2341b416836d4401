import Foundation
import Inference
import Shared

/// Finds faces with YuNet (`face_detection_yunet_2023mar_int8bq.onnx`), as OpenCV's
/// `cv::FaceDetectorYN` does with its input size set to the image's size.
///
/// The image is fed whole, at its own size: padded with black on the right and bottom to
/// multiples of 32, channels in BGR order, values 0...255 (no mean, no scaling). Scaling a
/// photo to the detector's working size is the caller's business (`FaceAnalyzer` does it).
/// Shareable: each concurrent caller borrows its own inference session.
public final class FaceDetector: Sendable {
    /// The ONNX file loaded from the models directory.
    public static let modelFile = "face_detection_yunet_2023mar_int8bq.onnx"
    /// Padding granularity of the network input (its coarsest stride).
    public static let divisor = 32

    /// Post-processing thresholds.
    let decoder: YuNetDecoder
    private let inputName: String
    private let sessions: SessionPool<InferenceSession>

    /// Loads YuNet from `modelsDirectory`.
    /// - Parameters:
    ///   - modelsDirectory: The folder `scripts/fetch-models.sh` fills (`models/`).
    ///   - threads: Threads each inference may use.
    ///   - scoreThreshold: Minimum confidence (0.9, OpenCV's sample default).
    ///   - nmsThreshold: Suppression overlap (0.3, OpenCV's default).
    ///   - topK: Candidates kept before suppression (5000, OpenCV's default).
    public init(modelsDirectory: URL, threads: Int = 1, scoreThreshold: Float = 0.9,
                nmsThreshold: Float = 0.3, topK: Int = 5000) throws {
        let url = modelsDirectory.appendingPathComponent(Self.modelFile)
        guard FileManager.default.fileExists(atPath: url.path) else { throw FaceError.missingFile(url) }
        let model = try InferenceModel(contentsOf: url, threads: max(1, threads))
        guard let input = model.inputNames.first else { throw FaceError.badModel("\(url.path) has no input") }
        let expected = YuNetDecoder.strides.flatMap(YuNetDecoder.outputNames(stride:))
        guard Set(expected).isSubset(of: Set(model.outputNames)) else {
            throw FaceError.badModel("\(url.path) lacks YuNet's outputs \(expected)")
        }
        self.inputName = input
        self.sessions = SessionPool(model: model)
        self.decoder = YuNetDecoder(scoreThreshold: scoreThreshold, nmsThreshold: nmsThreshold, topK: topK)
    }

    /// The faces in `image`, best first, in `image`'s pixel coordinates (no embeddings).
    public func detect(_ image: RGBImage) throws -> [DetectedFace] {
        guard image.width >= 1, image.height >= 1 else { return [] }
        let input = Self.tensor(from: image)
        let outputs = try sessions.withSession { try $0.run([inputName: input]) }
        return try decoder.faces(outputs: outputs, paddedWidth: input.shape[3], paddedHeight: input.shape[2])
    }

    /// `side` rounded up to a multiple of 32.
    static func padded(_ side: Int) -> Int { (side + divisor - 1) / divisor * divisor }

    /// The network input for `image`: [1, 3, H', W'] with H', W' padded to multiples of 32,
    /// planes B, G, R holding 0...255 and zeros in the padding.
    static func tensor(from image: RGBImage) -> Tensor {
        let width = padded(image.width), height = padded(image.height)
        let plane = width * height
        var data = [Float](repeating: 0, count: 3 * plane)
        image.pixels.withUnsafeBufferPointer { pixels in
            data.withUnsafeMutableBufferPointer { out in
                for y in 0..<image.height {
                    var source = y * image.width * 3
                    let row = y * width
                    for x in 0..<image.width {
                        out[row + x] = Float(pixels[source + 2])             // B
                        out[plane + row + x] = Float(pixels[source + 1])     // G
                        out[2 * plane + row + x] = Float(pixels[source])     // R
                        source += 3
                    }
                }
            }
        }
        return Tensor(shape: [1, 3, height, width], data: data)
    }
}
