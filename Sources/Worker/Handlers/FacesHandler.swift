import Foundation
import Shared

/// `faces`: YuNet face detection, plus SFace identity descriptors when the job's params say
/// `"embedding": true` (the face-identifier API needs them; ordinary clients do not). Result
/// `{faces: [{box: [x, y, w, h], score, landmarks: [[x, y] × 5][, embedding: [128]]}],
/// image: {width, height}, detect_ms, embed_ms}`; a photo without faces gives `faces: []`.
struct FacesHandler: JobHandler {
    /// The shared analyzer (models loaded once per process).
    let analyzer: FaceAnalyzer
    /// Logic version and model fingerprint (see `JobHandler.resultVersion`).
    let resultVersion: String?
    /// Serves `faces`.
    let jobKind = JobKind.faces

    /// Analyses the job's photo; `ImageError` (bad photo) and `bad_params` are permanent.
    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        guard let params = FacesParams(json: job.params) else {
            throw JobError.permanent(JobErrorCode.badParams, "'\(FacesJob.embeddingParameter)' must be true or false")
        }
        return try analyzer.analyze(jpeg: bytes, embeddings: params.embedding).json
    }
}
