import Foundation
import Shared

/// Redis connections for the gateway's request threads: borrowed for one operation, returned
/// after. A connection that failed is dropped, and the next borrow opens a fresh one.
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
        let queue = try borrow()
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

    private func borrow() throws -> JobQueue {
        lock.lock()
        if let queue = idle.popLast() { lock.unlock(); return queue }
        lock.unlock()
        return try JobQueue(endpoint: endpoint, settings: settings, ioTimeout: 35)
    }

    private func giveBack(_ queue: JobQueue) {
        guard queue.connection.isOpen else { return }
        lock.lock()
        defer { lock.unlock() }
        if idle.count < maxIdle { idle.append(queue) }
    }
}
