import Foundation
import Glibc

/// One accepted TCP connection, non-blocking; reads and writes wait with `poll` up to a deadline.
final class ConnectionSocket: @unchecked Sendable {
    // @unchecked Sendable: the connection thread is the only reader/writer; other threads only call
    // `shutdownBoth`, which like `close` checks `closed` under `lock`, so the descriptor is never used after close.
    private let lock = NSLock()
    private var closed = false
    /// The descriptor (valid until `close`).
    let descriptor: Int32
    /// The peer address, `host:port`.
    let remoteAddress: String

    /// What a read produced.
    enum ReadOutcome {
        /// This many bytes were stored at the start of the buffer.
        case bytes(Int)
        /// The peer closed its side.
        case endOfStream
        /// The deadline passed first.
        case timedOut
        /// The wake descriptor became readable first (the server is shutting down).
        case woken
    }

    /// Takes ownership of `descriptor` and makes it non-blocking.
    init(descriptor: Int32, remoteAddress: String) {
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// Reads into `buffer` before `deadline`; when `wake` is given, returns `.woken` as soon as it is readable.
    func read(into buffer: inout [UInt8], until deadline: MonotonicDeadline, wake: Int32? = nil) throws(SocketError) -> ReadOutcome {
        while true {
            var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if let wake { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
            let ready = try wait(&fds, until: deadline)
            if !ready { return .timedOut }
            if fds.count > 1, fds[1].revents != 0 { return .woken }
            if fds[0].revents == 0 { continue }
            let count = buffer.count
            let result = try systemCall("recv") { buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, count, 0) } }
            switch result {
            case .wouldBlock: continue
            case .done(0): return .endOfStream
            case let .done(n): return .bytes(n)
            }
        }
    }

    /// Writes all of `bytes` before `deadline`, or throws (`timed_out` when the peer stopped reading).
    func write(_ bytes: some Collection<UInt8>, until deadline: MonotonicDeadline) throws(SocketError) {
        let contiguous = ContiguousArray(bytes)
        var offset = 0
        while offset < contiguous.count {
            let result = try systemCall("send") {
                contiguous.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            switch result {
            case let .done(n): offset += n
            case .wouldBlock:
                var fds = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
                guard try wait(&fds, until: deadline) else { throw SocketError.timedOut("send") }
            }
        }
    }

    /// Half-closes, then discards what the peer still sends for a moment, so our last response is not lost
    /// to a reset caused by unread request bytes (the classic "lingering close").
    func lingeringClose(maxWait: Double = 1, maxBytes: Int = 1 << 20) {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
        let deadline = MonotonicDeadline.after(maxWait)
        var scratch = [UInt8](repeating: 0, count: 16_384)
        var discarded = 0
        while discarded < maxBytes {
            guard case let .bytes(n)? = try? read(into: &scratch, until: deadline) else { break }
            discarded += n
        }
        close()
    }

    /// Wakes a thread blocked on this socket by shutting both directions; safe from any thread.
    func shutdownBoth() {
        lock.withLock { if !closed { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) } }
    }

    /// Closes the descriptor (once).
    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            _ = Glibc.close(descriptor)
        }
    }

    /// Polls `fds` until one is ready (true) or the deadline passes (false).
    private func wait(_ fds: inout [pollfd], until deadline: MonotonicDeadline) throws(SocketError) -> Bool {
        while true {
            let timeout = deadline.remainingMilliseconds
            let count = fds.count
            let result = try systemCall("poll") { fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t(count), timeout) } }
            switch result {
            case let .done(n) where n > 0: return true
            case .done, .wouldBlock: if deadline.hasPassed { return false }
            }
        }
    }
}
