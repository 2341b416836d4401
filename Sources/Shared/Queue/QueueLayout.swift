/// Every Redis key Roost uses, built in one place.
///
/// A lane's keys are split into `shards` partitions (`QueuePartition`), each with its own hash tag:
/// `{<prefix>:<lane>}` for shard 0, `{<prefix>:<lane>:<shard>}` for the others. A job's keys are all
/// in the partition its id names, so each script touches one slot and the layout works on Redis
/// Cluster, with a lane's load spread over its shards' slots. `P:{P:lane}` below stands for a
/// partition's tag.
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:{P:lane}:jobs:<kind>` | stream, group `workers` | one entry per run request of that kind: `id`, and (from `enqueue` and `promote`) `attempt`, `params`, `blob`; acknowledged entries are trimmed once per batch below the oldest pending one. A stream per kind means a worker reads only the kinds it runs (a mixed fleet never hands a `classify` job to a probe-only worker) |
/// | `P:{P:lane}:depth` | integer | the partition's depth: jobs queued (in a stream or a held set) or running, not yet acknowledged; `enqueue` and `promote` add, acknowledgements and held-set cancellations subtract |
/// | `P:{P:batch}:held:<kind>` | sorted set | batch jobs not yet let into their stream (fair lane): members `<id> <owner>`, scored by the owner's virtual time; let in round-robin, at most `batchWindow` in the stream at once |
/// | `P:{P:batch}:fair:<kind>` | hash | the fair clock: each waiting owner's last virtual time and `~released` |
/// | `P:{P:lane}:job:<id>` | hash | the job record (see `JobRecord`): written at enqueue, expiring `blobTTL + finishedTTL` later; `msg`, its stream entry's id (a running attempt is that entry's pending-list entry); `done` (a `JobEnd`) once it ended; a retry writes `attempts`, `retry_at` and the error |
/// | `P:{P:lane}:cancelled` | set | ids of jobs cancelled while their entry was in a stream or running, so `start` skips them (one `SMISMEMBER` per batch, only while the set exists) |
/// | `P:{P:lane}:blob:<sha256>` | string | the uploaded bytes, shared by identical uploads; expires after `blobTTL` |
/// | `P:{P:lane}:idem:<owner>:<key>` | string | the job id an `Idempotency-Key` created; expires after `idempotencyTTL` |
/// | `P:{P:lane}:delayed` | sorted set | job ids waiting for a retry, scored by due time |
/// | `P:{P:lane}:dead` | stream | dead-lettered jobs (`id`, `kind`, `error_code`, `error_message`), capped |
/// | `P:{P:lane}:events` | stream, one group per gateway (its `ROOST_GATEWAY_ID`, default `gateway`) | every state change, read by every gateway's result ingester; trimmed below the oldest entry a group still needs (`EventTrim`), and capped |
/// | `P:{P:lane}:stats` | hash | cluster-wide counters and the job duration histogram |
/// | `P:shards` | integer | the `shards` the queue is laid out for, written by the first process to start; a process with another count refuses to run while that layout holds work |
/// | `P:worker:<worker id>` | string (JSON) | a worker's heartbeat, expiring |
/// | `P:workers` | set | ids of workers that have sent a heartbeat (pruned when their key is gone) |
public struct QueueLayout: Sendable {
    /// The key prefix (`ROOST_REDIS_PREFIX`, default `roost`), so several clusters can share one Redis.
    public let prefix: String

    /// Consumer group of the workers on each lane's job stream.
    public static let workerGroup = "workers"
    /// Consumer group of the gateway's ingester on each lane's event stream, for a gateway with the
    /// default id (`ROOST_GATEWAY_ID` unset): the one group of a single-gateway deployment.
    public static let ingesterGroup = "gateway"

    /// The consumer group of the ingester of gateway `gatewayID` on each lane's event stream: the
    /// id itself, so the default id keeps `ingesterGroup` and its pending events across upgrades.
    /// Every gateway has its own group, so every gateway reads every event.
    public static func ingesterGroup(gatewayID: String) -> String { gatewayID }

    /// Whether `id` may name a gateway (`ROOST_GATEWAY_ID`): 1–64 characters of `A–Z a–z 0–9 _ -`,
    /// so it is safe as a consumer group name, in a key and in a log line.
    public static func isValidGatewayID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D
        }
    }

    /// Shards per lane (`ROOST_QUEUE_SHARDS`, default 1, at most `JobID.maxShards`): each its own
    /// hash tag, so on Redis Cluster a lane's load spreads over that many slots (see `QueuePartition`).
    /// Every gateway and worker must agree, and it changes only on an empty queue (docs/SCALING.md).
    public let shards: Int

    /// Creates the layout for `prefix` with `shards` shards per lane.
    public init(prefix: String = "roost", shards: Int = 1) {
        self.prefix = prefix
        self.shards = min(max(shards, 1), JobID.maxShards)
    }

    /// Every partition of `lane`, by shard.
    public func partitions(_ lane: Lane) -> [QueuePartition] { (0..<shards).map { QueuePartition(lane, shard: $0) } }
    /// Every partition, interactive lane first.
    public var partitions: [QueuePartition] { Lane.allCases.sorted().flatMap(partitions) }
    /// The partition job `id` of `lane` lives in.
    public func partition(_ lane: Lane, id: String) -> QueuePartition { QueuePartition(lane, shard: JobID.shard(of: id, shards: shards)) }

    /// The hash-tagged base of a partition's keys: `P:{P:lane}` for shard 0 (the keys of a
    /// one-shard layout), `P:{P:lane:s}` for shard s.
    public func base(_ p: QueuePartition) -> String {
        p.shard == 0 ? "\(prefix):{\(prefix):\(p.lane.rawValue)}" : "\(prefix):{\(prefix):\(p.lane.rawValue):\(p.shard)}"
    }
    /// The stream of `kind` jobs in partition `p`.
    public func stream(_ p: QueuePartition, _ kind: JobKind) -> String { streamPrefix(p) + kind.rawValue }
    /// The stream of `stream`'s partition and kind.
    public func stream(_ stream: QueueStream) -> String { self.stream(stream.partition, stream.kind) }
    /// Prefix of the partition's job streams (scripts append the kind).
    public func streamPrefix(_ p: QueuePartition) -> String { base(p) + ":jobs:" }
    /// Every job stream of partition `p`, one per known kind.
    public func streams(_ p: QueuePartition) -> [String] { JobKind.all.map { stream(p, $0) } }
    /// The streams a worker running `kinds` reads in `lanes`: interactive lane first, then by shard,
    /// kinds in `JobKind.all` order.
    public func queueStreams(kinds: [JobKind], lanes: [Lane] = Lane.allCases) -> [QueueStream] {
        queueStreams(kinds: kinds, in: lanes.sorted().flatMap(partitions))
    }
    /// The streams of `kinds` in `partitions`, in that order, kinds in `JobKind.all` order.
    public func queueStreams(kinds: [JobKind], in partitions: [QueuePartition]) -> [QueueStream] {
        partitions.flatMap { p in JobKind.all.filter(kinds.contains).map { QueueStream(p.lane, $0, shard: p.shard) } }
    }
    /// Prefix of the partition's job records (scripts append the id).
    public func jobPrefix(_ p: QueuePartition) -> String { base(p) + ":job:" }
    /// Job `id`'s record (in the partition its id names).
    public func job(_ lane: Lane, _ id: String) -> String { jobPrefix(partition(lane, id: id)) + id }
    /// Prefix of the partition's blob keys (scripts append the SHA-256).
    public func blobPrefix(_ p: QueuePartition) -> String { base(p) + ":blob:" }
    /// The sorted set of a kind's jobs held back for fairness (batch lane): members `<id> <owner>`,
    /// scored by the owner's virtual time (see `QueueScripts.fairRelease`).
    public func held(_ p: QueuePartition, _ kind: JobKind) -> String { heldPrefix(p) + kind.rawValue }
    /// Prefix of the held sets (scripts append the kind).
    public func heldPrefix(_ p: QueuePartition) -> String { base(p) + ":held:" }
    /// Every kind's held set of a partition, in `JobKind.all` order.
    public func helds(_ p: QueuePartition) -> [String] { JobKind.all.map { held(p, $0) } }
    /// A kind's fair clock (hash): each owner's last virtual time, and `~released`, the virtual
    /// time of the last job let into the stream. Fairness holds within each shard.
    public func fairClock(_ p: QueuePartition, _ kind: JobKind) -> String { base(p) + ":fair:" + kind.rawValue }
    /// The blob holding bytes with this SHA-256 (hex), in partition `p`.
    public func blob(_ p: QueuePartition, sha256: String) -> String { blobPrefix(p) + sha256 }
    /// Where job `id`'s upload waits for the `enqueue` script, which renames it to its blob (or
    /// drops it); expires by itself if the script never ran.
    public func staging(_ lane: Lane, id: String) -> String { base(partition(lane, id: id)) + ":upload:" + id }
    /// The idempotency record of `key` sent by `owner` (in the partition of the ids made for it,
    /// see `JobID.make(placement:)`).
    public func idempotency(_ p: QueuePartition, owner: String, key: String) -> String { base(p) + ":idem:" + owner + ":" + key }
    /// A same-slot placeholder passed when a request has no idempotency key (scripts never touch it).
    public func noIdempotency(_ p: QueuePartition) -> String { base(p) + ":idem:-" }
    /// The partition's retry schedule.
    public func delayed(_ p: QueuePartition) -> String { base(p) + ":delayed" }
    /// The partition's dead-letter stream.
    public func dead(_ p: QueuePartition) -> String { base(p) + ":dead" }
    /// The partition's state-change stream.
    public func events(_ p: QueuePartition) -> String { base(p) + ":events" }
    /// The partition's depth counter (jobs queued or running; see `QueueScripts.settle`).
    public func depth(_ p: QueuePartition) -> String { base(p) + ":depth" }
    /// The ids of the partition's jobs cancelled while in a stream or running (see `QueueScripts.cancel`).
    public func cancelled(_ p: QueuePartition) -> String { base(p) + ":cancelled" }
    /// The partition's counters.
    public func stats(_ p: QueuePartition) -> String { base(p) + ":stats" }
    /// The shard count the queue in Redis is laid out for (see `JobQueue.claimShardCount`).
    public var shardCount: String { "\(prefix):shards" }
    /// A worker's heartbeat key.
    public func worker(_ id: String) -> String { "\(prefix):worker:\(id)" }
    /// The set of worker ids.
    public var workers: String { "\(prefix):workers" }
}

/// One job stream: the jobs of one kind in one partition (lane and shard).
public struct QueueStream: Hashable, Sendable {
    /// The lane.
    public let lane: Lane
    /// The kind.
    public let kind: JobKind
    /// The shard.
    public let shard: Int
    /// Its partition.
    public var partition: QueuePartition { QueuePartition(lane, shard: shard) }

    /// Names a stream.
    public init(_ lane: Lane, _ kind: JobKind, shard: Int = 0) { self.lane = lane; self.kind = kind; self.shard = shard }
}
