import Foundation
import Shared

/// Enqueue→done latency at a steady rate, with workers already running: one thread enqueues
/// `noop` jobs on a fixed schedule (open loop: a late job is sent at once, never skipped) while
/// another follows the lane's event stream with `XREAD BLOCK` (no consumer group, so the
/// gateway's ingester is not disturbed) and stops the clock of each job at its `succeeded` event
/// (events of a batch arrive together, in one entry).
/// Latency = event read − just before `enqueue` was called, both on this process's monotonic clock.
struct LatencyBench {
    /// Where the jobs go.
    let target: BenchTarget
    /// Jobs per second.
    let rate: Double
    /// How long to enqueue, seconds.
    let seconds: Double
    /// Upper bound on the whole run, seconds.
    let timeout: Double

    /// Runs and returns `{mode, rate, jobs, completed, p50_ms, p90_ms, p99_ms, max_ms, achieved_rate}`.
    func run() throws -> JSON {
        let producer = try target.openQueue()
        _ = try producer.connection.evalCommand(QueueScripts.enqueue, keys: [], arguments: [])  // loads the script now
        // Every id is placed in one shard, so one event stream carries every job's end.
        let placement = "latency-bench"
        let layout = target.settings.layout
        let events = layout.events(layout.partition(target.lane, id: JobID.make(placement: placement)))
        let reader = try openRedisClient(target.endpoint)
        // Start after the newest event: older ones belong to earlier runs.
        let newest = try reader.call(["XREVRANGE", events, "+", "-", "COUNT", "1"]).array?.first?.array?.first?.text ?? "0-0"
        let jobs = max(1, Int(rate * seconds))
        let ledger = LatencyLedger(expected: jobs)
        let deadline = benchSeconds() + timeout
        let readerDone = DispatchSemaphore(value: 0)
        let failures = FailureBox()
        let readerBox = ReaderBox(connection: reader)
        let readerThread = Thread { [ledger] in
            defer { readerDone.signal() }
            do {
                try LatencyBench.follow(events: events, lane: target.lane, from: newest, connection: readerBox, ledger: ledger, deadline: deadline)
            } catch {
                failures.record(error)
            }
        }
        readerThread.start()

        let started = benchSeconds()
        for index in 0..<jobs {
            let due = started + Double(index) / rate
            let wait = due - benchSeconds()
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
            let id = JobID.make(placement: placement)
            ledger.sent(id, at: benchSeconds())  // before the call: the event may arrive before the reply
            try target.enqueueNoop(producer, id: id)
        }
        let sendSeconds = benchSeconds() - started
        readerDone.wait()
        if let error = failures.first { throw error }
        let latencies = ledger.latencies.sorted()
        func percentile(_ p: Double) -> JSON {
            guard !latencies.isEmpty else { return .null }
            let index = min(latencies.count - 1, Int((p / 100 * Double(latencies.count)).rounded(.up)) - 1)
            return .double((latencies[max(0, index)] * 1e6).rounded() / 1000)
        }
        return ["mode": "latency", "rate": .double(rate), "jobs": .int(jobs), "completed": .int(latencies.count),
                "achieved_rate": .double((Double(jobs) / sendSeconds).rounded()),
                "p50_ms": percentile(50), "p90_ms": percentile(90), "p99_ms": percentile(99), "max_ms": percentile(100)]
    }

    /// Reads `succeeded` events until every expected job has one or the deadline passes.
    private static func follow(events: String, lane: Lane, from start: String, connection box: ReaderBox, ledger: LatencyLedger,
                               deadline: Double) throws {
        var last = start
        while !ledger.isComplete {
            if benchSeconds() > deadline { throw BenchError.timedOut("\(ledger.missing) jobs never reported success") }
            let reply = try box.connection.call(["XREAD", "COUNT", "1000", "BLOCK", "200", "STREAMS", events, last])
            let received = benchSeconds()
            for stream in reply.array ?? [] {
                for entry in stream.array?.last?.array ?? [] {
                    guard let pair = entry.array, pair.count == 2, let entryID = pair[0].text else { continue }
                    last = entryID
                    for record in JobEvent.records(entryFields: pair[1].array ?? [], lane: lane) where record.state == .succeeded {
                        ledger.done(record.id, at: received)
                    }
                }
            }
        }
    }
}

/// Send times and measured latencies, shared by the enqueuing and the event-reading thread.
final class LatencyLedger: @unchecked Sendable {
    // Safe: every mutable property is read and written only while holding `lock`.
    private let lock = NSLock()
    private var sentAt: [String: Double] = [:]
    private var measured: [Double] = []
    private let expected: Int

    /// A ledger expecting `expected` jobs.
    init(expected: Int) {
        self.expected = expected
        sentAt.reserveCapacity(expected)
        measured.reserveCapacity(expected)
    }

    /// Notes when job `id` was handed to `enqueue`.
    func sent(_ id: String, at time: Double) { lock.lock(); defer { lock.unlock() }; sentAt[id] = time }

    /// Notes that job `id` was seen succeeding at `time` (events of other jobs are ignored).
    func done(_ id: String, at time: Double) {
        lock.lock(); defer { lock.unlock() }
        if let sent = sentAt.removeValue(forKey: id) { measured.append(time - sent) }
    }

    /// Latencies in seconds, in arrival order.
    var latencies: [Double] { lock.lock(); defer { lock.unlock() }; return measured }
    /// True once every expected job succeeded.
    var isComplete: Bool { lock.lock(); defer { lock.unlock() }; return measured.count >= expected }
    /// Jobs not seen succeeding yet.
    var missing: Int { lock.lock(); defer { lock.unlock() }; return expected - measured.count }
}

/// Hands the reader's connection to the one thread that uses it.
final class ReaderBox: @unchecked Sendable {
    // Safe: created on the main thread, then used only by the reader thread.
    /// The connection.
    let connection: any RedisClient
    /// Wraps `connection`.
    init(connection: any RedisClient) { self.connection = connection }
}
