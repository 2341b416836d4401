import Foundation
import Shared

/// Processing rate: a queue filled with `total` jobs is parked under another key while the
/// workers start; once they are up and idle, this watch renames it into place (Redis wakes
/// workers blocked on the key at once) and times it until it is empty. Worker start-up is thus
/// left out for both Roost and the peers, whose processes take very different times to boot.
///
/// The same watch serves Roost (`XLEN` of the lane stream: entries are deleted when their job
/// completes; the stream's consumer group moves with it) and list-based peers (`LLEN` of a Sidekiq
/// or RQ queue: entries leave when fetched, at most one per worker thread still running). It
/// polls every millisecond on purpose: a peer's list cannot be followed with a blocking read
/// without taking its jobs, and one `XLEN`/`LLEN` per millisecond is under 1 % of Redis's work here.
struct DrainWatch {
    /// The Redis server.
    let endpoint: RedisEndpoint
    /// The streams or lists the workers read, comma-separated (a sharded lane has one per shard).
    let key: String
    /// Where each filled key waits until the workers are ready (comma-separated, in `key`'s order).
    let parkedKey: String
    /// `xlen` or `llen`.
    let type: String
    /// Jobs the parked keys hold together.
    let total: Int
    /// Upper bound, seconds.
    let timeout: Double

    /// Runs and returns `{mode, key, jobs, seconds, jobs_per_s}`, `seconds` running from the
    /// renames to the first poll that saw every key empty.
    func run() throws -> JSON {
        let connection = try openRedisClient(endpoint)
        let keys = key.split(separator: ",").map(String.init), parkedKeys = parkedKey.split(separator: ",").map(String.init)
        guard keys.count == parkedKeys.count, !keys.isEmpty else { throw BenchError.notFull("--key and --parked name different counts of keys") }
        func length(_ names: [String]) throws -> Int {
            try connection.pipeline(names.map { [.text(type.uppercased()), .text($0)] }).reduce(0) { $0 + ($1.int ?? 0) }
        }
        let parked = try length(parkedKeys)
        guard parked == total else { throw BenchError.notFull("\(parkedKey) holds \(parked) of \(total) jobs") }
        let started = benchSeconds()
        for reply in try connection.pipeline(zip(parkedKeys, keys).map { ["RENAME", .text($0), .text($1)] }) {
            if case let .error(message) = reply { throw RedisError.reply(message) }
        }
        while true {
            let remaining = try length(keys)
            let now = benchSeconds()
            if remaining == 0 {
                let seconds = now - started
                return ["mode": "drain", "key": .string(key), "jobs": .int(total), "seconds": .double(seconds),
                        "jobs_per_s": .double((Double(total) / seconds).rounded())]
            }
            if now - started > timeout { throw BenchError.timedOut("\(key) still holds \(remaining) after \(timeout) s") }
            usleep(1000)
        }
    }
}
