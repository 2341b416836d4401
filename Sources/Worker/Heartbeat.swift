import Foundation
import Shared

/// Announces this worker to the fleet (an expiring key with host, pid, version, current jobs
/// and counters) and keeps its in-flight jobs' claims alive, so a slow job is never recovered
/// by another worker while this one lives.
final class Heartbeat: PeriodicTask, Sendable {
    private let configuration: WorkerConfiguration
    private let state: WorkerState
    let name = "heartbeat"
    var interval: Double { configuration.heartbeatInterval }

    /// Creates the heartbeat.
    init(configuration: WorkerConfiguration, state: WorkerState) {
        self.configuration = configuration
        self.state = state
    }

    func tick(_ queue: JobQueue) throws(RedisError) {
        let inFlight = state.inFlightDeliveries
        if !inFlight.isEmpty { try queue.keepAlive(inFlight, consumer: configuration.workerID) }
        let counters = state.counters
        let document: JSON = [
            "id": .string(configuration.workerID), "host": .string(ProcessInfo.processInfo.hostName),
            "pid": .int(Int(getpid())), "version": .string(RoostVersion.string), "threads": .int(configuration.threads),
            "started_at": .string(Clock.iso8601(state.startedAt)), "seen_at": .string(Clock.iso8601(Clock.now())),
            "current_jobs": .array(inFlight.map { .string($0.jobID) }),
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

/// Claims jobs whose worker died (no keep-alive for the visibility timeout) and hands them to
/// this process's analysis threads.
final class Recoverer: PeriodicTask, Sendable {
    private let configuration: WorkerConfiguration
    private let state: WorkerState
    private let log: Log
    let name = "recoverer"
    var interval: Double { max(0.1, configuration.queue.visibilityTimeout / 4) }

    /// Creates the recoverer.
    init(configuration: WorkerConfiguration, state: WorkerState, log: Log) {
        self.configuration = configuration
        self.state = state
        self.log = log
    }

    func tick(_ queue: JobQueue) throws(RedisError) {
        for lane in Lane.allCases {
            let claimed = try queue.reclaimStalled(lane: lane, consumer: configuration.workerID,
                                                   minIdle: configuration.queue.visibilityTimeout, count: configuration.prefetch)
            if !claimed.isEmpty {
                log.warning("recovered stalled jobs", [("lane", .string(lane.rawValue)), ("jobs", .array(claimed.map { .string($0.jobID) }))])
                state.addRecovered(claimed)
            }
        }
    }
}

/// Moves retries whose backoff has elapsed back onto their lane's stream.
final class Scheduler: PeriodicTask, Sendable {
    let name = "scheduler"
    let interval = 0.25

    func tick(_ queue: JobQueue) throws(RedisError) { try queue.promoteDueRetries() }
}
