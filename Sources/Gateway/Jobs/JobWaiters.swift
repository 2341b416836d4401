import Foundation

/// Long-poll support: request threads wait for a job's next state change; the result ingester
/// calls `notify` when it records one.
///
/// A client's long-poll (`GET /jobs/{id}?wait=`) is *parked*: it holds no thread, only an entry
/// here, woken by `notify`, its deadline (a timer thread checks every 50 ms) or `close`. The
/// synchronous endpoints still `wait` on a handler thread. Clients' long-polls (`capped` tokens)
/// are limited to `limit` at a time (`ROOST_MAX_LONG_POLLS`): beyond it a long-poll is answered at
/// once with the current state.
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
    /// Parked waiters by job id: called once, on a notify for their job, their deadline, or close.
    private var parked: [String: [Parked]] = [:]
    private var parkedCount = 0
    private var timerRunning = false
    /// No parked waiter's deadline is earlier: the timer skips its scan before it.
    private var earliestParkedDeadline = Double.infinity

    private struct Parked {
        let token: WaitToken
        let deadline: Double
        let wake: @Sendable (WakeReason) -> Void
    }

    /// Why a parked waiter is woken.
    enum WakeReason: Sendable {
        /// Its job changed (`notify`): the wake-up runs on the notifying thread (the result
        /// ingester), so it should be quick, a read or two. With the job's row as just recorded
        /// when the notifier has it (then no read is needed).
        case changed(JobRow?)
        /// Its deadline passed (the timer thread, which may wake many at once).
        case expired
        /// The waiters are closing (shutdown).
        case closing
    }

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
        let woken = takeParkedLocked()
        condition.unlock()
        for wake in woken { wake(.closing) }
    }

    /// Parks a waiter without a thread: `wake` is called once (on another thread, or on this one
    /// when the job already changed), when `id` is notified, when `timeout` seconds pass, or at
    /// `close` — whichever comes first — with the reason. `token` comes from
    /// `token(for:capped:)` and is released here.
    func park(for id: String, token: WaitToken, timeout: Double, wake: @escaping @Sendable (WakeReason) -> Void) {
        condition.lock()
        if closed || (versions[id] ?? 0) != token.version {
            releaseLocked(id, token)
            let reason: WakeReason = closed ? .closing : .changed(nil)
            condition.unlock()
            wake(reason)
            return
        }
        let deadline = MonotonicDeadline.now().seconds + timeout
        parked[id, default: []].append(Parked(token: token, deadline: deadline, wake: wake))
        earliestParkedDeadline = min(earliestParkedDeadline, deadline)
        parkedCount += 1
        let startTimer = !timerRunning
        timerRunning = true
        condition.unlock()
        if startTimer {
            let thread = Thread { [self] in expireParked() }
            thread.name = "long-poll-timer"
            thread.start()
        }
    }

    /// Parked waiters now.
    var parkedNow: Int { condition.withLock { parkedCount } }

    /// Removes every parked waiter (or, given `now`, those whose deadline passed) and returns
    /// their wake-ups, to be called after unlocking.
    private func takeParkedLocked(expiredBy now: Double? = nil) -> [@Sendable (WakeReason) -> Void] {
        var woken: [@Sendable (WakeReason) -> Void] = []
        var earliest = Double.infinity
        for (id, list) in parked {
            if let now, !list.contains(where: { $0.deadline <= now }) {
                earliest = min(earliest, list.lazy.map(\.deadline).min() ?? earliest)
                continue
            }
            var kept: [Parked] = []
            for entry in list {
                if let now, entry.deadline > now { kept.append(entry); earliest = min(earliest, entry.deadline); continue }
                releaseLocked(id, entry.token)
                woken.append(entry.wake)
            }
            parked[id] = kept.isEmpty ? nil : kept
        }
        parkedCount -= woken.count
        earliestParkedDeadline = earliest
        return woken
    }

    /// The timer thread: every 50 ms, wakes the parked waiters whose deadline passed; ends at close.
    private func expireParked() {
        while true {
            condition.lock()
            if closed { timerRunning = false; condition.unlock(); return }
            _ = condition.wait(until: Date().addingTimeInterval(0.05))
            let now = MonotonicDeadline.now().seconds
            let woken = parkedCount == 0 || now < earliestParkedDeadline ? [] : takeParkedLocked(expiredBy: now)
            condition.unlock()
            for wake in woken { wake(.expired) }
        }
    }

    /// Records that these jobs changed and wakes their waiters; `recorded` holds the rows as the
    /// caller just recorded them, when it has them, passed on to parked waiters.
    func notify(_ ids: [String], recorded: [String: JobRow] = [:]) {
        condition.lock()
        var woke = false
        var parkedWoken: [(wake: @Sendable (WakeReason) -> Void, row: JobRow?)] = []
        for id in ids where waiting[id] != nil {
            versions[id, default: 0] += 1
            woke = true
            if let list = parked.removeValue(forKey: id) {
                for entry in list { releaseLocked(id, entry.token); parkedWoken.append((entry.wake, recorded[id])) }
                parkedCount -= list.count
            }
        }
        if woke { condition.broadcast() }
        condition.unlock()
        for (wake, row) in parkedWoken { wake(.changed(row)) }
    }
}

/// A place in the line of a job's waiters: the job's change count when it was taken.
struct WaitToken: Sendable {
    /// The change count seen.
    let version: Int
    /// Whether it counts against the long-poll limit.
    let capped: Bool
}
