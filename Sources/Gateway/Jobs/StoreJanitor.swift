import Foundation
import Shared

/// Keeps SQLite honest and bounded, on a thread of its own:
/// - **Reconciles** jobs SQLite still shows unfinished a while (`staleAfter`) after their last
///   update, from their Redis record: a state change whose event was trimmed from the capped event
///   stream (the gateway was down a long time) is recorded anyway.
/// - **Re-enqueues** such a job when its Redis record vanished (Redis lost its data), from the
///   original kept on disk, under the same id, so clients polling it see it finish. Only a job
///   with no original left (accepted before originals were kept) is marked `dead` with `lost_in_queue`.
/// - **Retention**: deletes finished jobs older than `ROOST_STORE_RETENTION_DAYS`, and the originals
///   no remaining job references.
///
/// Several gateways on one Redis each run their own janitor, with no lease: each walks only its own
/// SQLite rows (the jobs it accepted), reads those jobs' Redis records, re-enqueues them from its own
/// kept originals under their own ids, and deletes its own rows and files; nothing it writes in
/// Redis is shared with another gateway's jobs.
///
/// Unfinished jobs are walked in keyset pages over (created_at, id) with a cursor that carries over
/// from round to round (at most `maxRowsPerRound` per round), and each page's Redis records are read
/// with one pipelined round trip, so a backlog of any size is covered, at a bounded cost per round.
final class StoreJanitor: @unchecked Sendable {
    // Safe: `thread` is set once by `start()` before the thread exists and read by `shutdown()`
    // afterwards; `cursor` and `pendingRemoval` are only touched under `cursorLock`; everything else is immutable and Sendable.
    private let store: JobStore
    private let pool: RedisPool
    private let waiters: JobWaiters
    private let originals: OriginalStore
    private let retentionDays: Double
    private let interval: Double
    private let staleAfter: Double
    private let pageSize: Int
    private let maxRowsPerRound: Int
    private let log: Log
    private var thread: ServiceThread?
    private let cursorLock = NSLock()
    private var cursor: JobStore.UnfinishedCursor?
    /// Originals released while an upload had them pinned: tried again next round (under `cursorLock`).
    private var pendingRemoval: Set<String> = []

    /// Creates the janitor; `start()` runs it every `interval` seconds. `staleAfter`: seconds an
    /// unfinished job may go without news before it is checked against Redis (and re-enqueued if Redis lost it).
    init(store: JobStore, pool: RedisPool, waiters: JobWaiters, originals: OriginalStore, retentionDays: Double,
         interval: Double = 60, staleAfter: Double = 120, pageSize: Int = 500, maxRowsPerRound: Int = 20_000, log: Log) {
        self.store = store
        self.pool = pool
        self.waiters = waiters
        self.originals = originals
        self.retentionDays = retentionDays
        self.interval = interval
        self.staleAfter = staleAfter
        self.pageSize = pageSize
        self.maxRowsPerRound = maxRowsPerRound
        self.log = log
    }

    /// Starts the thread.
    func start() {
        let service = ServiceThread(name: "roost-store-janitor") { [self] stop in
            while !stop.sleep(interval) { runOnce() }
        }
        thread = service
        service.start()
    }

    /// Stops the thread (waits up to `timeout` seconds).
    func shutdown(timeout: Double = 5) { thread?.shutdown(timeout: timeout) }

    /// One round: reconcile, then retention. Errors are logged; the next round tries again.
    func runOnce() {
        do {
            let reconciled = try reconcile(now: Clock.now())
            let (deleted, removed) = try sweepRetention(now: Clock.now())
            if reconciled > 0 || deleted > 0 {
                log.info("store janitor", [("reconciled", .int(reconciled)), ("deleted", .int(deleted)), ("originals_removed", .int(removed))])
            }
        } catch {
            log.warning("store janitor failed", [("error", .string(String(describing: error)))])
        }
    }

