import Foundation
import Shared

/// Moves job state changes from Redis into SQLite and wakes long-polls.
///
/// Reads the lanes' event streams through this gateway's own consumer group
/// (`QueueLayout.ingesterGroup(gatewayID:)`), so with several gateways on one Redis each reads
/// every event: it records the jobs it accepted (those it holds a row for, `JobStore.recordUpdates`)
/// and wakes the long-polls parked on any job, its own or one it answers from Redis. An event is
/// acknowledged only after SQLite recorded it; after a crash the unacknowledged ones are read
/// again, and `JobStore.recordUpdates` ignores what it already has, so each result lands exactly
/// once. Acknowledging trims the streams below what every gateway has read (`EventTrim`).
///
/// On one Redis one thread reads every events stream with one blocking `XREADGROUP`. On Redis
/// Cluster, which refuses a read over two slots, one thread per partition (lane and shard) blocks
/// on its own stream, so every event reaches SQLite and the long-polls at once. A job's events are
/// all in its partition, so one thread sees them in order.
final class ResultIngester: @unchecked Sendable {
    // Safe: `threads` is set once by `start()` before those threads exist and read by `shutdown()`
    // afterwards; each thread keeps its own connection; the rest is immutable and Sendable.
    private let store: JobStore
    private let waiters: JobWaiters
    private let endpoint: RedisEndpoint
    private let settings: QueueSettings
    private let group: String
    private let consumer: String
    private let log: Log
    private var threads: [ServiceThread] = []
    private let onRecorded: (@Sendable ([String]) throws -> Void)?

    /// Creates the ingester; `start()` runs it. `onRecorded` is called with the ids of the jobs
    /// that ended in each recorded batch, before the batch is acknowledged (so it runs again for
    /// that batch after a crash: it must be idempotent; when it throws, the batch is read again).
    /// - Parameters:
    ///   - gatewayID: this gateway's `ROOST_GATEWAY_ID`, which names its consumer group.
    ///   - consumer: the consumer's name within that group.
    init(store: JobStore, waiters: JobWaiters, endpoint: RedisEndpoint, settings: QueueSettings,
         gatewayID: String = QueueLayout.ingesterGroup, consumer: String, log: Log,
         onRecorded: (@Sendable ([String]) throws -> Void)? = nil) {
        self.onRecorded = onRecorded
        self.group = QueueLayout.ingesterGroup(gatewayID: gatewayID)
        self.store = store
        self.waiters = waiters
        self.endpoint = endpoint
        self.settings = settings
        self.consumer = consumer
        self.log = log
    }

    /// Creates this gateway's consumer group where it is missing, then starts the ingester thread.
    /// Call it before the gateway accepts jobs: a new group starts at the streams' ends (`$`), so
    /// a gateway joining others does not read their whole history, and every event of a job it
    /// accepts comes after. When Redis does not answer now, the thread creates the group once it
    /// does, from the streams' start (`0`), as after Redis lost its data: the events written since.
    /// Throws only when the queue in Redis is laid out for another `ROOST_QUEUE_SHARDS` and holds
    /// work (`JobQueue.claimShardCount`): the gateway would queue jobs no worker finds.
    func start() throws {
        do {
            let queue = try JobQueue(endpoint: endpoint, settings: settings, ioTimeout: 10)
            defer { queue.connection.close() }
            try queue.ensureGroups(ingesterGroup: group, ingesterStart: "$")
        } catch where error.isShardCountMismatch {
            throw error
        } catch {
            log.warning("result ingester: consumer group not created yet", [("group", .string(group)), ("error", .string(String(describing: error)))])
        }
        let readers = endpoint.isCluster ? settings.layout.partitions.map { [$0] } : [settings.layout.partitions]
        threads = readers.map { partitions in
            let name = partitions.count == 1 ? "roost-ingester-\(partitions[0])" : "roost-ingester"
            return ServiceThread(name: name) { [self] stop in run(stop, partitions: partitions) }
        }
        for thread in threads { thread.start() }
    }

