import Foundation
import Shared

/// One analysis thread: fetches jobs (interactive lane first), starts them, runs their handler
/// and records the outcomes, until the process stops. Runs on its own `Thread`: every call in
/// here blocks (hiredis, libjpeg, the CNN).
final class Processor {
    private let configuration: WorkerConfiguration
    private let handlers: [String: any JobHandler]
    private let state: WorkerState
    private let stop: StopFlag
    private let log: Log
    private let session: RedisSession
    /// The kinds this worker runs: the only streams it reads.
    private let kinds: [JobKind]
    /// Outcomes are written back in one round trip, but no later than this after the first one.
    private let flushInterval = 0.002
    /// While working through batch jobs, look for interactive work at least this often.
    private let interactiveCheckInterval = 0.005

    /// Creates analysis thread number `index`; `run()` does the work.
    init(configuration: WorkerConfiguration, index: Int, handlers: [String: any JobHandler], kinds: [JobKind], state: WorkerState,
         stop: StopFlag, log: Log) {
        self.configuration = configuration
        self.handlers = handlers
        self.state = state
        self.stop = stop
        self.log = log
        // The threads start on consecutive shards (from one drawn from the worker id), so they read
        // different shards first and, idle on Redis Cluster, wait on different slots.
        let first = UInt(RedisKeySlot.of(configuration.workerID))
        self.session = RedisSession(configuration: configuration, log: log, stop: stop, readTurn: first &+ UInt(index))
        self.kinds = kinds
    }

    /// The thread body: returns once the process is stopping and everything fetched is done.
    func run() {
        while !stop.isStopped {
            var deliveries = state.takeRecovered(configuration.prefetch)
            if deliveries.isEmpty {
                do {
                    guard let fetched = try session.use({ queue throws(RedisError) in
                        try queue.fetch(consumer: configuration.workerID, kinds: kinds, count: configuration.prefetch, blockMillis: 1000)
                    }) else { continue }
                    deliveries = fetched
                } catch {
                    log.error("fetch failed", [("error", .string(error.description))])
                    stop.sleep(1)
                    continue
                }
            }
            if !deliveries.isEmpty { process(deliveries, allowPreemption: true) }
        }
    }

    private func process(_ deliveries: [Delivery], allowPreemption: Bool) {
        state.begin(deliveries)
        let jobs: [RunningJob]
        do {
            // A connection failure leaves the messages pending: they are recovered after the visibility timeout.
            guard let started = try session.use({ queue throws(RedisError) in try queue.start(deliveries, worker: configuration.workerID) }) else {
                state.end(deliveries)
                return
            }
            jobs = started
        } catch {
            log.error("start failed", [("error", .string(error.description))])
            state.end(deliveries)
            return
        }
        var pending: [(job: RunningJob, outcome: JobOutcome)] = []
        var firstPending = 0.0
        var lastInteractiveCheck = Clock.now()
        for job in jobs {
            if allowPreemption, job.delivery.lane == .batch, Clock.now() - lastInteractiveCheck > interactiveCheckInterval {
                lastInteractiveCheck = Clock.now()
                runWaitingInteractiveJobs()
            }
            let outcome = run(job)
            if pending.isEmpty { firstPending = Clock.now() }
            pending.append((job, outcome))
            if Clock.now() - firstPending > flushInterval {
                flush(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        flush(pending)
        // Deliveries that `start` skipped (cancelled, expired) were acknowledged by the script.
        state.end(deliveries)
    }

    /// Interactive work that arrived while this thread works through prefetched batch jobs goes first.
    private func runWaitingInteractiveJobs() {
        let found = try? session.use { queue throws(RedisError) in
            try queue.fetch(consumer: configuration.workerID, kinds: kinds, lanes: [.interactive], count: configuration.prefetch, blockMillis: nil)
        }
        if let found = found ?? nil, !found.isEmpty { process(found, allowPreemption: false) }
    }

    private func run(_ job: RunningJob) -> JobOutcome {
        guard let handler = handlers[job.kind] else {
            let error = JobError.unknownKind(job.kind)
            return .failed(code: error.code, message: error.message)
        }
        let outcome = JobOutcome.from { try handler.run(job) }
        switch outcome {
        case .succeeded:
            log.debug("job succeeded", [("job", .string(job.delivery.jobID)), ("kind", .string(job.kind))])
        case let .failed(code, message), let .retry(code, message):
            log.info("job attempt failed", [("job", .string(job.delivery.jobID)), ("kind", .string(job.kind)), ("attempt", .int(job.attempt)),
                                            ("code", .string(code)), ("message", .string(message))])
        }
        return outcome
    }

    private func flush(_ results: [(job: RunningJob, outcome: JobOutcome)]) {
        guard !results.isEmpty else { return }
        do {
            let recorded = try session.use { queue throws(RedisError) in try queue.finish(results, worker: configuration.workerID) }
            if recorded == nil {
                log.warning("results not recorded; the jobs will be recovered and run again", [("jobs", .int(results.count))])
            }
        } catch {
            log.error("finish failed", [("error", .string(error.description))])
        }
        state.end(results.map(\.job.delivery), outcomes: results.map(\.outcome))
    }
}
