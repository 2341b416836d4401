/// What a client asks the queue to run.
public struct EnqueueRequest: Sendable {
    /// The analysis (`probe`, `classify`…).
    public var kind: String
    /// The lane.
    public var lane: Lane
    /// The uploaded bytes.
    public var blob: [UInt8]
    /// Their SHA-256, hex.
    public var blobSHA256: String
    /// Analysis parameters as a JSON object.
    public var params: JSON
    /// Who submitted it.
    public var owner: String
    /// The client's `Idempotency-Key`, if it sent one.
    public var idempotencyKey: String?
    /// The id to give the job (made by the caller so it can record it first if it wants).
    public var id: String
    /// When it was accepted.
    public var createdAt: Double

    /// Creates a request; `id` and `createdAt` default to new values. A new id for a request with an
    /// idempotency key is placed by its owner and key (`JobID.make(placement:)`), so a repeat of
    /// the request reaches the same shard and finds the first one's job.
    public init(kind: String, lane: Lane, blob: [UInt8], blobSHA256: String, params: JSON = .object([]), owner: String,
                idempotencyKey: String? = nil, id: String? = nil, createdAt: Double = Clock.now()) {
        self.kind = kind; self.lane = lane; self.blob = blob; self.blobSHA256 = blobSHA256; self.params = params
        self.owner = owner; self.idempotencyKey = idempotencyKey; self.createdAt = createdAt
        self.id = id ?? idempotencyKey.map { JobID.make(now: createdAt, placement: owner + "\n" + $0) } ?? JobID.make(now: createdAt)
    }
}

/// The answer to an enqueue.
public enum EnqueueOutcome: Sendable, Equatable {
    /// A new job was queued.
    case created(id: String)
    /// The idempotency key was seen before: this is the job it created.
    case existing(id: String)
    /// The job's partition of the lane is over its depth limit (`QueueSettings.maxPartitionDepth`); nothing was queued.
    case busy(depth: Int)
}

/// The answer to a cancellation.
public enum CancelOutcome: Sendable, Equatable {
    /// Cancelled; it was in `previous` state.
    case cancelled(previous: JobState)
    /// Already finished in this state; nothing changed.
    case alreadyFinished(JobState)
    /// No such job in Redis (unknown, or its record expired).
    case missing
}

/// Queue operations over one Redis connection (or one connection per master of a Redis
/// Cluster): the gateway's and the workers' sides.
///
/// Not thread-safe (blocking hiredis connections): give each thread its own `JobQueue`.
public final class JobQueue {
    /// The connection used.
    public let connection: any RedisClient
    /// Shared queue settings.
    public let settings: QueueSettings
    /// Key layout shortcut.
    public var layout: QueueLayout { settings.layout }

    /// Which shard of a lane `fetch` reads first (moving on after each batch found there), and which
    /// slot a blocking read on Redis Cluster waits on (moving on after a read that timed out), each
    /// modulo their count. Random unless set: a worker gives its threads consecutive turns, so they
    /// start on different shards and wait on different slots.
    public var readTurn = UInt.random(in: 0..<1024)

    /// Seconds an upload may wait under its staging key for the `enqueue` script (normally none:
    /// both go in one pipeline).
    static let stagingTTL = 300

    /// Wraps a connection.
    public init(connection: any RedisClient, settings: QueueSettings) {
        self.connection = connection
        self.settings = settings
    }

    /// Opens a connection to `endpoint` (a cluster client for `redis+cluster://`) and wraps it.
    public convenience init(endpoint: RedisEndpoint, settings: QueueSettings, ioTimeout: Double = 10) throws(RedisError) {
        self.init(connection: try openRedisClient(endpoint, ioTimeout: ioTimeout), settings: settings)
    }

    /// Checks the shard count (`claimShardCount`), then creates the consumer groups of every
    /// partition's kind streams and, given `ingesterGroup`, of its event stream, and each
    /// partition's depth counter when it is missing (see `QueueScripts.initDepth`);
    /// idempotent, safe to call from every process at start-up. Workers pass `ingesterGroup: nil`:
    /// each gateway creates its own group, and a group nobody reads would hold back `EventTrim`.
    /// - Parameters:
    ///   - ingesterGroup: the gateway's consumer group on the event streams (default: the default gateway's).
    ///   - ingesterStart: where a new ingester group starts reading: `0` (every entry the stream
    ///     holds: after Redis lost its data, the events written since) or `$` (only entries added
    ///     from now on: a gateway joining must not read the whole history of jobs it never saw).
    ///   - partitions: the partitions to set up (default: every one); a reader of some partitions
    ///     only (an ingester thread on Redis Cluster) sets up those it reads.
    public func ensureGroups(ingesterGroup: String? = QueueLayout.ingesterGroup, ingesterStart: String = "0",
                             partitions: [QueuePartition]? = nil) throws(RedisError) {
        try claimShardCount()
        let partitions = partitions ?? layout.partitions
        var commands: [[RedisArgument]] = []
        for partition in partitions {
            for stream in layout.streams(partition) {
                commands.append(["XGROUP", "CREATE", .text(stream), .text(QueueLayout.workerGroup), "0", "MKSTREAM"])
            }
            if let ingesterGroup {
                commands.append(["XGROUP", "CREATE", .text(layout.events(partition)), .text(ingesterGroup), .text(ingesterStart), "MKSTREAM"])
            }
        }
        for reply in try connection.pipeline(commands) {
            if case let .error(message) = reply, !message.hasPrefix("BUSYGROUP") { throw .reply(message) }
        }
        // One call per partition: each partition's keys share a slot, two partitions need not.
        for reply in try connection.evalPipeline(partitions.map { partition in
            (QueueScripts.initDepth, [layout.depth(partition)] + layout.streams(partition) + layout.helds(partition), [])
        }) {
            if case let .error(message) = reply { throw .reply("init depth: \(message)") }
        }
    }

