import Foundation
import Shared

/// Moves job state changes from Redis into SQLite and wakes long-polls.
///
/// Reads the lanes' event streams through the `gateway` consumer group. An event is
/// acknowledged only after SQLite recorded it; after a crash the unacknowledged ones are read
/// again, and `JobStore.applyUpdate` ignores what it already has, so each result lands exactly once.
final class ResultIngester: @unchecked Sendable {
    // Safe: `session` is only used by the ingester's own thread; `thread` is set once by `start()`
    // before that thread exists and read by `shutdown()` afterwards; the rest is immutable and Sendable.
    private let store: JobStore
    private let waiters: JobWaiters
    private let endpoint: RedisEndpoint
    private let settings: QueueSettings
    private let consumer: String
    private let log: Log
    private var session: JobQueue?
    private var thread: ServiceThread?
    private let onRecorded: (@Sendable ([String]) throws -> Void)?

    /// Creates the ingester; `start()` runs it. `onRecorded` is called with the ids of the jobs
    /// that ended in each recorded batch, before the batch is acknowledged (so it runs again for
    /// that batch after a crash: it must be idempotent; when it throws, the batch is read again).
    init(store: JobStore, waiters: JobWaiters, endpoint: RedisEndpoint, settings: QueueSettings, consumer: String, log: Log,
         onRecorded: (@Sendable ([String]) throws -> Void)? = nil) {
        self.onRecorded = onRecorded
        self.store = store
        self.waiters = waiters
        self.endpoint = endpoint
        self.settings = settings
        self.consumer = consumer
        self.log = log
    }

    /// Starts the ingester thread.
    func start() {
        let service = ServiceThread(name: "roost-ingester") { [self] stop in run(stop) }
        thread = service
        service.start()
    }

    /// Stops after the current batch (waits up to `timeout` seconds).
    func shutdown(timeout: Double = 5) { thread?.shutdown(timeout: timeout) }

    private func run(_ stop: StopFlag) {
        var readPendingFirst = true
        var backoff = ReconnectBackoff()
        while !stop.isStopped {
            do {
                let queue = try connected()
                let events = try queue.readEvents(consumer: consumer, count: 500, blockMillis: 1000, pending: readPendingFirst)
                if readPendingFirst && events.isEmpty { readPendingFirst = false; continue }
                guard !events.isEmpty else { continue }
                let recorded = try record(events)
                try queue.acknowledgeEvents(events)
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
    /// after). Returns the rows that changed, as recorded, by job id.
    @discardableResult
    func record(_ events: [JobEvent]) throws -> [String: JobRow] {
        let now = Clock.now()
        // The event may arrive before the gateway's own insert; identity fields are then filled in by `recordAccepted`.
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

    private func connected() throws -> JobQueue {
        if let session, session.connection.isOpen { return session }
        let queue = try JobQueue(endpoint: endpoint, settings: settings, ioTimeout: 10)
        try queue.ensureGroups()
        session = queue
        return queue
    }
}
