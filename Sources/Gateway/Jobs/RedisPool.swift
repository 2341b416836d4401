import Foundation
import Shared

/// Redis connections for the gateway's request threads: borrowed for one operation, returned
/// after. A connection that failed is dropped, and the next borrow opens a fresh one.
///
/// After a Redis restart every idle connection is dead: a borrowed one that the server closed is
/// replaced before use, and an operation that fails with a connection error on a pooled
/// connection is retried once on a fresh one, so a restart costs clients no `503`s.
final class RedisPool: @unchecked Sendable {
    // Safe: `idle` is only touched while holding `lock`; a borrowed JobQueue is used by one thread.
    private let lock = NSLock()
    private var idle: [JobQueue] = []
    private let endpoint: RedisEndpoint
    private let settings: QueueSettings
    private let maxIdle: Int

    /// Creates an empty pool; connections open on demand.
    init(endpoint: RedisEndpoint, settings: QueueSettings, maxIdle: Int = 64) {
        self.endpoint = endpoint
        self.settings = settings
        self.maxIdle = maxIdle
    }

    /// Runs `body` with a connection. Redis being down becomes `503` for the client.
    func with<T>(_ body: (JobQueue) throws -> T) throws -> T {
        let (queue, pooled) = try borrow()
        do {
            return try run(body, on: queue)
        } catch let error as RedisError where error.isConnectionFailure && pooled {
            // The pooled connection went stale (Redis restarted): once more on a fresh one.
            return try run(body, on: try open())
        }
    }

    private func run<T>(_ body: (JobQueue) throws -> T, on queue: JobQueue) throws -> T {
        do {
            let value = try body(queue)
            giveBack(queue)
            return value
        } catch let error as RedisError {
            if error.isConnectionFailure { queue.connection.close() } else { giveBack(queue) }
            throw error
        } catch {
            giveBack(queue)
            throw error
        }
    }

    /// An idle connection the server has not closed, or a new one (`pooled` false).
    private func borrow() throws -> (queue: JobQueue, pooled: Bool) {
        lock.lock()
        while let queue = idle.popLast() {
            lock.unlock()
            if queue.connection.isUsableWhenIdle { return (queue, true) }
            queue.connection.close()
            lock.lock()
        }
        lock.unlock()
        return (try open(), false)
    }

    private func open() throws -> JobQueue {
        try JobQueue(endpoint: endpoint, settings: settings, ioTimeout: 35)
    }

    private func giveBack(_ queue: JobQueue) {
        guard queue.connection.isOpen else { return }
        lock.lock()
        defer { lock.unlock() }
        if idle.count < maxIdle { idle.append(queue) }
    }
}
