import Foundation
import Shared

/// TheDogAPI's logic between its routes and its store: who an API key is, image files, and
/// turning finished review jobs into image statuses and breeds.
final class DogAPIService: Sendable {
    /// The tables.
    let store: DogAPIStore
    /// Uploaded images, content-addressed under `<data>/dogapi/images/` (kept while an image uses them).
    let files: OriginalStore
    let jobs: JobService
    /// Requests per minute per key (`ROOST_DOGAPI_RATE_LIMIT`).
    let rateLimiter: DogAPIRateLimiter
    /// Images an account may keep (`ROOST_DOGAPI_UPLOAD_QUOTA`).
    let uploadQuota: Int
    private let jobStore: JobStore
    private let log: Log

    /// Opens the store in `dataDirectory`'s database.
    init(dataDirectory: URL, settings: DogAPISettings, jobs: JobService, jobStore: JobStore, log: Log) throws {
        self.jobs = jobs
        rateLimiter = DogAPIRateLimiter(limit: settings.rateLimit)
        uploadQuota = settings.uploadQuota
        self.jobStore = jobStore
        self.log = log
        store = try DogAPIStore(path: dataDirectory.appendingPathComponent("roost.sqlite").path)
        files = try OriginalStore(directory: dataDirectory.appendingPathComponent("dogapi/images"))
    }

    /// Closes the store.
    func close() { store.close() }

    /// The API key of a request: `x-api-key`, or the `api_key` query parameter.
    static func apiKey(_ request: HTTPRequest) -> String? {
        let key = (request.headers["x-api-key"] ?? request.queryValue("api_key"))?.trimmingCharacters(in: .whitespaces)
        return key?.isEmpty == false ? key : nil
    }

    /// The account of the request's key; nil when no key was sent; 401 for a key nobody has.
    func account(_ request: HTTPRequest) throws -> DogAccount? {
        guard let key = Self.apiKey(request) else { return nil }
        guard let account = try store.account(keySHA256: SHA256.hexDigest(Array(key.utf8))) else { throw DogAPIError.authentication }
        return account
    }

    /// Creates an account and returns it with its new key (shown once; only its SHA-256 is kept).
    func createAccount(name: String, isAdmin: Bool) throws -> (DogAccount, key: String) {
        let key = "live_" + StationTokens.random() + StationTokens.random()
        let id = try store.createAccount(name: name, keySHA256: SHA256.hexDigest(Array(key.utf8)), isAdmin: isAdmin)
        return (DogAccount(id: id, name: name, isAdmin: isAdmin), key)
    }

    /// The job owner of an account's review jobs.
    static func owner(accountID: Int) -> String { ownerPrefix + "account:\(accountID)" }

    /// How every owner of this API's jobs begins (the ingester hands it only those jobs).
    static let ownerPrefix = "dogapi:"

    /// Reviews the images among `jobIDs` whose jobs ended (called by the ingester after each batch,
    /// and by the image routes); idempotent.
    func jobsEnded(_ jobIDs: [String]) throws {
        for image in try store.imagesUnderReview(jobIDs: jobIDs) { try finishReview(image) }
        try finishSizes(jobIDs)
    }

    /// Queues a `sizes` job for `upload` (batch lane) unless its sizes exist or are being made.
    func requestSizes(_ upload: ImageUpload, accountID: Int) throws {
        guard try !store.sizesMadeOrPending(originalSHA256: upload.sha256) else { return }
        let (record, _) = try jobs.submit(kind: JobKind.sizes.rawValue, lane: .batch, image: upload, owner: Self.owner(accountID: accountID),
                                          idempotencyKey: nil)
        try store.insertSizeJob(jobID: record.id, originalSHA256: upload.sha256)
        if record.state.isTerminal { try finishSizes([record.id]) }
    }

    /// Keeps the JPEGs of the ended sizes jobs among `jobIDs` as files, records them, and drops
    /// the bytes from the job's record (a failed job leaves the image with its full size only).
    func finishSizes(_ jobIDs: [String]) throws {
        for (jobID, original) in try store.sizeJobs(jobIDs: jobIDs) {
            guard let row = try jobStore.job(id: jobID), let state = JobState(rawValue: row.state), state.isTerminal else { continue }
            var made: [DogImageSize] = []
            if state == .succeeded, let text = row.resultJSON, let json = try? JSON.parse(text), let sizes = SizesJob.sizes(in: json) {
                for size in sizes {
                    let digest = SHA256.hexDigest(size.jpeg)
                    files.pin(digest)
                    defer { files.unpin(digest) }
                    try files.save(size.jpeg, sha256: digest)
                    made.append(DogImageSize(name: size.name, fileSHA256: digest, width: size.width, height: size.height))
                }
            }
            try store.finishSizeJob(jobID: jobID, originalSHA256: original, sizes: made)
            try jobStore.clearResult(id: jobID)
            removeUnused(original)  // the image went while its sizes were made
        }
    }

    /// After an image is deleted: removes its original's file, and its sizes and their files,
    /// when no image uses that original any more.
    func removeUnused(_ originalSHA256: String) {
        do {
            for file in try store.forgetSizesIfUnused(originalSHA256: originalSHA256) { removeUnusedFile(file) }
        } catch {
            log.warning("dogapi sizes not removed", [("sha256", .string(originalSHA256)), ("error", .string(String(describing: error)))])
        }
        removeUnusedFile(originalSHA256)
    }

    /// Records `image`'s review when its job has ended; returns the image as it is now.
    @discardableResult
    func finishReview(_ image: DogImage) throws -> DogImage {
        guard image.status == "to_be_reviewed", let row = try jobStore.job(id: image.jobID),
              let state = JobState(rawValue: row.state), state.isTerminal else { return image }
        let review: DogImageReview
        if state == .succeeded, let text = row.resultJSON, let json = try? JSON.parse(text) {
            review = DogImageReview(classifyResult: json, speciesID: image.speciesID) { DogCatalogue.standard.breed(forImageNetClass: $0)?.id }
        } else {
            review = DogImageReview(failure: row.errorMessage ?? "the review job ended \(state.rawValue)")
        }
        _ = try store.recordReview(imageID: image.id, review: review, analysis: row.resultJSON)
        return try store.image(id: image.id) ?? image
    }

    /// Saves the bytes of `uploads` and runs `record` (which stores the rows that use them) while
    /// the files are pinned. When saving or `record` throws, the files nothing uses are removed
    /// again, so a failed upload leaves neither rows nor files behind.
    func keepingFiles<T>(_ uploads: [ImageUpload], _ record: () throws -> T) throws -> T {
        let digests = Set(uploads.map(\.sha256))
        for digest in digests { files.pin(digest) }
        var recorded = false
        defer {
            for digest in digests { files.unpin(digest) }
            if !recorded { for digest in digests { removeUnusedFile(digest) } }
        }
        for upload in uploads { try files.save(upload.bytes, sha256: upload.sha256) }
        let result = try record()
        recorded = true
        return result
    }

    /// Removes the file of `sha256` when no image, size, pet photo or portrait uses it any more.
    func removeUnusedFile(_ sha256: String) {
        do {
            _ = try files.removeIfUnpinned(sha256) {
                try !store.imageFileInUse(sha256: sha256) && !store.sizeFileInUse(sha256: sha256) && !store.petFileInUse(sha256: sha256)
            }
        } catch {
            log.warning("dogapi image file not removed", [("sha256", .string(sha256)), ("error", .string(String(describing: error)))])
        }
    }
}
