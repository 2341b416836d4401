import Foundation

/// The open connections, counted against the cap; lets `shutdown` wait for them and, after the grace, cut them.
final class ConnectionRegistry: @unchecked Sendable {
    // @unchecked Sendable: all state is guarded by `condition` (an NSCondition, i.e. a mutex plus a condition variable).
    private let condition = NSCondition()
    private var sockets: [Int: ConnectionSocket] = [:]
    private var nextID = 0

    /// Connections currently open.
    var count: Int { condition.withLock { sockets.count } }

    /// Registers `socket` unless `limit` connections are open; returns its id, or nil when at the cap.
    func register(_ socket: ConnectionSocket, limit: Int) -> Int? {
        condition.withLock {
            guard sockets.count < limit else { return nil }
            nextID += 1
            sockets[nextID] = socket
            return nextID
        }
    }

    /// Forgets connection `id`; call before closing its socket so `shutdownAll` never touches a closed descriptor.
    func remove(_ id: Int) {
        condition.withLock {
            sockets[id] = nil
            condition.broadcast()
        }
    }

    /// Waits until no connection is open or `deadline` passes; true when all are gone.
    func waitUntilEmpty(until deadline: MonotonicDeadline) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !sockets.isEmpty {
            let left = deadline.seconds - MonotonicDeadline.now().seconds
            if left <= 0 { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: left))
        }
        return true
    }

    /// Shuts every open connection down so their threads wake up and exit; returns how many there were.
    func shutdownAll() -> Int {
        condition.withLock {
            for socket in sockets.values { socket.shutdownBoth() }
            return sockets.count
        }
    }
}
