import Foundation
import Shared

/// Measuring a pet's photos: one `pet` job per photo (the same photo, pose and portrait style
/// always reuse the same job, through its idempotency key, so asking again costs nothing).
extension DogAPIService {
    /// The outcome of measuring photos within a deadline.
    enum PetPhotoOutcome {
        /// Every photo's job ended.
        case measured([PetPhotoMeasurement])
        /// Some jobs are still queued or running when the deadline passed.
        case pending(done: Int, of: Int)
    }

    /// Runs (or reuses) a `pet` job per image and waits up to `timeout` seconds for them all.
    /// `portrait`: the style to render too (for one chosen photo).
    func measurePetPhotos(_ images: [DogPetImage], accountID: Int, lane: Lane, maxPixels: Int, timeout: Double,
                          portrait: String? = nil) throws -> PetPhotoOutcome {
        let owner = Self.owner(accountID: accountID)
        var submitted: [(image: DogPetImage, record: JobRecord?, problem: String?)] = []
        for image in images {
            let key = "pet:\(image.id):\(image.pose ?? "-"):\(portrait ?? "-")"
            // Asked before: the job exists, so the photo need not be read from disk and checked again.
            if let existing = try jobs.existingJob(owner: owner, idempotencyKey: key) {
                submitted.append((image, existing, nil))
                continue
            }
            guard let bytes = files.load(sha256: image.sha256) else {
                submitted.append((image, nil, "the photo's file is missing from the gateway's store"))
                continue
            }
            let upload = try ImageUpload.validate(bytes, filename: nil, maxPixels: maxPixels)
            let params = PetJob.params(pose: image.pose, portrait: portrait)
            let (record, _) = try jobs.submit(kind: JobKind.pet.rawValue, lane: lane, image: upload, params: params, owner: owner,
                                              idempotencyKey: key)
            submitted.append((image, record, nil))
        }
        let deadline = Clock.now() + timeout
        var measurements: [PetPhotoMeasurement] = []
        var pending = 0
        for (image, record, problem) in submitted {
            guard var record else {
                measurements.append(PetPhotoMeasurement(imageID: image.id, pose: image.pose, result: nil, problem: problem))
                continue
            }
            if !record.state.isTerminal {
                record = try jobs.waitForResult(id: record.id, requester: owner, timeout: max(0, deadline - Clock.now()))
            }
            guard record.state.isTerminal else { pending += 1; continue }
            if record.state == .succeeded, let text = record.resultJSON, let json = try? JSON.parse(text), let result = PetPhotoResult(json: json) {
                measurements.append(PetPhotoMeasurement(imageID: image.id, pose: image.pose, result: result, problem: nil))
            } else {
                let why = record.errorMessage.map { "the photo could not be measured: \($0)" } ?? "the photo's job ended \(record.state.rawValue)"
                measurements.append(PetPhotoMeasurement(imageID: image.id, pose: image.pose, result: nil, problem: why))
            }
        }
        return pending > 0 ? .pending(done: submitted.count - pending, of: submitted.count) : .measured(measurements)
    }
}
