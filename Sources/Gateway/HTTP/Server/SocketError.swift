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
