import Foundation
import Inference
import Shared

/// Describes a face's identity with SFace (`face_recognition_sface_2021dec_int8bq.onnx`), as
/// OpenCV's `cv::FaceRecognizerSF` does: the aligned 112×112 crop (`FaceAligner`) goes in as
/// RGB 0...255 (OpenCV's `blobFromImage(..., swapRB: true)` of its BGR crop), and the 128
/// outputs are scaled to unit length, so the cosine similarity of two faces is their dot
/// product. OpenCV's threshold for "same person" is a cosine ≥ 0.363 (`matchThreshold`).
public final class FaceEmbedder: Sendable {
    /// The ONNX file loaded from the models directory.
    public static let modelFile = "face_recognition_sface_2021dec_int8bq.onnx"
    /// Cosine similarity at or above which OpenCV's SFace sample calls two faces the same person.
    public static let matchThreshold: Float = 0.363
    /// Length of a descriptor.
    public static let dimensions = 128

    private let inputName: String
    private let outputName: String
    private let sessions: SessionPool<InferenceSession>

    /// Loads SFace from `modelsDirectory`.
    /// - Parameters:
    ///   - modelsDirectory: The folder `scripts/fetch-models.sh` fills (`models/`).
    ///   - threads: Threads each inference may use.
    public init(modelsDirectory: URL, threads: Int = 1) throws {
        let url = modelsDirectory.appendingPathComponent(Self.modelFile)
        guard FileManager.default.fileExists(atPath: url.path) else { throw FaceError.missingFile(url) }
        let model = try InferenceModel(contentsOf: url, threads: max(1, threads))
        guard let input = model.inputNames.first, let output = model.outputNames.first else {
            throw FaceError.badModel("\(url.path) has no input or no output")
        }
        self.inputName = input
        self.outputName = output
        self.sessions = SessionPool(model: model)
    }

    /// The unit-length descriptor of the face with `landmarks` in `image`.
    public func embedding(of image: RGBImage, landmarks: [DetectedFace.Point]) throws -> [Float] {
        try embedding(aligned: FaceAligner.crop(image, landmarks: landmarks))
    }

    /// The unit-length descriptor of an aligned 112×112 crop.
    public func embedding(aligned crop: RGBImage) throws -> [Float] {
        let raw = try features(aligned: crop)
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? raw.map { $0 / norm } : raw
    }

    /// SFace's raw 128 outputs for an aligned crop (before normalisation).
    func features(aligned crop: RGBImage) throws -> [Float] {
        precondition(crop.width == FaceAligner.size && crop.height == FaceAligner.size, "crop must be 112×112")
        let plane = crop.width * crop.height
        var data = [Float](repeating: 0, count: 3 * plane)
        for index in 0..<plane {
            for channel in 0..<3 { data[channel * plane + index] = Float(crop.pixels[index * 3 + channel]) }
        }
        let input = Tensor(shape: [1, 3, crop.height, crop.width], data: data)
        let outputs = try sessions.withSession { try $0.run([inputName: input]) }
        guard let output = outputs[outputName], output.data.count == Self.dimensions else {
            throw FaceError.badModel("SFace output \(outputName) is not \(Self.dimensions) floats")
        }
        return output.data
    }

    /// Cosine similarity of two descriptors (their dot product once normalised).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return norms > 0 ? dot / norms : 0
    }
}