    /// Enqueues atomically (blob, record, stream entry, idempotency key), in one round trip: the
    /// upload's `SET` under a staging key, then the `enqueue` script that moves it to its blob
    /// (see `QueueScripts.enqueue`: the bytes stay out of Lua).
    public func enqueue(_ request: EnqueueRequest) throws(RedisError) -> EnqueueOutcome {
        let lane = request.lane
        let partition = layout.partition(lane, id: request.id)
        let idemKey = request.idempotencyKey.map { layout.idempotency(partition, owner: request.owner, key: $0) } ?? layout.noIdempotency(partition)
        let kind = JobKind(rawValue: request.kind)
        let staging = layout.staging(lane, id: request.id)
        let keys = [layout.stream(partition, kind), layout.job(lane, request.id), layout.blob(partition, sha256: request.blobSHA256), idemKey,
                    layout.stats(partition), layout.held(partition, kind), layout.fairClock(partition, kind), layout.depth(partition), staging]
        let arguments: [RedisArgument] = [
            .text(request.id), .text(request.kind), .text(lane.rawValue), .text(Clock.text(request.createdAt)),
            .text(request.owner), .text(request.params.serialized()), .text(String(settings.maxAttempts)),
            .text(request.blobSHA256), .text(String(settings.blobTTL)),
            .text(request.idempotencyKey == nil ? "0" : String(settings.idempotencyTTL)),
            .text(String(settings.maxPartitionDepth(lane))), .text(String(settings.window(lane))), .text(String(settings.recordTTL)),
            .text(layout.jobPrefix(partition))]
        let replies = try connection.pipeline([
            ["SET", .text(staging), .bytes(request.blob), "EX", .text(String(Self.stagingTTL))],
            try connection.evalCommand(QueueScripts.enqueue, keys: keys, arguments: arguments),
        ])
        // The server's own words, unprefixed, so `isLoading` and `isOutOfMemory` still recognise them.
        if case let .error(message) = replies[0] { throw .reply(message) }
        var reply = replies[1]
        if case let .error(message) = reply {
            // Redis restarted and forgot the script: `eval` loads it again; the upload is still staged.
            guard message.hasPrefix("NOSCRIPT") else { throw .reply("enqueue: \(message)") }
            reply = try connection.eval(QueueScripts.enqueue, keys: keys, arguments: arguments)
        }
        guard let items = reply.array, items.count == 2, let tag = items[0].text, let value = items[1].text else {
            throw .unexpected("enqueue returned \(reply)")
        }
        switch tag {
        case "created": return .created(id: value)
        case "existing": return .existing(id: value)
        case "busy": return .busy(depth: Int(value) ?? 0)
        default: throw .unexpected("enqueue returned \(tag)")
        }
    }

    /// The job's Redis record, or nil when unknown or expired: its hash and its running attempt, in one round trip.
    public func record(lane: Lane, id: String) throws(RedisError) -> JobRecord? {
        try records([(lane, id)])[0]
    }

    /// Cancels a queued or running job.
    public func cancel(lane: Lane, id: String) throws(RedisError) -> CancelOutcome {
        let p = layout.partition(lane, id: id)
        let reply = try connection.eval(QueueScripts.cancel,
            keys: [layout.job(lane, id), layout.delayed(p), layout.events(p), layout.stats(p), layout.depth(p), layout.cancelled(p)],
            arguments: [.text(id), .text(Clock.text(Clock.now())), .text(String(settings.finishedTTL)), .text(String(settings.eventsCap)),
                        .text(layout.heldPrefix(p)), .text(layout.streamPrefix(p)), .text(String(settings.recordTTL))])
        let items = reply.array ?? []
        switch items.first?.text {
        case "cancelled": return .cancelled(previous: items.count > 1 ? JobState(rawValue: items[1].text ?? "") ?? .queued : .queued)
        case "final": return .alreadyFinished(items.count > 1 ? JobState(rawValue: items[1].text ?? "") ?? .succeeded : .succeeded)
        default: return .missing
        }
    }
}
