import Foundation

/// Long-poll support: request threads wait for a job's next state change; the result ingester
/// calls `notify` when it records one.
///
/// Each waiting request holds a connection thread, so clients' long-polls (`capped` tokens) are
/// limited to `limit` at a time (`ROOST_MAX_LONG_POLLS`): beyond it a long-poll is answered at once
/// with the current state, and the threads stay free for uploads and everything else.
final class JobWaiters: @unchecked Sendable {
    // Safe: every mutable property is only touched while holding `condition`'s lock.
    private let condition = NSCondition()
    private var versions: [String: Int] = [:]
    private var waiting: [String: Int] = [:]
    private var closed = false
    private let limit: Int
    private var cappedActive = 0
    private var capped: Set<ObjectIdentifier> = []
    private var refusedCount = 0

    /// Creates the waiters with at most `limit` capped long-polls at a time.
    init(limit: Int = 64) { self.limit = limit }

    /// A token to pass to `wait`, taken before reading the job's current state so no change is
    /// missed; nil when `capped` and the long-poll limit is reached (answer without waiting).
    func token(for id: String, capped: Bool = false) -> WaitToken? {
        condition.lock()
        defer { condition.unlock() }
        if capped {
            guard cappedActive < limit else { refusedCount += 1; return nil }
            cappedActive += 1
        }
        waiting[id, default: 0] += 1
        return WaitToken(version: versions[id] ?? 0, capped: capped)
    }

    /// Long-polls waiting now, and long-polls answered at once because the limit was reached.
    var figures: (active: Int, refused: Int) {
        condition.lock(); defer { condition.unlock() }
        return (cappedActive, refusedCount)
    }

    private func releaseLocked(_ id: String, _ token: WaitToken) {
        waiting[id, default: 1] -= 1
        if waiting[id] == 0 { waiting[id] = nil; versions[id] = nil }
        if token.capped { cappedActive -= 1 }
    }

    /// Waits until `id` changes after `token` was taken, or `timeout` seconds pass; releases the
    /// token. Returns true on change.
    func wait(for id: String, token: WaitToken, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer {
            releaseLocked(id, token)
            condition.unlock()
        }
        while !closed, (versions[id] ?? 0) == token.version {
            if !condition.wait(until: deadline) { return (versions[id] ?? 0) != token.version }
        }
        return true
    }

    /// Releases a token that will not be waited on.
    func release(_ id: String, _ token: WaitToken) {
        condition.lock()
        defer { condition.unlock() }
        releaseLocked(id, token)
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

/// A place in the line of a job's waiters: the job's change count when it was taken.
struct WaitToken: Sendable {
    /// The change count seen.
    let version: Int
    /// Whether it counts against the long-poll limit.
    let capped: Bool
}
