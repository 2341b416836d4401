import Foundation
import Shared

/// Per-key request limits of TheDogAPI, with the real service's headers: a fixed window of
/// `window` seconds allows `limit` requests per account (anonymous requests count per client
/// address). Every answer carries `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset`
/// (seconds until the window ends); a refused request gets `429` with `retry-after-seconds` too.
///
/// In memory, per gateway process (several gateways each enforce it: the effective limit is per
/// gateway); bounded: at most `maxTracked` keys, expired windows dropped first.
final class DogAPIRateLimiter: @unchecked Sendable {
    // Safe: `windows` is only touched under `lock`.
    private let lock = NSLock()
    private var windows: [String: (start: Double, count: Int)] = [:]
    /// Requests per window.
    let limit: Int
    /// Window length in seconds.
    let window: Double
    private let maxTracked: Int

    /// A limiter of `limit` requests per `window` seconds (limit 0: unlimited).
    init(limit: Int, window: Double = 60, maxTracked: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.maxTracked = maxTracked
    }

    /// Counts one request of `key`; returns the headers to send and whether it may proceed.
    func take(_ key: String, now: Double = Clock.now()) -> (allowed: Bool, headers: [(String, String)]) {
        guard limit > 0 else { return (true, []) }
        return lock.withLock {
            var entry = windows[key] ?? (now, 0)
            if now - entry.start >= window { entry = (now, 0) }
            let allowed = entry.count < limit
            if allowed { entry.count += 1 }
            if windows[key] == nil, windows.count >= maxTracked {
                windows = windows.filter { now - $0.value.start < window }
                if windows.count >= maxTracked, let oldest = windows.min(by: { $0.value.start < $1.value.start })?.key { windows[oldest] = nil }
            }
            windows[key] = entry
            let reset = max(1, Int((entry.start + window - now).rounded(.up)))
            var headers = [("ratelimit-limit", String(limit)), ("ratelimit-remaining", String(max(0, limit - entry.count))),
                           ("ratelimit-reset", String(reset))]
            if !allowed { headers.append(("retry-after-seconds", String(reset))); headers.append(("Retry-After", String(reset))) }
            return (allowed, headers)
        }
    }
}
