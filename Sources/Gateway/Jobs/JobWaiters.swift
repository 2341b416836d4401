import Foundation

/// Long-poll support: request threads wait for a job's next state change; the result ingester
/// calls `notify` when it records one.
final class JobWaiters: @unchecked Sendable {
    // Safe: `versions` is only touched while holding `condition`'s lock.
    private let condition = NSCondition()
    private var versions: [String: Int] = [:]
    private var waiting: [String: Int] = [:]
    private var closed = false

    /// A token to pass to `wait`, taken before reading the job's current state so no change is missed.
    func token(for id: String) -> Int {
        condition.lock()
        defer { condition.unlock() }
        waiting[id, default: 0] += 1
        return versions[id] ?? 0
    }

    /// Waits until `id` changes after `token` was taken, or `timeout` seconds pass. Returns true on change.
    func wait(for id: String, token: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer {
            waiting[id, default: 1] -= 1
            if waiting[id] == 0 { waiting[id] = nil; versions[id] = nil }
            condition.unlock()
        }
        while !closed, (versions[id] ?? 0) == token {
            if !condition.wait(until: deadline) { return (versions[id] ?? 0) != token }
        }
        return true
    }

    /// Releases a token that will not be waited on.
    func release(_ id: String) {
        condition.lock()
        defer { condition.unlock() }
        waiting[id, default: 1] -= 1
        if waiting[id] == 0 { waiting[id] = nil; versions[id] = nil }
    }

    /// Ends every wait now and makes later ones return at once: a stopping gateway answers its
    /// long-polls with the current state instead of holding shutdown for up to `ROOST_MAX_WAIT`.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Records that these jobs changed and wakes their waiters.
    func notify(_ ids: [String]) {
        condition.lock()
        defer { condition.unlock() }
        var woke = false
        for id in ids where waiting[id] != nil {
            versions[id, default: 0] += 1
            woke = true
        }
        if woke { condition.broadcast() }
    }
}
