import Glibc

/// A point on the monotonic clock, used for every socket timeout.
struct MonotonicDeadline: Sendable, Comparable {
    /// Seconds on `CLOCK_MONOTONIC`.
    let seconds: Double

    /// The current monotonic time.
    static func now() -> MonotonicDeadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicDeadline(seconds: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
    }

    /// `interval` seconds from now.
    static func after(_ interval: Double) -> MonotonicDeadline { MonotonicDeadline(seconds: now().seconds + interval) }

    /// Milliseconds left (at least 0, rounded up so a poll never wakes just before the deadline).
    var remainingMilliseconds: Int32 {
        let left = (seconds - MonotonicDeadline.now().seconds) * 1000
        if left <= 0 { return 0 }
        return Int32(min(left.rounded(.up), Double(Int32.max)))
    }

    /// Whether the deadline is in the past.
    var hasPassed: Bool { MonotonicDeadline.now().seconds >= seconds }

    /// Orders by time.
    static func < (a: MonotonicDeadline, b: MonotonicDeadline) -> Bool { a.seconds < b.seconds }
}
