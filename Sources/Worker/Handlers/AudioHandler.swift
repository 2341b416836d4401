import Shared

/// `audio`: BirdNET 2.4 over a FLAC or WAV recording (or the part of it the params name): each
/// 3-s chunk's species above the minimum confidence (`AudioResult`).
struct AudioHandler: JobHandler {
    /// The shared analyzer (model, labels, sessions).
    let analyzer: BirdSoundAnalyzer
    /// Logic version and model fingerprint (see `JobHandler.resultVersion`).
    let resultVersion: String?
    /// Serves `audio`.
    let jobKind = JobKind.audio

    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        let params: AudioParams
        do { params = try AudioParams(params: job.params) } catch {
            throw JobError.permanent(JobErrorCode.badParams, error.description)
        }
        return try analyzer.analyse(bytes, params: params).json
    }
}
