import Shared

/// Runs a photo through the worker's `faces` job (detection plus embeddings) and waits for it,
/// turning every way that can fail into the panel API's messages.
struct FaceAnalysis: Sendable {
    /// What a finished analysis found.
    struct Outcome: Sendable {
        /// The job that ran.
        let jobID: String
        /// Every face found (possibly none).
        let faces: [DetectedFace]
    }

    /// Where the `faces` jobs are queued.
    let jobs: JobService
    /// Longest wait for a job, in seconds.
    let timeout: Double
    /// Where failures are logged (clients only see the panel's message).
    let log: Log

    /// Queues `photo` on the interactive lane and waits up to `timeout` seconds for the faces.
    /// - Throws: `Wrong image file` when the worker could not decode the JPEG; `Loading file error`
    ///   when the job could not be queued, failed for another reason, or did not finish in time
    ///   (it is then cancelled, so a late worker does not spend time on it).
    func run(_ photo: ImageUpload, owner: String) throws(FaceIDError) -> Outcome {
        let record: JobRecord
        do {
            let submitted = try jobs.submit(kind: JobKind.faces.rawValue, lane: .interactive, image: photo, params: FacesParams(embedding: true).json,
                                            owner: owner, idempotencyKey: nil)
            record = try jobs.waitForResult(id: submitted.record.id, requester: owner, timeout: timeout)
        } catch {
            log.warning("face analysis could not run", [("error", .string(String(describing: error)))])
            throw .loadingFileError
        }
        switch record.state {
        case .succeeded:
            // The descriptors are read from Redis once and taken out of it; SQLite never has them.
            let privateResult: String?
            do { privateResult = try jobs.takePrivateResult(record) } catch {
                log.warning("faces job result could not be read", [("job", .string(record.id)), ("error", .string(String(describing: error)))])
                throw .loadingFileError
            }
            guard let text = privateResult ?? record.resultJSON, let faces = DetectedFace.parseResult(text) else {
                log.error("faces job returned an unreadable result", [("job", .string(record.id))])
                throw .loadingFileError
            }
            return Outcome(jobID: record.id, faces: faces)
        case .failed, .dead:
            if let code = record.errorCode, JobErrorCode.imageErrors.contains(code) { throw .wrongImageFile }
            log.warning("faces job failed", [("job", .string(record.id)), ("error", .string(record.errorCode ?? ""))])
            throw .loadingFileError
        default:
            if !record.state.isTerminal {
                log.warning("faces job did not finish in time", [("job", .string(record.id)), ("timeout", .double(timeout))])
                _ = try? jobs.cancel(id: record.id, requester: owner)
            }
            throw .loadingFileError
        }
    }
}
