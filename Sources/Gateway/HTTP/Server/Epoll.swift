import CEpoll
import Glibc

/// One epoll instance, level-triggered, used only by the event loop's thread. Each registered
/// descriptor carries a 64-bit token that comes back with its events.
final class Epoll {
    /// The epoll descriptor.
    let descriptor: Int32
    private var ready: [epoll_event]

    /// Readable.
    static let readable = EPOLLIN.rawValue
    /// Writable.
    static let writable = EPOLLOUT.rawValue
    /// An error or a hang-up of both directions (always reported).
    static let hangUp = EPOLLHUP.rawValue | EPOLLERR.rawValue
    /// The peer shut its side, or an error or hang-up (always reported).
    static let closed = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue

    /// Creates the instance; `capacity` events are returned per wait at most.
    init(capacity: Int = 1024) throws(SocketError) {
        guard case let .done(fd) = try systemCall("epoll_create1", { epoll_create1(Int32(EPOLL_CLOEXEC)) }) else {
            throw SocketError(errno: EAGAIN, call: "epoll_create1")
        }
        descriptor = fd
        ready = [epoll_event](repeating: epoll_event(), count: capacity)
    }

    deinit { Glibc.close(descriptor) }

    /// Watches `fd` for `events` (a mask of the constants above; hang-ups are always reported).
    func add(_ fd: Int32, events: UInt32, token: UInt64) throws(SocketError) {
        try control(EPOLL_CTL_ADD, fd, events: events, token: token)
    }

    /// Changes what `fd` is watched for; `halfClose: false` stops reporting the peer's half-close.
    func modify(_ fd: Int32, events: UInt32, token: UInt64, halfClose: Bool = true) throws(SocketError) {
        try control(EPOLL_CTL_MOD, fd, events: events, token: token, halfClose: halfClose)
    }

    /// Stops watching `fd` (closing it does that too).
    func remove(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `milliseconds` (-1: forever) and calls `body` with each ready token and its events.
    func wait(milliseconds: Int32, _ body: (UInt64, UInt32) -> Void) {
        let capacity = Int32(ready.count)
        let count = ready.withUnsafeMutableBufferPointer { epoll_wait(descriptor, $0.baseAddress, capacity, milliseconds) }
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let event = ready[index]
            body(event.data.u64, event.events)
        }
    }

    private func control(_ operation: Int32, _ fd: Int32, events: UInt32, token: UInt64, halfClose: Bool = true) throws(SocketError) {
        var event = epoll_event()
        event.events = events | (halfClose ? EPOLLRDHUP.rawValue : 0)
        event.data.u64 = token
        _ = try systemCall("epoll_ctl") { epoll_ctl(descriptor, operation, fd, &event) }
    }
}

/// An eventfd that wakes the event loop from other threads; writes coalesce.
final class LoopWakeup: @unchecked Sendable {
    // @unchecked Sendable: the descriptor never changes; eventfd reads and writes are atomic.
    /// The eventfd, registered with the loop's epoll.
    let descriptor: Int32

    /// Creates a non-blocking eventfd.
    init() throws(SocketError) {
        guard case let .done(fd) = try systemCall("eventfd", { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }) else {
            throw SocketError(errno: EAGAIN, call: "eventfd")
        }
        descriptor = fd
    }

    deinit { Glibc.close(descriptor) }

    /// Wakes the loop (from any thread).
    func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(descriptor, &one, 8)
    }

    /// Clears pending wake-ups (loop thread).
    func drain() {
        var count: UInt64 = 0
        _ = Glibc.read(descriptor, &count, 8)
    }
}
