import Foundation
import Shared

/// Enqueue and completion rates over the last minutes, for the dashboard's charts.
///
/// Every `interval` seconds a thread reads each lane's counters (the `stats` hash the queue's
/// scripts increment: `enqueued:<kind>`, `succeeded:<kind>`, `failed:<kind>`, `dead:<kind>`) and
/// keeps the samples of the last `window` seconds in memory. A rate is the counter's increase per
/// minute between samples: cheap (one pipelined read per interval, nothing written), per gateway,
/// and starting empty when the gateway starts.
final class LaneRateSampler: @unchecked Sendable {
    // Safe: `samples` is only touched under `lock`; `thread` is set once before it runs.
    private let lock = NSLock()
    private var samples: [(time: Double, totals: [Lane: Totals])] = []
    private var thread: ServiceThread?
    private let pool: RedisPool
    private let interval: Double
    private let window: Double

    /// A lane's counters at one moment, summed over kinds.
    struct Totals: Sendable, Equatable {
        var enqueued = 0, succeeded = 0, failed = 0, dead = 0
    }

    /// Samples through `pool` every `interval` seconds, keeping `window` seconds.
    init(pool: RedisPool, interval: Double = 5, window: Double = 15 * 60) {
        self.pool = pool
        self.interval = interval
        self.window = window
    }

    /// Starts the sampling thread.
    func start() {
        let service = ServiceThread(name: "roost-rates") { [self] stop in
            while !stop.isStopped {
                sampleOnce()
                stop.sleep(interval)
            }
        }
        thread = service
        service.start()
    }

    /// Stops the thread.
    func shutdown() { thread?.shutdown(timeout: 2) }

    /// Reads the counters once (a failure is skipped: the chart shows a gap).
    func sampleOnce(now: Double = Clock.now()) {
        guard let lanes = try? pool.with({ try QueueInspector(queue: $0).lanes() }) else { return }
        var totals: [Lane: Totals] = [:]
        for figures in lanes {
            var t = Totals()
            for (field, value) in figures.stats {
                if field.hasPrefix("enqueued:") { t.enqueued += value }
                else if field.hasPrefix("succeeded:") { t.succeeded += value }
                else if field.hasPrefix("failed:") { t.failed += value }
                else if field.hasPrefix("dead:") { t.dead += value }
            }
            totals[figures.lane] = t
        }
        lock.withLock {
            samples.append((now, totals))
            samples.removeAll { now - $0.time > window }
        }
    }

    /// Per-minute rates of `lane` over the last `minutes` minutes, oldest first: for each minute,
    /// the counters' increase between the samples around it (nil where there is no pair yet).
    func perMinute(lane: Lane, minutes: Int = 15, now: Double = Clock.now()) -> (enqueued: [Double?], completed: [Double?]) {
        let kept = lock.withLock { samples }
        var enqueued: [Double?] = [], completed: [Double?] = []
        for m in stride(from: minutes, to: 0, by: -1) {
            let start = now - Double(m) * 60, end = start + 60
            let inside = kept.filter { $0.time >= start - interval && $0.time <= end }
            guard let first = inside.first?.totals[lane], let last = inside.last?.totals[lane],
                  let t0 = inside.first?.time, let t1 = inside.last?.time, t1 - t0 >= interval else {
                enqueued.append(nil); completed.append(nil); continue
            }
            let scale = 60 / (t1 - t0)
            enqueued.append(Double(max(0, last.enqueued - first.enqueued)) * scale)
            completed.append(Double(max(0, (last.succeeded + last.failed) - (first.succeeded + first.failed))) * scale)
        }
        return (enqueued, completed)
    }
}
