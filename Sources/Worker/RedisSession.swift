import Foundation
import Shared

/// A `JobQueue` that reconnects: each worker thread owns one. After a connection failure the
/// next `use` reconnects with capped exponential backoff, waking early when the process stops.
final class RedisSession {
    private let configuration: WorkerConfiguration
    private let log: Log
    private let stop: StopFlag
    private var queue: JobQueue?
    private var backoff = ReconnectBackoff()
    /// The queue's first `readTurn` (the shard its reads start on, the Redis Cluster slot its blocking reads wait on).
    private let readTurn: UInt?

    /// Creates a session; it connects on first use. `readTurn`, if given, is its queue's first
    /// (`JobQueue.readTurn`).
    init(configuration: WorkerConfiguration, log: Log, stop: StopFlag, readTurn: UInt? = nil) {
        self.readTurn = readTurn
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
            backoff.reset()
            return value
        } catch where error.isConnectionFailure {
            queue?.connection.close()
            queue = nil
            let delay = backoff.nextDelay()
            log.warning("redis unavailable", [("error", .string(error.description)), ("retry_in_s", .double(delay))])
            stop.sleep(delay)
            return nil
        } catch let error where error.isMissingGroup {
            // Redis lost its data (FLUSHALL, or a restart without persistence): the streams and their
            // groups are gone. Reconnecting creates them again (`ensureGroups`).
            queue?.connection.close()
            queue = nil
            log.warning("redis lost the consumer groups; creating them again", [("error", .string(error.description))])
            stop.sleep(backoff.nextDelay())
            return nil
        }
    }

    /// Lost consumer groups are recreated on reconnect (see `use`).
    private func connected() throws(RedisError) -> JobQueue {
        if let queue, queue.connection.isOpen { return queue }
        let fresh = try JobQueue(endpoint: configuration.redis, settings: configuration.queue, ioTimeout: 10)
        if let readTurn { fresh.readTurn = readTurn }
        // The workers' groups only: each gateway creates its own group on the event streams.
        try fresh.ensureGroups(ingesterGroup: nil)
        queue = fresh
        return fresh
    }
}
