import Foundation
import Shared

/// Keeps SQLite honest and bounded, on a thread of its own:
/// - **Reconciles** jobs SQLite still shows unfinished a while after their last update, from their
///   Redis record: a state change whose event was trimmed from the capped event stream (the gateway
///   was down a long time) is recorded anyway, and a job whose Redis record vanished (Redis lost its
///   data) is marked `dead` with `lost_in_queue` instead of showing `queued` for ever.
/// - **Retention**: deletes finished jobs older than `ROOST_STORE_RETENTION_DAYS`.
final class StoreJanitor: @unchecked Sendable {
    // Safe: `thread` is set once by `start()` before the thread exists and read by `shutdown()`
    // afterwards; every other property is immutable and Sendable.
    private let store: JobStore
    private let pool: RedisPool
    private let waiters: JobWaiters
    private let retentionDays: Double
    private let interval: Double
    private let staleAfter: Double
    private let log: Log
    private var thread: ServiceThread?

    /// Creates the janitor; `start()` runs it every `interval` seconds.
    init(store: JobStore, pool: RedisPool, waiters: JobWaiters, retentionDays: Double, interval: Double = 60,
         staleAfter: Double = 120, log: Log) {
        self.store = store
        self.pool = pool
        self.waiters = waiters
        self.retentionDays = retentionDays
        self.interval = interval
        self.staleAfter = staleAfter
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
            let deleted = try store.deleteFinished(olderThan: Clock.now() - retentionDays * 86_400)
            if reconciled > 0 || deleted > 0 {
                log.info("store janitor", [("reconciled", .int(reconciled)), ("deleted", .int(deleted))])
            }
        } catch {
            log.warning("store janitor failed", [("error", .string(String(describing: error)))])
        }
    }

    /// Brings stale unfinished rows up to date from Redis; returns how many changed.
    func reconcile(now: Double, limit: Int = 1000) throws -> Int {
        var changed: [String] = []
        for state in [JobState.queued, .running] {
            for row in try store.jobs(inState: state.rawValue, limit: limit) where now - row.updatedAt > staleAfter {
                let lane = Lane(rawValue: row.lane) ?? .interactive
                var update = row
                update.updatedAt = now
                if let live = try pool.with({ try $0.record(lane: lane, id: row.id) }) {
                    // applyUpdate keeps the accepted identity fields and any times the record leaves empty.
                    update = JobRow(record: live, updatedAt: now)
                } else {
                    update.state = JobState.dead.rawValue
                    update.finishedAt = now
                    update.errorCode = "lost_in_queue"
                    update.errorMessage = "the job's queue record disappeared (Redis lost its data); submit it again"
                }
                if try store.applyUpdate(update) { changed.append(row.id) }
            }
        }
        waiters.notify(changed)
        return changed.count
    }
}
