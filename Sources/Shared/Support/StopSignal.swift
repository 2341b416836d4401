import Dispatch
import Foundation

/// Turns SIGTERM and SIGINT into a callback run once, on a queue of its own (the default
/// handlers would kill the process mid-job). A second signal forces an immediate exit.
public final class StopSignal: @unchecked Sendable {
    // Safe: `sources` is written only in init; `fired` is guarded by `lock`.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "roost.signals")
    private let lock = NSLock()
    private var fired = false

    /// Installs the handlers; `onStop` runs once, on the first signal.
    public init(log: Log, onStop: @escaping @Sendable () -> Void) {
        for signo in [SIGTERM, SIGINT] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let again = self.fired
                self.fired = true
                self.lock.unlock()
                if again {
                    log.warning("second stop signal: exiting now")
                    exit(1)
                }
                log.info("stop signal received: draining", [("signal", .int(Int(signo)))])
                onStop()
            }
            source.resume()
            sources.append(source)
        }
        signal(SIGPIPE, SIG_IGN)
    }
}

/// A flag several threads read and one sets; also wakes sleepers early.
public final class StopFlag: @unchecked Sendable {
    // Safe: `stopped` is read and written only under `condition`'s lock.
    private let condition = NSCondition()
    private var stopped = false

    /// Creates an unset flag.
    public init() {}

    /// True once `stop()` was called.
    public var isStopped: Bool { condition.lock(); defer { condition.unlock() }; return stopped }

    /// Sets the flag and wakes every `sleep(_:)`.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps up to `seconds`, returning early (true) if the flag is set.
    @discardableResult
    public func sleep(_ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped, condition.wait(until: deadline) {}
        return stopped
    }
}
