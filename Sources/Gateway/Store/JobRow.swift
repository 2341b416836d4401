import Shared

/// The durable record of one accepted job, as stored in the `jobs` table.
///
/// Times are Unix seconds. `state` is one of `JobRow.states`; the Redis job hash is the live
/// copy and this row the one that outlives its expiry.
struct JobRow: Sendable, Equatable {
    /// Job id (the same id as in Redis and in the status URL).
    var id: String
    /// What analysis the job runs.
    var kind: String
    /// Queue lane, e.g. `interactive` or `batch`.
    var lane: String
    /// `queued`, `running`, `succeeded`, `failed`, `dead` or `cancelled`.
    var state: String
    /// Attempts started so far.
    var attempts: Int
    /// The client or account that submitted the job; nil for anonymous submissions.
    var owner: String?
    /// The client's idempotency key, unique per owner.
    var idempotencyKey: String?
    /// Lower-case hex SHA-256 of the uploaded image.
    var imageSHA256: String?
    /// Size of the uploaded image in bytes.
    var imageBytes: Int?
    /// When the gateway accepted the job.
    var createdAt: Double
    /// When a worker first started it.
    var startedAt: Double?
    /// When it reached a terminal state.
    var finishedAt: Double?
    /// The worker that ran (or is running) it.
    var worker: String?
    /// The result document for `succeeded` jobs.
    var resultJSON: String?
    /// Machine-readable failure code for `failed` / `dead` jobs.
    var errorCode: String?
    /// Human-readable failure message.
    var errorMessage: String?
    /// When this row last changed.
    var updatedAt: Double

    /// Every state a job can be in.
    static let states = JobState.allCases.map(\.rawValue)
    /// States a job never leaves.
    static let terminalStates = Set(JobState.allCases.filter(\.isTerminal).map(\.rawValue))

    /// True once the job has finished one way or another.
    var isTerminal: Bool { Self.terminalStates.contains(state) }

    /// A freshly accepted job: `queued`, no attempts, created and updated at `createdAt`.
    init(id: String, kind: String, lane: String, owner: String? = nil, idempotencyKey: String? = nil,
         imageSHA256: String? = nil, imageBytes: Int? = nil, createdAt: Double) {
        self.init(id: id, kind: kind, lane: lane, state: JobState.queued.rawValue, attempts: 0, owner: owner,
                  idempotencyKey: idempotencyKey, imageSHA256: imageSHA256, imageBytes: imageBytes,
                  createdAt: createdAt, startedAt: nil, finishedAt: nil, worker: nil, resultJSON: nil,
                  errorCode: nil, errorMessage: nil, updatedAt: createdAt)
    }

    /// A row with every field given.
    init(id: String, kind: String, lane: String, state: String, attempts: Int, owner: String?,
         idempotencyKey: String?, imageSHA256: String?, imageBytes: Int?, createdAt: Double,
         startedAt: Double?, finishedAt: Double?, worker: String?, resultJSON: String?,
         errorCode: String?, errorMessage: String?, updatedAt: Double) {
        self.id = id; self.kind = kind; self.lane = lane; self.state = state; self.attempts = attempts
        self.owner = owner; self.idempotencyKey = idempotencyKey; self.imageSHA256 = imageSHA256
        self.imageBytes = imageBytes; self.createdAt = createdAt; self.startedAt = startedAt
        self.finishedAt = finishedAt; self.worker = worker; self.resultJSON = resultJSON
        self.errorCode = errorCode; self.errorMessage = errorMessage; self.updatedAt = updatedAt
    }
}
