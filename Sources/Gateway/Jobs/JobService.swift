import Foundation
import Shared

/// Submits, finds, waits for and cancels jobs: the one place that keeps SQLite (durable) and
/// Redis (live) in step. Every other API (bird, dog, face) goes through it.
final class JobService: Sendable {
    private let store: JobStore
    private let pool: RedisPool
    private let waiters: JobWaiters
    private let settings: QueueSettings
    private let originals: OriginalStore
    private let cache: ResultCache
    /// Job kinds clients may submit.
    let kinds: Set<String>

    /// Creates the service.
    init(store: JobStore, pool: RedisPool, waiters: JobWaiters, settings: QueueSettings, originals: OriginalStore, kinds: Set<String>,
         cache: ResultCache) {
        self.store = store
        self.cache = cache
        self.originals = originals
        self.pool = pool
        self.waiters = waiters
        self.settings = settings
        self.kinds = kinds
    }

    /// Queues an analysis of `image`. Returns the job's record and whether it is new (false: the
    /// idempotency key was used before by the same owner, and this is that job). When the same
    /// analysis of the same photo already succeeded (`ResultCache`), the job is created finished,
    /// with that result and `cached: true`, and no worker runs it.
    func submit(kind: String, lane: Lane, image: some UploadedFile, params: JSON = .object([]), owner: String,
                idempotencyKey: String?) throws -> (record: JobRecord, created: Bool) {
        if let key = idempotencyKey, let existing = try existingJob(owner: owner, idempotencyKey: key) { return (existing, false) }
        let request = EnqueueRequest(kind: kind, lane: lane, blob: image.bytes, blobSHA256: image.sha256, params: params,
                                     owner: owner, idempotencyKey: idempotencyKey)
        let cacheKey = cache.key(kind: kind, params: params, imageSHA256: image.sha256, owner: owner)
        let cachedResult = try cacheKey.flatMap { try store.cachedResult(key: $0) }
        // Durable first: the upload's bytes on disk and the job with its parameters in SQLite. From
        // here on the janitor can queue the job again whatever happens to Redis or to this process.
        // The pin keeps the janitor from removing this photo's file between the save and the commit.
        originals.pin(image.sha256)
        let accepted: (row: JobRow, inserted: Bool)
        do {
            defer { originals.unpin(image.sha256) }
            try originals.save(image.bytes, sha256: image.sha256)
            var row = JobRow(id: request.id, kind: kind, lane: lane.rawValue, owner: owner, idempotencyKey: idempotencyKey,
                             imageSHA256: image.sha256, imageBytes: image.bytes.count, createdAt: request.createdAt)
            if let cachedResult {
                row.state = JobState.succeeded.rawValue
                row.resultJSON = cachedResult
                row.finishedAt = Clock.now()
            }
            accepted = try store.acceptWithInputs(row, params: params.serialized(),
                                                  idempotencyNotBefore: Clock.now() - Double(settings.idempotencyTTL),
                                                  cacheKey: cacheKey, cacheHit: cachedResult != nil)
        }
        if !accepted.inserted { return (try current(accepted.row), false) }
        if cachedResult != nil {
            var record = JobRecord(row: accepted.row)
            record.cached = true
            return (record, true)
        }
        let queued = JobRecord(id: request.id, kind: kind, lane: lane, state: .queued, createdAt: request.createdAt, owner: owner)
        let outcome: EnqueueOutcome
        do {
            outcome = try pool.with { try $0.enqueue(request) }
        } catch let error as RedisError where error.isConnectionFailure || error.isLoading {
            // Accepted and durable, not yet (or not knowingly) queued — Redis is down or restarting:
            // the janitor queues it once Redis answers.
            return (queued, true)
        } catch {
            // Refused (Redis full, or another error reply): nothing was queued, so nothing is kept.
            try forget(request.id, sha256: image.sha256)
            throw error
        }
        switch outcome {
        case let .busy(depth):
            try forget(request.id, sha256: image.sha256)
            throw HTTPError.serviceUnavailable(retryAfter: lane == .interactive ? 1 : 10,
                                               message: "the \(lane.rawValue) lane is full (\(depth) jobs waiting); try again later")
        case let .existing(id):
            // Another gateway took this key first. The request that created it may still be between Redis and SQLite: Redis answers then.
            try forget(request.id, sha256: image.sha256)
            if try store.job(id: id) == nil, let live = try pool.with({ try $0.record(lane: lane, id: id) }) {
                return (live, false)
            }
            return (try find(id: id, requester: owner), false)
        case .created:
            return (queued, true)
        }
    }

    /// The job `owner` already created with `idempotencyKey` (within `ROOST_IDEMPOTENCY_TTL`), as
    /// `submit` would return it; nil when there is none. Lets a caller skip loading and checking
    /// an upload that `submit` would not use.
    func existingJob(owner: String, idempotencyKey key: String) throws -> JobRecord? {
        try store.job(owner: owner, idempotencyKey: key, notBefore: Clock.now() - Double(settings.idempotencyTTL)).map { try current($0) }
    }

