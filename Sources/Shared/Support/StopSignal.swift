import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT into a callback run once, on a thread of its own (the default
/// handlers would kill the process mid-job). A second signal forces an immediate exit, even
/// while the first one's callback is still draining.
///
/// The signals are *blocked* rather than ignored, in every thread, and taken by one thread with
/// `sigwait`: a signal that arrives before the callback exists (while models load, say) waits,
/// pending, instead of killing the process or being lost; none can land on a thread that would
/// discard it. For that, `blockInThisThread()` must run first thing in `main`, before any thread
/// starts: threads inherit the mask of the thread that creates them.
public final class StopSignal: @unchecked Sendable {
    // Safe: nothing mutable; the waiting thread owns its own state.

    /// The signals that stop a Roost process.
    private static var stopSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Blocks SIGTERM and SIGINT in the calling thread and in every thread it starts afterwards.
    /// Call it first thing in `main`. Also ignores SIGPIPE (a closed socket is an error to
    /// handle, not a reason to die).
    public static func blockInThisThread() {
        var set = stopSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts the thread that waits for the signals; `onStop` runs once, on the first signal
    /// (or at once, on a signal that arrived since `blockInThisThread`), on a thread of its own.
    public init(log: Log, onStop: @escaping @Sendable () -> Void) {
        Self.blockInThisThread()
        let thread = Thread {
            var set = Self.stopSignals
            var first = true
            while true {
                var number: Int32 = 0
                guard sigwait(&set, &number) == 0 else { continue }
                guard first else {
                    log.warning("second stop signal: exiting now", [("signal", .int(Int(number)))])
                    exit(1)
                }
                first = false
                log.info("stop signal received: draining", [("signal", .int(Int(number)))])
                let stopping = Thread { onStop() }
                stopping.name = "roost-stopping"
                stopping.start()
            }
        }
        thread.name = "roost-signals"
        thread.start()
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
