/// Every Redis key Roost uses, built in one place.
///
/// All keys of a lane share the hash tag `{<prefix>:<lane>}`, so each lane's scripts touch one
/// slot and the layout works on Redis Cluster (lanes can live on different shards).
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:{P:lane}:jobs:<kind>` | stream, group `workers` | one entry per run request of that kind: `id`, and (from `enqueue` and `promote`) `attempt`, `params`, `blob`; acknowledged entries are trimmed once per batch below the oldest pending one. A stream per kind means a worker reads only the kinds it runs (a mixed fleet never hands a `classify` job to a probe-only worker) |
/// | `P:{P:lane}:depth` | integer | the lane's depth: jobs queued (in a stream or a held set) or running, not yet acknowledged; `enqueue` and `promote` add, acknowledgements and held-set cancellations subtract |
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

    /// Creates the layout for `prefix`.
    public init(prefix: String = "roost") { self.prefix = prefix }

    /// The hash-tagged base of a lane's keys.
    public func base(_ lane: Lane) -> String { "\(prefix):{\(prefix):\(lane.rawValue)}" }
    /// The stream of `kind` jobs in `lane`.
    public func stream(_ lane: Lane, _ kind: JobKind) -> String { streamPrefix(lane) + kind.rawValue }
    /// The stream of `stream`'s lane and kind.
    public func stream(_ stream: QueueStream) -> String { self.stream(stream.lane, stream.kind) }
    /// Prefix of the lane's job streams (scripts append the kind).
    public func streamPrefix(_ lane: Lane) -> String { base(lane) + ":jobs:" }
    /// Every job stream of `lane`, one per known kind.
    public func streams(_ lane: Lane) -> [String] { JobKind.all.map { stream(lane, $0) } }
    /// Prefix of the lane's job records (scripts append the id).
    public func jobPrefix(_ lane: Lane) -> String { base(lane) + ":job:" }
    /// A job's record.
    public func job(_ lane: Lane, _ id: String) -> String { jobPrefix(lane) + id }
    /// Prefix of the lane's blob keys (scripts append the SHA-256).
    public func blobPrefix(_ lane: Lane) -> String { base(lane) + ":blob:" }
    /// The sorted set of a kind's jobs held back for fairness (batch lane): members `<id> <owner>`,
    /// scored by the owner's virtual time (see `QueueScripts.fairRelease`).
    public func held(_ lane: Lane, _ kind: JobKind) -> String { heldPrefix(lane) + kind.rawValue }
    /// Prefix of the held sets (scripts append the kind).
    public func heldPrefix(_ lane: Lane) -> String { base(lane) + ":held:" }
    /// Every kind's held set of a lane, in `JobKind.all` order.
    public func helds(_ lane: Lane) -> [String] { JobKind.all.map { held(lane, $0) } }
    /// A kind's fair clock (hash): each owner's last virtual time, and `~released`, the virtual
    /// time of the last job let into the stream.
    public func fairClock(_ lane: Lane, _ kind: JobKind) -> String { base(lane) + ":fair:" + kind.rawValue }
    /// The blob holding bytes with this SHA-256 (hex).
    public func blob(_ lane: Lane, sha256: String) -> String { blobPrefix(lane) + sha256 }
    /// Where job `id`'s upload waits for the `enqueue` script, which renames it to its blob (or
    /// drops it); expires by itself if the script never ran.
    public func staging(_ lane: Lane, id: String) -> String { base(lane) + ":upload:" + id }
    /// The idempotency record of `key` sent by `owner`.
    public func idempotency(_ lane: Lane, owner: String, key: String) -> String { base(lane) + ":idem:" + owner + ":" + key }
    /// A same-slot placeholder passed when a request has no idempotency key (scripts never touch it).
    public func noIdempotency(_ lane: Lane) -> String { base(lane) + ":idem:-" }
    /// The lane's retry schedule.
    public func delayed(_ lane: Lane) -> String { base(lane) + ":delayed" }
    /// The lane's dead-letter stream.
    public func dead(_ lane: Lane) -> String { base(lane) + ":dead" }
    /// The lane's state-change stream.
    public func events(_ lane: Lane) -> String { base(lane) + ":events" }
    /// The lane's depth counter (jobs queued or running; see `QueueScripts.settle`).
    public func depth(_ lane: Lane) -> String { base(lane) + ":depth" }
    /// The ids of the lane's jobs cancelled while in a stream or running (see `QueueScripts.cancel`).
    public func cancelled(_ lane: Lane) -> String { base(lane) + ":cancelled" }
    /// The lane's counters.
    public func stats(_ lane: Lane) -> String { base(lane) + ":stats" }
    /// A worker's heartbeat key.
    public func worker(_ id: String) -> String { "\(prefix):worker:\(id)" }
    /// The set of worker ids.
    public var workers: String { "\(prefix):workers" }
}

/// One job stream: the jobs of one kind in one lane.
public struct QueueStream: Hashable, Sendable {
    /// The lane.
    public let lane: Lane
    /// The kind.
    public let kind: JobKind

    /// Names a stream.
    public init(_ lane: Lane, _ kind: JobKind) { self.lane = lane; self.kind = kind }

    /// The streams a worker running `kinds` reads, interactive lane first, kinds in `JobKind.all` order.
    public static func all(kinds: [JobKind], lanes: [Lane] = Lane.allCases) -> [QueueStream] {
        lanes.sorted().flatMap { lane in JobKind.all.filter(kinds.contains).map { QueueStream(lane, $0) } }
    }
}
