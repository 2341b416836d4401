import Foundation
import Shared

/// What a worker process is doing, shared by its threads: in-flight jobs (kept alive and
/// reported in the heartbeat), jobs recovered from dead workers, and counters.
final class WorkerState: @unchecked Sendable {
    // Safe: every mutable property is read and written only while holding `lock`.
    private let lock = NSLock()
    private var inFlight: [String: Delivery] = [:]
    private var recovered: [Delivery] = []
    private(set) var processed = 0
    private(set) var failed = 0
    private(set) var retried = 0
    /// When the process started (Unix seconds).
    let startedAt = Clock.now()

    /// Marks deliveries as being worked on (from fetch until finish).
    func begin(_ deliveries: [Delivery]) {
        lock.lock(); defer { lock.unlock() }
        for d in deliveries { inFlight[d.messageID] = d }
    }

    /// Marks deliveries as done and counts their outcomes.
    func end(_ deliveries: [Delivery], outcomes: [JobOutcome] = []) {
        lock.lock(); defer { lock.unlock() }
        for d in deliveries { inFlight[d.messageID] = nil }
        for outcome in outcomes {
            switch outcome {
            case .succeeded: processed += 1
            case .failed: failed += 1
            case .retry: retried += 1
            }
        }
    }

    /// A snapshot of in-flight deliveries.
    var inFlightDeliveries: [Delivery] { lock.lock(); defer { lock.unlock() }; return Array(inFlight.values) }

    /// Hands deliveries recovered from a dead worker to the analysis threads. They count as in
    /// flight at once, so the heartbeat keeps their claims alive while they wait for a thread.
    func addRecovered(_ deliveries: [Delivery]) {
        lock.lock(); defer { lock.unlock() }
        recovered.append(contentsOf: deliveries)
        for d in deliveries { inFlight[d.messageID] = d }
    }

    /// How many recovered deliveries wait for an analysis thread.
    var recoveredCount: Int { lock.lock(); defer { lock.unlock() }; return recovered.count }

    /// Takes up to `count` recovered deliveries.
    func takeRecovered(_ count: Int) -> [Delivery] {
        lock.lock(); defer { lock.unlock() }
        let taken = Array(recovered.prefix(count))
        recovered.removeFirst(taken.count)
        return taken
    }

    /// Counters for the heartbeat.
    var counters: (processed: Int, failed: Int, retried: Int) {
        lock.lock(); defer { lock.unlock() }
        return (processed, failed, retried)
    }
}
