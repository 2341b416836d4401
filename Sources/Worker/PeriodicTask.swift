import Foundation
import Shared

/// A background duty of the worker process (heartbeat, recoverer, scheduler), run every
/// `interval` seconds on a thread of its own with its own Redis connection.
protocol PeriodicTask: AnyObject, Sendable {
    /// A name for logs.
    var name: String { get }
    /// Seconds between ticks.
    var interval: Double { get }
    /// One round of work.
    func tick(_ queue: JobQueue) throws(RedisError)
    /// Called once when the process stops (after the analysis threads drained).
    func shutdown(_ queue: JobQueue) throws(RedisError)
}

extension PeriodicTask {
    func shutdown(_ queue: JobQueue) throws(RedisError) {}

    /// Runs ticks until `stop` is set, then `shutdown`. Blocking: call on a dedicated thread.
    func runLoop(configuration: WorkerConfiguration, stop: StopFlag, log: Log) {
        let session = RedisSession(configuration: configuration, log: log, stop: stop)
        while !stop.isStopped {
            do { _ = try session.use { queue throws(RedisError) in try tick(queue) } } catch {
                log.error("\(name) failed", [("error", .string(error.description))])
            }
            stop.sleep(interval)
        }
    }
}