    /// Undoes an acceptance that was not queued: the row, and the original if no other job uses it.
    private func forget(_ id: String, sha256: String) throws {
        try store.forgetAccepted(id: id)
        _ = try originals.removeIfUnpinned(sha256) { try !store.isReferenced(sha256: sha256) }
    }

    /// The job's current state: live from Redis while it has a record there, else from SQLite.
    /// Only its owner sees it (an API key's hash, an anonymous client's address, a face panel):
    /// unknown ids and other owners' jobs are both `404`, so ids cannot be probed, and a panel's
    /// jobs are reachable only through the panel's own API. A job another gateway on the same
    /// Redis accepted is answered from its Redis record while that lives (`ROOST_JOB_TTL`).
    func find(id: String, requester: String?) throws -> JobRecord {
        switch try ownedJob(id: id, requester: requester) {
        case let .row(row): return try current(row)
        case let .live(record): return record
        }
    }

    /// Where this gateway reads a job from: its own row (a job it accepted), or the job's Redis
    /// record (a job another gateway accepted).
    private enum OwnedJob {
        case row(JobRow)
        case live(JobRecord)
    }

    /// The requester's job, or `404`. A row with no owner was written by an older ingester for a
    /// job another gateway accepted: like an unknown id, it is read from Redis.
    private func ownedJob(id: String, requester: String?) throws -> OwnedJob {
        guard JobID.isValid(id) else { throw Self.notFound(id) }
        if let row = try store.job(id: id), let owner = row.owner {
            guard owner == requester else { throw Self.notFound(id) }
            return .row(row)
        }
        return .live(try liveRecord(id: id, requester: requester))
    }

    /// A job this gateway holds no row for, from its Redis record: both lanes' in one round trip
    /// (the lane is in the row, and there is none), its `owner` checked as a row's is. A panel's
    /// jobs are never answered this way: their records may still hold the face descriptors that
    /// only the panel store keeps (`takePrivateResult`), and they are the panel API's alone.
    private func liveRecord(id: String, requester: String?) throws -> JobRecord {
        let records = try pool.with { try $0.records(Lane.allCases.map { (lane: $0, id: id) }) }
        guard let record = records.lazy.compactMap({ $0 }).first, let owner = record.owner, owner == requester,
              !owner.hasPrefix(FacesJob.panelOwnerPrefix) else { throw Self.notFound(id) }
        return record
    }

    private static func notFound(_ id: String) -> HTTPError { HTTPError.notFound("no job with id \(id)") }

    /// Like `find`, but holds up to `timeout` seconds for the job to leave its current state. A
    /// client's long-poll (`capped`) is answered at once when `ROOST_MAX_LONG_POLLS` are waiting.
    func wait(id: String, requester: String?, timeout: Double, capped: Bool = false) throws -> JobRecord {
        guard let token = waiters.token(for: id, capped: capped) else { return try find(id: id, requester: requester) }
        let before: JobRecord
        do { before = try find(id: id, requester: requester) } catch { waiters.release(id, token); throw error }
        guard !before.state.isTerminal, timeout > 0 else { waiters.release(id, token); return before }
        _ = waiters.wait(for: id, token: token, timeout: timeout)
        return try find(id: id, requester: requester)
    }

    /// A long-poll that holds no thread: answers with the job at once when it has ended (or
    /// `timeout` is 0, or `ROOST_MAX_LONG_POLLS` are parked); otherwise returns nil and calls
    /// `wake` once, from another thread, when the job changes or `timeout` passes (with the
    /// reason) — the caller then reads the job again.
    ///
    /// Whether to park is decided from SQLite alone, without asking Redis for the live record (a
    /// round trip and an `HGETALL` per long-poll): the ingester records every state change there
    /// before it notifies, and the token is taken before the read, so a job that has ended in
    /// Redis but not yet in SQLite wakes this long-poll as soon as it is recorded. A job another
    /// gateway accepted is decided from its Redis record; this gateway's ingester reads its events
    /// too and wakes the long-poll.
    func park(id: String, requester: String?, timeout: Double, wake: @escaping @Sendable (JobWaiters.WakeReason) -> Void) throws -> JobRecord? {
        guard let token = waiters.token(for: id, capped: true) else { return try find(id: id, requester: requester) }
        let job: OwnedJob
        do { job = try ownedJob(id: id, requester: requester) } catch { waiters.release(id, token); throw error }
        switch job {
        case let .row(row):
            guard !row.isTerminal, timeout > 0 else { waiters.release(id, token); return try current(row) }
        case let .live(record):
            // Another gateway's job: its events reach this gateway's ingester too, which wakes it.
            guard !record.state.isTerminal, timeout > 0 else { waiters.release(id, token); return record }
        }
        waiters.park(for: id, token: token, timeout: timeout, wake: wake)
        return nil
    }

