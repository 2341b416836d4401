import Foundation
import Shared

/// Claims jobs whose worker died (no keep-alive for the visibility timeout) from the streams of
/// the kinds this worker runs, and hands them to this process's analysis threads.
///
/// Each stream's `XAUTOCLAIM` scan resumes where the previous tick stopped, so a long pending list
/// is walked to its end. A claimed job counts as in flight from the moment it is claimed, so the
/// heartbeat keeps it alive until an analysis thread has run it; the recoverer stops claiming
/// while the threads have a full backlog of recovered jobs.
final class Recoverer: PeriodicTask, @unchecked Sendable {
    // Safe: `cursors` is only touched by `tick`, which runs on the recoverer's one thread.
    private let configuration: WorkerConfiguration
    private let state: WorkerState
    private let log: Log
    private let streams: [QueueStream]
    private var cursors: [QueueStream: String] = [:]
    let name = "recoverer"
    var interval: Double { max(0.1, configuration.queue.visibilityTimeout / 4) }

    /// Creates the recoverer for the streams of `kinds`.
    init(configuration: WorkerConfiguration, kinds: [JobKind], state: WorkerState, log: Log) {
        self.configuration = configuration
        self.state = state
        self.log = log
        self.streams = configuration.queue.layout.queueStreams(kinds: kinds)
    }

    func tick(_ queue: JobQueue) throws(RedisError) {
        let backlogLimit = configuration.prefetch * configuration.threads
        for stream in streams {
            let room = backlogLimit - state.recoveredCount
            guard room > 0 else { return }
            let scan = try queue.reclaimStalled(stream, consumer: configuration.workerID, minIdle: configuration.queue.visibilityTimeout,
                                                cursor: cursors[stream] ?? "0-0", count: min(room, configuration.prefetch))
            cursors[stream] = scan.next
            if !scan.claimed.isEmpty {
                log.warning("recovered stalled jobs", [("lane", .string(stream.lane.rawValue)), ("kind", .string(stream.kind.rawValue)),
                                                       ("jobs", .int(scan.claimed.count))])
                state.addRecovered(scan.claimed)
            }
        }
    }
}
