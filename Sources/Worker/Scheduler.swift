import Shared

/// Moves retries whose backoff has elapsed back onto their lane's stream.
final class Scheduler: PeriodicTask, Sendable {
    let name = "scheduler"
    let interval = 0.25

    func tick(_ queue: JobQueue) throws(RedisError) { try queue.promoteDueRetries() }
}