    /// A parked long-poll's answer once woken. A running or ended job is answered from SQLite —
    /// from `recorded`, the row the ingester just wrote when it passed it along, else read — since
    /// the ingester records every change before notifying (no `HGETALL` round trip to Redis); a
    /// queued one as `find` answers it, and another gateway's job from its Redis record.
    func woken(id: String, requester: String?, recorded: JobRow? = nil) throws -> JobRecord {
        let row: JobRow
        if let recorded, recorded.id == id, let owner = recorded.owner, owner == requester { row = recorded } else {
            switch try ownedJob(id: id, requester: requester) {
            case let .row(owned): row = owned
            case let .live(record): return record
            }
        }
        // A job the ingester recorded as ended ran on a worker: not a cache hit, nothing more to read.
        if row.state == JobState.running.rawValue || (recorded != nil && row.isTerminal) { return JobRecord(row: row) }
        return try current(row)
    }

    /// Waits until the job finishes or `timeout` passes (for the synchronous endpoints).
    func waitForResult(id: String, requester: String?, timeout: Double) throws -> JobRecord {
        let deadline = Date().addingTimeInterval(timeout)
        var record = try find(id: id, requester: requester)
        while !record.state.isTerminal {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { break }
            record = try wait(id: id, requester: requester, timeout: left)
        }
        return record
    }

    /// Cancels a queued or running job; `409` when it already finished. A finished job is never
    /// overwritten: SQLite changes only a row that has not ended, whatever Redis still holds.
    func cancel(id: String, requester: String?) throws -> JobRecord {
        let record = try find(id: id, requester: requester)
        if record.state.isTerminal { throw Self.alreadyEnded(record.state) }
        switch try pool.with({ try $0.cancel(lane: record.lane, id: id) }) {
        case .cancelled:
            _ = try store.markCancelled(id: id)
        case .missing:
            // Redis no longer knows the job: cancel the durable record only if it has not ended.
            if try !store.markCancelled(id: id), let row = try store.job(id: id), row.isTerminal, row.state != JobState.cancelled.rawValue {
                throw Self.alreadyEnded(JobState(rawValue: row.state) ?? .succeeded)
            }
        case let .alreadyFinished(state):
            throw Self.alreadyEnded(state)
        }
        return try find(id: id, requester: requester)
    }

    private static func alreadyEnded(_ state: JobState) -> HTTPError {
        HTTPError(status: 409, code: "job_finished", message: "the job already ended (\(state.rawValue)); nothing to cancel")
    }

    /// A finished panel `faces` job's result with its descriptors, read from the job's Redis hash,
    /// which is left holding the result without them (issue 7 #2: descriptors live only in the
    /// panel store). SQLite never receives them (`ResultIngester` strips them). Nil when the hash
    /// has no result (expired, or another gateway already took it).
    func takePrivateResult(_ record: JobRecord) throws -> String? {
        try pool.with { queue in
            let key = queue.layout.job(record.lane, record.id)
            // `done` (a `JobEnd`); `result` in hashes written before it existed.
            let fields = try queue.connection.call(["HMGET", key, "done", "result"]).array ?? []
            var field = "result", text = fields.count > 1 ? fields[1].text ?? "" : ""
            var packed: JobEnd?
            if let done = fields.first?.text, let end = JobEnd(encoded: done) {
                guard end.state == .succeeded else { return nil }
                field = "done"; text = end.payload; packed = end
            }
            guard !text.isEmpty else { return nil }
            if let stripped = FacesJob.resultWithoutEmbeddings(text) {
                var value = stripped
                if var end = packed { end.payload = stripped; value = end.encoded }
                // Only while the hash exists, so an expired job is not brought back without a TTL.
                _ = try queue.connection.eval(Self.replaceField, keys: [key], arguments: [.text(field), .text(value)])
            }
            return text
        }
    }

    /// Sets a job hash's field `ARGV[1]` to `ARGV[2]` only if it has one.
    private static let replaceField = RedisScript(name: "replace_field", source: """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end
        return 0
        """)

    private func current(_ row: JobRow) throws -> JobRecord {
        let lane = Lane(rawValue: row.lane) ?? .interactive
        if !row.isTerminal, var live = try pool.with({ try $0.record(lane: lane, id: row.id) }), live.attempts >= row.attempts {
            // Redis does not keep when an attempt started (the `running` event brought it here).
            if live.state == .running, live.startedAt == nil, live.attempts == row.attempts { live.startedAt = row.startedAt }
            live.owner = row.owner
            return live
        }
        var record = JobRecord(row: row)
        if row.state == JobState.succeeded.rawValue { record.cached = try store.wasCacheHit(id: row.id) }
        return record
    }
}
