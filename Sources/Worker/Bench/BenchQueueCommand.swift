import Foundation
import Shared

/// `roost-worker bench-queue MODE [options]`: the queue benchmark's measuring client (`bench/queue.sh`).
///
/// Modes, each printing one JSON line on standard output:
/// - `enqueue --jobs N [--clients C] [--kind K --photo FILE...]`: enqueues N jobs (`noop`, or of
///   kind K carrying the photos' bytes in turn: `bench/e2e.sh`'s workers-alone run) through
///   `JobQueue.enqueue`, one unpipelined script call per job, from C threads with a connection
///   each; reports jobs/s.
/// - `drain --total N --key KEY --parked PARKED [--type xlen|llen] [--timeout S]`: renames the
///   stream or list PARKED (N jobs, queued while no worker ran) to KEY, which running, idle
///   workers read, and reports the processing rate from the rename until KEY is empty.
/// - `latency --rate R --seconds S`: enqueues `noop` jobs at R jobs/s for S seconds while a
///   second connection follows the lane's event stream (`XREAD BLOCK`, no group); reports
///   enqueue→`succeeded` percentiles in milliseconds.
///
/// Redis comes from `ROOST_REDIS_URL` and the queue settings from the other `ROOST_*` variables,
/// as for the worker. Jobs go to `--lane` (default `interactive`). Exit status: 0 on success,
/// 1 when the run failed or timed out, 2 on a usage error.
func runBenchQueueCommand(_ arguments: [String]) -> Int32 {
    let options: BenchQueueOptions
    do {
        options = try BenchQueueOptions(arguments)
    } catch {
        FileHandle.standardError.write(Data("roost-worker bench-queue: \(error)\n\(BenchQueueOptions.usage)\n".utf8))
        return 2
    }
    let env = Environment()
    let settings = QueueSettings(environment: env)
    let endpoint: RedisEndpoint
    do { endpoint = try RedisEndpoint(url: env.string("ROOST_REDIS_URL", default: "redis://127.0.0.1:6379")) } catch {
        FileHandle.standardError.write(Data("roost-worker bench-queue: \(error)\n".utf8))
        return 2
    }
    let target = BenchTarget(endpoint: endpoint, settings: settings, lane: options.lane)
    do {
        let result: JSON
        switch options.mode {
        case "enqueue":
            let photos = try options.photos.map { path -> (bytes: [UInt8], sha256: String) in
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                return (bytes, SHA256.hexDigest(bytes))
            }
            result = try EnqueueBench(target: target, jobs: options.jobs, clients: options.clients, kind: options.kind, photos: photos).run()
        case "drain":
            result = try DrainWatch(endpoint: endpoint, key: options.key, parkedKey: options.parkedKey, type: options.keyType,
                                    total: options.jobs, timeout: options.timeout).run()
        default: result = try LatencyBench(target: target, rate: options.rate, seconds: options.seconds, timeout: options.timeout).run()
        }
        print(result.serialized())
        return 0
    } catch {
        FileHandle.standardError.write(Data("roost-worker bench-queue \(options.mode): \(error)\n".utf8))
        return 1
    }
}

/// Where the benchmark's jobs go, and how to make them.
struct BenchTarget: Sendable {
    /// The Redis server.
    let endpoint: RedisEndpoint
    /// Queue settings (key prefix, depth limits) as the workers read them.
    let settings: QueueSettings
    /// The lane the jobs are queued on.
    let lane: Lane

    /// A 16-byte upload shared by every job (identical uploads share one blob key, as in production).
    static let blob: [UInt8] = Array("roost bench noop".utf8)
    /// The blob's SHA-256, hex (precomputed: `printf 'roost bench noop' | sha256sum`).
    static let blobSHA256 = "dca24e9e1c3d5df0e431120249b368576e003be287102dfc7db40bade628eb13"

    /// Opens a queue connection and makes sure the workers' consumer groups exist (no ingester
    /// group: the bench follows the events with `XREAD`, and a group nobody reads holds back `EventTrim`).
    func openQueue() throws(RedisError) -> JobQueue {
        let queue = try JobQueue(endpoint: endpoint, settings: settings)
        try queue.ensureGroups(ingesterGroup: nil)
        return queue
    }

    /// Enqueues one `noop` job with id `id`; throws unless it was created.
    func enqueueNoop(_ queue: JobQueue, id: String) throws {
        try enqueue(queue, kind: "noop", blob: BenchTarget.blob, sha256: BenchTarget.blobSHA256, id: id)
    }

    /// Enqueues one job of `kind` carrying `blob`; throws unless it was created.
    func enqueue(_ queue: JobQueue, kind: String, blob: [UInt8], sha256: String, id: String) throws {
        let request = EnqueueRequest(kind: kind, lane: lane, blob: blob, blobSHA256: sha256, owner: "bench", id: id)
        let outcome = try queue.enqueue(request)
        guard case .created = outcome else { throw BenchError.notQueued("\(outcome)") }
    }
}

/// Monotonic time in seconds, for intervals only.
func benchSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Why a benchmark run failed.
struct BenchError: Error, CustomStringConvertible {
    /// A stable, snake_case identifier.
    let code: String
    /// What happened.
    let message: String

    /// The queue refused a job (`busy`: raise `ROOST_MAX_DEPTH_*`).
    static func notQueued(_ outcome: String) -> BenchError { BenchError(code: "not_queued", message: "enqueue answered \(outcome)") }
    /// The watched queue was not full when the watch began.
    static func notFull(_ what: String) -> BenchError { BenchError(code: "not_full", message: what) }
    /// The run did not finish within its time bound.
    static func timedOut(_ what: String) -> BenchError { BenchError(code: "timed_out", message: what) }

    /// Describes the error.
    var description: String { "\(code): \(message)" }
}