    /// Brings stale unfinished rows up to date from Redis, re-enqueueing the ones Redis lost; returns
    /// how many changed. Continues from where the previous call stopped; after the last page it
    /// starts again from the oldest row on the next call.
    func reconcile(now: Double) throws -> Int {
        var changed: [String] = []
        defer { waiters.notify(changed) }
        var seen = 0
        while seen < maxRowsPerRound {
            let after = cursorLock.withLock { cursor }
            let page = try store.unfinishedJobs(after: after, updatedBefore: now - staleAfter, limit: pageSize)
            let next = page.last.map { JobStore.UnfinishedCursor(createdAt: $0.createdAt, id: $0.id) }
            cursorLock.withLock { cursor = page.count < pageSize ? nil : next }
            seen += page.count
            changed += try reconcile(page, now: now)
            if page.count < pageSize { break }
        }
        return changed.count
    }

    /// One page: records read with one pipelined round trip, updates written in one transaction.
    private func reconcile(_ page: [JobRow], now: Double) throws -> [String] {
        guard !page.isEmpty else { return [] }
        let live = try pool.with { try $0.records(page.map { (lane: Lane(rawValue: $0.lane) ?? .interactive, id: $0.id) }) }
        var updates: [JobRow] = []
        var changed: [String] = []
        for (row, record) in zip(page, live) {
            if let record {
                updates.append(JobRow(record: record, updatedAt: now))
            } else if try requeue(row, now: now) {
                changed.append(row.id)
            }
        }
        for (row, didChange) in zip(updates, try store.applyUpdates(updates)) where didChange { changed.append(row.id) }
        return changed
    }

    /// Queues a job Redis lost again, from its original; marks it dead when there is none. Returns whether the row changed.
    private func requeue(_ row: JobRow, now: Double) throws -> Bool {
        let lane = Lane(rawValue: row.lane) ?? .interactive
        guard let sha = row.imageSHA256, let params = try store.params(jobID: row.id), let bytes = originals.load(sha256: sha) else {
            var dead = row
            dead.updatedAt = now
            dead.state = JobState.dead.rawValue
            dead.finishedAt = now
            dead.errorCode = "lost_in_queue"
            dead.errorMessage = "the job's queue record disappeared (Redis lost its data) and its upload was not kept; submit it again"
            return try store.applyUpdate(dead)
        }
        let request = EnqueueRequest(kind: row.kind, lane: lane, blob: bytes, blobSHA256: sha,
                                     params: (try? JSON.parse(params)) ?? .object([]), owner: row.owner ?? "",
                                     idempotencyKey: nil, id: row.id, createdAt: row.createdAt)
        switch try pool.with({ try $0.enqueue(request) }) {
        case .created:
            log.warning("job re-enqueued from its original", [("job", .string(row.id)), ("kind", .string(row.kind))])
            return try store.markRequeued(id: row.id, now: now)
        case .busy, .existing:
            return false  // the lane is full: the next round tries again
        }
    }

    /// Deletes finished jobs past retention and the originals no job references any more;
    /// returns (jobs deleted, originals removed).
    func sweepRetention(now: Double) throws -> (deleted: Int, removed: Int) {
        let (deleted, unreferenced) = try store.deleteFinishedReleasingOriginals(olderThan: now - retentionDays * 86_400)
        let candidates = cursorLock.withLock { pendingRemoval.union(unreferenced) }
        var removed = 0
        var pinned: Set<String> = []
        for sha in candidates.sorted() {
            var referenced = false
            if try originals.removeIfUnpinned(sha, stillUnreferenced: { referenced = try store.isReferenced(sha256: sha); return !referenced }) {
                removed += 1
            } else if !referenced {
                pinned.insert(sha)  // an upload of the same photo is under way; it may or may not end up recorded
            }
        }
        cursorLock.withLock { pendingRemoval = pinned }
        return (deleted, removed)
    }
}
