import Foundation

/// A long-running loop on a named thread of its own, with a graceful stop: `body` runs until
/// the `StopFlag` it is given is set, and `shutdown` waits (bounded) for it to return.
public final class ServiceThread: Sendable {
    private let name: String
    private let body: @Sendable (StopFlag) -> Void
    private let stopFlag = StopFlag()
    private let finished = DispatchSemaphore(value: 0)

    /// Creates the service; `start()` runs `body`.
    public init(name: String, body: @escaping @Sendable (StopFlag) -> Void) {
        self.name = name
        self.body = body
    }

    /// Starts the thread.
    public func start() {
        let thread = Thread { [body, stopFlag, finished] in
            body(stopFlag)
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Sets the stop flag without waiting: stop several services, then wait for each (`shutdown`).
    public func requestStop() { stopFlag.stop() }

    /// Sets the stop flag and waits up to `timeout` seconds for `body` to return.
    public func shutdown(timeout: Double = 5) {
        stopFlag.stop()
        _ = finished.wait(timeout: .now() + timeout)
    }
}
