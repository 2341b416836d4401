import Foundation
import Shared

/// A `JobQueue` that reconnects: each worker thread owns one. After a connection failure the
/// next `use` reconnects with capped exponential backoff, waking early when the process stops.
final class RedisSession {
    private let configuration: WorkerConfiguration
    private let log: Log
    private let stop: StopFlag
    private var queue: JobQueue?
    private var failures = 0

    /// Creates a session; it connects on first use.
    init(configuration: WorkerConfiguration, log: Log, stop: StopFlag) {
        self.configuration = configuration
        self.log = log
        self.stop = stop
    }

    /// Runs `body` with a connected queue. Returns nil (after logging and backing off) when Redis
    /// is unreachable or the connection broke; other Redis errors are thrown.
    func use<T>(_ body: (JobQueue) throws(RedisError) -> T) throws(RedisError) -> T? {
        do {
            let queue = try connected()
            let value = try body(queue)
            failures = 0
            return value
        } catch where error.isConnectionFailure {
            queue?.connection.close()
            queue = nil
            failures += 1
            let delay = min(5.0, 0.1 * Double(1 << min(failures, 6)))
            log.warning("redis unavailable", [("error", .string(error.description)), ("retry_in_s", .double(delay))])
            stop.sleep(delay)
            return nil
        }
    }

    private func connected() throws(RedisError) -> JobQueue {
        if let queue, queue.connection.isOpen { return queue }
        let fresh = try JobQueue(endpoint: configuration.redis, settings: configuration.queue, ioTimeout: 10)
        try fresh.ensureGroups()
        queue = fresh
        return fresh
    }
}
