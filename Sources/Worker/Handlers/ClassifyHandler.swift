import Foundation
import Shared

/// `classify`: MobileNetV2 (ImageNet-1k) on the photo; result `{model, top: [{index, label,
/// probability}] (top 5), category, inference_ms}`.
struct ClassifyHandler: JobHandler {
    /// The shared classifier (model loaded once per process).
    let classifier: ImageClassifier
    /// Pixel limit checked from the header before decoding.
    let maxPixels: Int
    /// Logic version and model fingerprint (see `JobHandler.resultVersion`).
    let resultVersion: String?
    /// Serves `classify`.
    let jobKind = JobKind.classify

    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        // This worker's pixel limit may be stricter than the classifier's default decode limit.
        _ = try ImageDecoder.readHeader(bytes, maxPixels: maxPixels)
        return try classifier.classify(jpeg: bytes).json
    }
}
