import Foundation
import Shared

/// The worker process: N analysis threads plus heartbeat, recoverer and scheduler threads.
///
/// Stop order on SIGTERM: the analysis threads stop fetching and finish what they already
/// took (bounded by `drainTimeout`); only then do the background duties stop, so in-flight
/// claims stay alive until the last result is written, and the heartbeat key is removed last.
final class WorkerProcess {
    private let configuration: WorkerConfiguration
    private let handlers: [String: any JobHandler]
    /// The kinds of `handlers`: the only streams this worker reads or recovers from.
    private let kinds: [JobKind]
    private let log: Log
    private let state = WorkerState()
    private let stopAnalysis = StopFlag()
    private let stopDuties = StopFlag()

    /// Creates the process with the handlers it can run.
    init(configuration: WorkerConfiguration, handlers: [any JobHandler], log: Log) {
        self.configuration = configuration
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.kinds = self.handlers.keys.map { JobKind(rawValue: $0) }
        self.log = log
    }

    /// The start-up check of the shard count (`JobQueue.claimShardCount`): the error when the queue
    /// in Redis is laid out for another `ROOST_QUEUE_SHARDS` and holds work, so this worker would
    /// not find its jobs; nil otherwise, also when Redis does not answer yet (every thread checks
    /// again as it connects, and refuses to fetch while the counts differ).
    private func shardCountRefusal() -> RedisError? {
        do {
            let queue = try JobQueue(endpoint: configuration.redis, settings: configuration.queue, ioTimeout: 10)
            defer { queue.connection.close() }
            try queue.claimShardCount()
            return nil
        } catch where error.isShardCountMismatch {
            return error
        } catch {
            return nil
        }
    }

    /// Runs until SIGTERM/SIGINT, then drains and returns the exit status (78 at once when the shard
    /// count does not match the queue's).
    func run() -> Int32 {
        if let refusal = shardCountRefusal() {
            log.error("worker refuses to start", [("error", .string(refusal.message))])
            return 78  // EX_CONFIG
        }
        let analysis = DispatchGroup()
        let duties = DispatchGroup()
        let stopSignal = StopSignal(log: log) { [stopAnalysis] in stopAnalysis.stop() }
        let tasks: [any PeriodicTask] = [
            Heartbeat(configuration: configuration, state: state,
                      resultVersions: handlers.compactMapValues(\.resultVersion)),
            Recoverer(configuration: configuration, kinds: kinds, state: state, log: log),
            Scheduler(),
        ]
        for task in tasks {
            startThread(name: "roost-\(task.name)", group: duties) { [configuration, stopDuties, log] in
                task.runLoop(configuration: configuration, stop: stopDuties, log: log)
            }
        }
        for index in 0..<configuration.threads {
            startThread(name: "roost-analysis-\(index)", group: analysis) { [configuration, handlers, kinds, state, stopAnalysis, log] in
                // Each processor (and its Redis connection) lives on its own thread only.
                Processor(configuration: configuration, index: index, handlers: handlers, kinds: kinds, state: state, stop: stopAnalysis, log: log).run()
            }
        }
        log.info("worker started", [("worker", .string(configuration.workerID)), ("threads", .int(configuration.threads)),
                                    ("kinds", .array(handlers.keys.sorted().map { .string($0) })),
                                    ("redis", .string(configuration.redis.redacted))])
        analysis.wait()  // returns after a stop signal, once every thread drained
        var status: Int32 = 0
        _ = stopSignal
        stopDuties.stop()
        if duties.wait(timeout: .now() + 15) == .timedOut { status = 1 }
        if let queue = try? JobQueue(endpoint: configuration.redis, settings: configuration.queue, ioTimeout: 2) {
            for task in tasks { try? task.shutdown(queue) }
        }
        let counters = state.counters
        log.info("worker stopped", [("processed", .int(counters.processed)), ("failed", .int(counters.failed)),
                                    ("retried", .int(counters.retried))])
        return status
    }

    /// Installs a drain deadline: if the analysis threads have not finished `drainTimeout`
    /// seconds after the stop signal, the process exits anyway (its jobs are recovered elsewhere).
    func armDrainDeadline() {
        let timeout = configuration.drainTimeout
        let log = self.log
        let stop = stopAnalysis
        Thread.detachNewThread {
            while !stop.isStopped { stop.sleep(3600) }
            Thread.sleep(forTimeInterval: timeout)
            log.error("drain timed out: exiting with jobs in flight", [("timeout_s", .double(timeout))])
            exit(1)
        }
    }

    private func startThread(name: String, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }
}