    /// Stops after the current batches (waits up to `timeout` seconds).
    func shutdown(timeout: Double = 5) {
        for thread in threads { thread.requestStop() }
        for thread in threads { thread.shutdown(timeout: timeout) }
    }

    /// One reader thread's loop over the events streams of `partitions`.
    private func run(_ stop: StopFlag, partitions: [QueuePartition]) {
        var session: JobQueue?
        var readPendingFirst = true
        var backoff = ReconnectBackoff()
        while !stop.isStopped {
            do {
                let queue = try connected(&session, partitions: partitions)
                let events = try queue.readEvents(group: group, consumer: consumer, count: 500, blockMillis: 1000, pending: readPendingFirst,
                                                  partitions: partitions)
                if readPendingFirst && events.isEmpty { readPendingFirst = false; continue }
                guard !events.isEmpty else { continue }
                let recorded = try record(events)
                try queue.acknowledgeEvents(events, group: group)
                // Every job's waiters, not only the recorded ones': a long-poll on a job another
                // gateway accepted is parked here too, and answers from the job's Redis hash.
                waiters.notify(events.map(\.record.id), recorded: recorded)
                backoff.reset()
            } catch {
                session?.connection.close()
                session = nil
                readPendingFirst = true
                let delay = backoff.nextDelay()
                log.warning("result ingester error", [("error", .string(String(describing: error))), ("retry_in_s", .double(delay))])
                stop.sleep(delay)
            }
        }
    }

    /// Records a batch of events in one SQLite transaction (all or none; the batch is acknowledged
    /// after): the events of jobs this gateway holds a row for; the others, jobs another gateway
    /// accepted, leave no trace here. Returns the rows that changed, as recorded, by job id.
    @discardableResult
    func record(_ events: [JobEvent]) throws -> [String: JobRow] {
        let now = Clock.now()
        // A job's row is committed before it is enqueued (`JobService.submit`), so no event of a
        // job accepted here comes before its row: an unknown id is another gateway's job.
        var rows: [JobRow] = []
        for event in events where !event.record.id.isEmpty {
            var row = JobRow(record: event.record, updatedAt: now)
            // Panel face descriptors never reach SQLite: they live only in the panel store (issue 7 #2).
            if let text = row.resultJSON, FacesJob.mayHoldEmbeddings(text),
               let stripped = FacesJob.resultWithoutEmbeddings(text), try isPanelJob(row) {
                row.resultJSON = stripped
            }
            rows.append(row)
        }
        let recorded = try store.recordUpdates(rows)
        // Every ended job, whether or not this delivery changed its row (after a crash the batch is
        // read again and `onRecorded` must run again for it); `onRecorded` picks this gateway's.
        let ended = rows.filter { JobState(rawValue: $0.state)?.isTerminal == true }.map(\.id)
        if let onRecorded, !ended.isEmpty { try onRecorded(ended) }
        return Dictionary(recorded.compactMap { $0.map { ($0.id, $0) } }, uniquingKeysWith: { _, last in last })
    }

    /// True when the job belongs to the face-identifier panel (its owner, recorded at acceptance).
    private func isPanelJob(_ row: JobRow) throws -> Bool {
        var owner = row.owner
        if owner == nil { owner = try store.job(id: row.id)?.owner }
        return FacesJob.keepsEmbeddingsPrivate(kind: .faces, owner: owner)
    }

    private func connected(_ session: inout JobQueue?, partitions: [QueuePartition]) throws -> JobQueue {
        if let session, session.connection.isOpen { return session }
        let queue = try JobQueue(endpoint: endpoint, settings: settings, ioTimeout: 10)
        // Normally a no-op (`start` created the group); from `0` when Redis lost its data meanwhile.
        // Each thread sets up the partitions it reads.
        try queue.ensureGroups(ingesterGroup: group, partitions: partitions)
        session = queue
        return queue
    }
}
