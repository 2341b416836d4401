import Shared

/// Reads the fleet's and the lanes' state from Redis for `/ops/*` and `/metrics`.
struct QueueInspector {
    let queue: JobQueue

    /// One lane's figures.
    struct LaneFigures {
        /// The lane.
        let lane: Lane
        /// Jobs queued (in a stream or held back) or being worked on: the lane's depth counters.
        let depth: Int
        /// Delivered to a worker, not yet acknowledged.
        let inFlight: Int
        /// Seconds since the oldest unfinished job was queued (0 when empty).
        let oldestAge: Double
        /// Retries waiting for their backoff.
        let delayed: Int
        /// Entries in the dead-letter stream.
        let dead: Int
        /// The lane's counters (`enqueued:probe` → 12…).
        let stats: [String: Int]
        /// Duration sums by kind (seconds).
        let durationSums: [String: Double]
    }

    /// Figures for every lane, in one round trip; a lane's depth, in-flight count and oldest job
    /// are taken over the streams of all its kinds and shards, its counters summed over its shards.
    func lanes() throws -> [LaneFigures] {
        let layout = queue.layout
        var commands: [[RedisArgument]] = []
        for partition in layout.partitions {
            commands.append(["GET", .text(layout.depth(partition))])
            for stream in layout.streams(partition) {
                commands.append(["XPENDING", .text(stream), .text(QueueLayout.workerGroup)])
                commands.append(["XRANGE", .text(stream), "-", "+", "COUNT", "1"])
            }
            commands.append(["ZCARD", .text(layout.delayed(partition))])
            commands.append(["XLEN", .text(layout.dead(partition))])
            commands.append(["HGETALL", .text(layout.stats(partition))])
        }
        var replies = try queue.connection.pipeline(commands)[...]
        let now = Clock.now()
        return Lane.allCases.sorted().map { lane in
            var depth = 0, inFlight = 0, oldest = 0.0, delayed = 0, dead = 0
            var stats: [String: Int] = [:]
            var sums: [String: Double] = [:]
            for partition in layout.partitions(lane) {
                // The depth counter: queued (in a stream or held back by the fair batch lane) or running.
                depth += max(0, replies.first?.int ?? 0)
                replies = replies.dropFirst()
                for _ in layout.streams(partition) {
                    let r = Array(replies.prefix(2)); replies = replies.dropFirst(2)
                    inFlight += r[0].array?.first?.int ?? 0
                    // The first entry left after the last trim: pending, or waiting (acknowledged entries go once per batch).
                    if let first = r[1].array?.first?.array?.first?.text, let ms = first.split(separator: "-").first.flatMap({ Double($0) }) {
                        oldest = max(oldest, now - ms / 1000)
                    }
                }
                let r = Array(replies.prefix(3)); replies = replies.dropFirst(3)
                delayed += r[0].int ?? 0
                dead += r[1].int ?? 0
                for (field, value) in r[2].fieldMap {
                    if field.hasPrefix("duration_sum:") {
                        sums[String(field.dropFirst("duration_sum:".count)), default: 0] += value.text.flatMap { Double($0) } ?? 0
                    } else {
                        stats[field, default: 0] += value.int ?? 0
                    }
                }
            }
            return LaneFigures(lane: lane, depth: depth, inFlight: inFlight, oldestAge: oldest, delayed: delayed, dead: dead,
                               stats: stats, durationSums: sums)
        }
    }

    /// Heartbeat documents of live workers; ids whose key expired are pruned from the set.
    func workers() throws -> [JSON] {
        let layout = queue.layout
        let ids = (try queue.connection.call(["SMEMBERS", layout.workers]).array ?? []).compactMap(\.text).sorted()
        guard !ids.isEmpty else { return [] }
        // One GET per worker, pipelined (not MGET: on Redis Cluster the keys sit in different slots).
        let values = try queue.connection.pipeline(ids.map { [.text("GET"), .text(layout.worker($0))] })
        var live: [JSON] = []
        var gone: [String] = []
        for (id, value) in zip(ids, values) {
            if let text = value.text, let document = try? JSON.parse(text) { live.append(document) } else { gone.append(id) }
        }
        if !gone.isEmpty { _ = try? queue.connection.call(["SREM", layout.workers] + gone) }
        return live
    }
}
