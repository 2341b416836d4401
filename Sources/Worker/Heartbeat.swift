import Foundation
import Shared

/// Announces this worker to the fleet (an expiring key with host, pid, version, kinds, result versions, the number
/// of jobs in flight and counters; never job ids, which are their owners' business) and keeps its
/// in-flight jobs' claims alive, so a slow job is never recovered by another worker while this one lives.
final class Heartbeat: PeriodicTask, Sendable {
    private let configuration: WorkerConfiguration
    private let state: WorkerState
    /// Each cacheable kind's result version (`JobHandler.resultVersion`), published as `results`.
    private let resultVersions: [String: String]
    let name = "heartbeat"
    var interval: Double { configuration.heartbeatInterval }

    /// Creates the heartbeat.
    init(configuration: WorkerConfiguration, state: WorkerState, resultVersions: [String: String] = [:]) {
        self.configuration = configuration
        self.state = state
        self.resultVersions = resultVersions
    }

    func tick(_ queue: JobQueue) throws(RedisError) {
        let inFlight = state.inFlightDeliveries
        if !inFlight.isEmpty { try queue.keepAlive(inFlight, consumer: configuration.workerID) }
        let counters = state.counters
        let document: JSON = [
            "id": .string(configuration.workerID), "host": .string(ProcessInfo.processInfo.hostName),
            "pid": .int(Int(getpid())), "version": .string(RoostVersion.string), "threads": .int(configuration.threads),
            "started_at": .string(Clock.iso8601(state.startedAt)), "seen_at": .string(Clock.iso8601(Clock.now())),
            "kinds": .array(configuration.kinds.map { .string($0) }), "in_flight": .int(inFlight.count),
            "results": .object(resultVersions.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }),
            "processed": .int(counters.processed), "failed": .int(counters.failed), "retried": .int(counters.retried),
        ]
        let ttl = String(max(2, Int((interval * 3).rounded(.up))))
        _ = try queue.connection.pipeline([
            ["SET", .text(queue.layout.worker(configuration.workerID)), .text(document.serialized()), "EX", .text(ttl)],
            ["SADD", .text(queue.layout.workers), .text(configuration.workerID)],
        ])
    }

    /// Leaves the fleet at once instead of waiting for the key to expire.
    func shutdown(_ queue: JobQueue) throws(RedisError) {
        _ = try queue.connection.pipeline([
            ["DEL", .text(queue.layout.worker(configuration.workerID))],
            ["SREM", .text(queue.layout.workers), .text(configuration.workerID)],
        ])
    }
}
