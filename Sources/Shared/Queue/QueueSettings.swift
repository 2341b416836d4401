/// How the queue behaves; shared by gateway and workers so both sides agree.
public struct QueueSettings: Sendable {
    /// Key layout (prefix).
    public var layout = QueueLayout()
    /// Runs per job before it is dead-lettered (`ROOST_MAX_ATTEMPTS`, default 5).
    public var maxAttempts = 5
    /// Seconds a finished job's Redis record is kept at least (`ROOST_JOB_TTL`, default 86400; see
    /// `recordTTL` for its whole life); SQLite keeps the durable copy.
    public var finishedTTL = 86_400
    /// Seconds uploaded bytes are kept in Redis (`ROOST_BLOB_TTL`, default 86400).
    public var blobTTL = 86_400
    /// Seconds an `Idempotency-Key` is remembered (`ROOST_IDEMPOTENCY_TTL`, default 86400).
    public var idempotencyTTL = 86_400
    /// Depth of the interactive lane beyond which the gateway answers 503 (`ROOST_MAX_DEPTH_INTERACTIVE`, default 10000).
    public var maxInteractiveDepth = 10_000
    /// Depth of the batch lane beyond which the gateway answers 503 (`ROOST_MAX_DEPTH_BATCH`, default 200000).
    public var maxBatchDepth = 200_000
    /// Approximate cap of each event stream (`ROOST_EVENTS_CAP`, default 200000).
    public var eventsCap = 200_000
    /// Seconds a delivered job may go without a keep-alive before another worker recovers it (`ROOST_VISIBILITY_TIMEOUT`, default 30).
    public var visibilityTimeout = 30.0
    /// First retry delay in seconds (`ROOST_RETRY_BASE`, default 1); doubles per attempt, with jitter.
    public var retryBase = 1.0
    /// Longest retry delay in seconds (`ROOST_RETRY_MAX`, default 300).
    public var retryMax = 300.0

    /// Jobs of one kind waiting undelivered in the batch lane's stream at most (jobs in flight do not
    /// count; `ROOST_BATCH_WINDOW`, default 64; 0 turns fairness off). The rest wait in a held set and are
    /// let in round-robin between owners, so a large import cannot hold back a small one for
    /// longer than this window (docs/QUEUE.md, *Fair batch lane*). Gateway and workers must agree.
    public var batchWindow = 64

    /// Seconds a job's Redis record lives from enqueue (or a retry's promotion): long enough for its
    /// upload's life and then a finished record's, so `complete` need not set an expiry per job.
    public var recordTTL: Int { blobTTL + finishedTTL }

    /// Defaults.
    public init() {}

    /// The fairness window of `lane` (the interactive lane is first come, first served).
    public func window(_ lane: Lane) -> Int { lane == .batch ? batchWindow : 0 }

    /// Reads every `ROOST_*` queue setting.
    public init(environment env: Environment) {
        layout = QueueLayout(prefix: env.string("ROOST_REDIS_PREFIX", default: "roost"),
                             shards: env.int("ROOST_QUEUE_SHARDS", default: 1, range: 1...JobID.maxShards))
        maxAttempts = env.int("ROOST_MAX_ATTEMPTS", default: maxAttempts, range: 1...100)
        finishedTTL = env.int("ROOST_JOB_TTL", default: finishedTTL, range: 1...31_536_000)
        blobTTL = env.int("ROOST_BLOB_TTL", default: blobTTL, range: 1...31_536_000)
        idempotencyTTL = env.int("ROOST_IDEMPOTENCY_TTL", default: idempotencyTTL, range: 1...31_536_000)
        maxInteractiveDepth = env.int("ROOST_MAX_DEPTH_INTERACTIVE", default: maxInteractiveDepth, range: 0...100_000_000)
        maxBatchDepth = env.int("ROOST_MAX_DEPTH_BATCH", default: maxBatchDepth, range: 0...100_000_000)
        eventsCap = env.int("ROOST_EVENTS_CAP", default: eventsCap, range: 1_000...100_000_000)
        visibilityTimeout = env.seconds("ROOST_VISIBILITY_TIMEOUT", default: visibilityTimeout)
        retryBase = env.seconds("ROOST_RETRY_BASE", default: retryBase)
        retryMax = env.seconds("ROOST_RETRY_MAX", default: retryMax)
        batchWindow = env.int("ROOST_BATCH_WINDOW", default: batchWindow, range: 0...1_000_000)
    }

    /// The configured depth limit of `lane` (0: unlimited).
    public func maxDepth(_ lane: Lane) -> Int { lane == .interactive ? maxInteractiveDepth : maxBatchDepth }

    /// The depth limit of each of `lane`'s partitions: the lane's limit shared evenly between its
    /// shards (rounded up; 0: unlimited). Jobs spread evenly, so a lane refuses work near its limit.
    public func maxPartitionDepth(_ lane: Lane) -> Int {
        let shards = layout.shards
        return (maxDepth(lane) + shards - 1) / shards
    }

    /// Delay before retry number `attempt` (1-based): exponential, capped, with ±50% jitter so
    /// a burst of failures does not come back as a burst.
    public func retryDelay(afterAttempt attempt: Int) -> Double {
        let exponential = min(retryMax, retryBase * pow2(max(0, attempt - 1)))
        return min(retryMax, exponential * Double.random(in: 0.5...1.5))
    }

    private func pow2(_ n: Int) -> Double { n >= 62 ? Double.greatestFiniteMagnitude : Double(1 << n) }
}
