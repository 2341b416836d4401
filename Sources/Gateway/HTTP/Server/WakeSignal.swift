import Foundation
import Glibc

/// A pipe that becomes readable, permanently, once `signal` is called: every thread polling it wakes up.
final class WakeSignal: @unchecked Sendable {
    // @unchecked Sendable: the descriptors never change after init; `signal` is guarded by `lock`.
    private let lock = NSLock()
    private var signalled = false
    /// The end to poll for `POLLIN`.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// Creates the pipe.
    init() throws(SocketError) {
        var fds: [Int32] = [0, 0]
        _ = try systemCall("pipe") { pipe(&fds) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
    }

    deinit {
        Glibc.close(readDescriptor)
        Glibc.close(writeDescriptor)
    }

    /// Makes the read end readable (idempotent); the byte is never read so it stays readable.
    func signal() {
        lock.withLock {
            guard !signalled else { return }
            signalled = true
            var byte: UInt8 = 1
            _ = Glibc.write(writeDescriptor, &byte, 1)
        }
    }
}
