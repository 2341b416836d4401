import Glibc

/// A failed system call on a socket: the call's name and its `errno`.
struct SocketError: Error, Sendable, CustomStringConvertible {
    /// The `errno` value the call left.
    let errno: Int32
    /// The system call that failed, e.g. `bind`.
    let call: String

    /// A snake_case classification for logs.
    var code: String {
        switch errno {
        case ECONNRESET, EPIPE: "connection_reset"
        case ETIMEDOUT: "timed_out"
        case EADDRINUSE: "address_in_use"
        default: "system_error"
        }
    }

    /// `call: strerror(errno)`.
    var message: String { "\(call): \(String(cString: strerror(errno)))" }

    /// Same as `message`, for string interpolation.
    var description: String { message }

    /// A deadline passed while waiting in `call`.
    static func timedOut(_ call: String) -> SocketError { SocketError(errno: ETIMEDOUT, call: call) }
}

/// The outcome of a system call on a non-blocking descriptor.
enum SyscallResult<Value> {
    /// The call completed with this return value.
    case done(Value)
    /// The call would have blocked (`EAGAIN`/`EWOULDBLOCK`); wait with `poll` and retry.
    case wouldBlock
}

/// The one funnel for socket system calls: retries `EINTR`, reports `EAGAIN` as `.wouldBlock`, throws anything else.
func systemCall<Value: BinaryInteger>(_ call: String, _ body: () -> Value) throws(SocketError) -> SyscallResult<Value> {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let code = Glibc.errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
        throw SocketError(errno: code, call: call)
    }
}

/// A point on the monotonic clock, used for every socket timeout.
struct Deadline: Sendable, Comparable {
    /// Seconds on `CLOCK_MONOTONIC`.
    let seconds: Double

    /// The current monotonic time.
    static func now() -> Deadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Deadline(seconds: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
    }

    /// `interval` seconds from now.
    static func after(_ interval: Double) -> Deadline { Deadline(seconds: now().seconds + interval) }

    /// Milliseconds left (at least 0, rounded up so a poll never wakes just before the deadline).
    var remainingMilliseconds: Int32 {
        let left = (seconds - Deadline.now().seconds) * 1000
        if left <= 0 { return 0 }
        return Int32(min(left.rounded(.up), Double(Int32.max)))
    }

    /// Whether the deadline is in the past.
    var hasPassed: Bool { Deadline.now().seconds >= seconds }

    /// Orders by time.
    static func < (a: Deadline, b: Deadline) -> Bool { a.seconds < b.seconds }
}
