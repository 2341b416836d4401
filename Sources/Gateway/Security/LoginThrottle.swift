import Foundation
import Shared

/// Limits log-in attempts per account name and per client address, before any password hash is
/// computed, so a guessing client can neither try passwords quickly nor keep the CPU busy with
/// PBKDF2 (each verification costs hundreds of milliseconds on purpose).
///
/// Each key has a token bucket: `burst` attempts at once, then one more every `refill` seconds.
/// An attempt with no token left is refused with the wait until the next one (`429` with
/// `Retry-After`). Memory is bounded: at most `maxTracked` keys per kind; when full, keys whose
/// buckets have refilled are dropped first, then the oldest.
final class LoginThrottle: @unchecked Sendable {
    // Safe: `buckets` is only touched while holding `lock`.
    private struct Bucket { var tokens: Double; var updated: Double }
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]
    private let accountLimit: Limit
    private let addressLimit: Limit
    private let maxTracked: Int

    /// One bucket's shape.
    struct Limit: Sendable {
        /// Attempts allowed at once.
        var burst: Double
        /// Seconds per regained attempt.
        var refill: Double
    }

    /// Creates a throttle; defaults: 5 attempts per account then one every 12 s, 20 per address
    /// then one every 3 s.
    init(account: Limit = Limit(burst: 5, refill: 12), address: Limit = Limit(burst: 20, refill: 3), maxTracked: Int = 100_000) {
        accountLimit = account
        addressLimit = address
        self.maxTracked = maxTracked
    }

    /// Takes one attempt for `account` from `address`; returns nil when allowed, else the seconds
    /// to wait. Both buckets must have a token; neither is charged when one refuses.
    func attempt(account: String, address: String, now: Double = Clock.now()) -> Int? {
        lock.lock(); defer { lock.unlock() }
        let keys = [("a:" + account, accountLimit), ("i:" + address, addressLimit)]
        var refreshed: [(String, Bucket)] = []
        var wait = 0.0
        for (key, limit) in keys {
            var bucket = buckets[key] ?? Bucket(tokens: limit.burst, updated: now)
            bucket.tokens = min(limit.burst, bucket.tokens + max(0, now - bucket.updated) / limit.refill)
            bucket.updated = now
            if bucket.tokens < 1 { wait = max(wait, (1 - bucket.tokens) * limit.refill) }
            refreshed.append((key, bucket))
        }
        if wait > 0 {
            for (key, bucket) in refreshed where buckets[key] != nil { buckets[key] = bucket }
            return max(1, Int(wait.rounded(.up)))
        }
        if buckets.count + 2 > maxTracked { evict(now: now) }
        for (key, var bucket) in refreshed {
            bucket.tokens -= 1
            buckets[key] = bucket
        }
        return nil
    }

    /// How many keys are tracked (for tests and metrics).
    var trackedCount: Int { lock.lock(); defer { lock.unlock() }; return buckets.count }

    private func evict(now: Double) {
        let full = buckets.filter { key, bucket in
            let limit = key.hasPrefix("a:") ? accountLimit : addressLimit
            return bucket.tokens + (now - bucket.updated) / limit.refill >= limit.burst
        }
        for key in full.keys { buckets[key] = nil }
        if buckets.count + 2 > maxTracked {
            let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(max(2, buckets.count / 10))
            for (key, _) in oldest { buckets[key] = nil }
        }
    }
}
