/// One of a lane's queue shards: the keys of one hash tag, so one Redis Cluster slot.
///
/// A lane has `QueueLayout.shards` partitions (`ROOST_QUEUE_SHARDS`, default 1). A job lives in one
/// of them for its whole life, chosen by its id (`JobID.shard`): its record, blob, stream entry,
/// events and counters are all in that partition's slot, so every script still touches one slot,
/// and the lane's load spreads over as many masters as it has shards.
public struct QueuePartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The lane.
    public let lane: Lane
    /// The shard, `0..<QueueLayout.shards`. Shard 0's keys are the lane's keys of a one-shard layout.
    public let shard: Int

    /// Names a partition.
    public init(_ lane: Lane, shard: Int = 0) { self.lane = lane; self.shard = shard }

    /// The interactive lane's shard 0 (its only partition with one shard).
    public static let interactive = QueuePartition(.interactive)
    /// The batch lane's shard 0 (its only partition with one shard).
    public static let batch = QueuePartition(.batch)

    /// Interactive first, then by shard.
    public static func < (a: QueuePartition, b: QueuePartition) -> Bool {
        a.lane != b.lane ? a.lane < b.lane : a.shard < b.shard
    }

    /// `interactive` for shard 0, `interactive.2` for shard 2: how logs and metrics name it.
    public var description: String { shard == 0 ? lane.rawValue : "\(lane.rawValue).\(shard)" }
}

extension JobID {
    /// The most shards a lane may have: a job's shard is its id's last character (32 values) modulo
    /// the shard count, so more would leave shards empty.
    public static let maxShards = 32

    /// The shard of job `id` among `shards`: its last character's value modulo `shards`. That
    /// character is random (or chosen by `make(placement:)`), so jobs spread evenly; every process
    /// finds a job's keys from its id alone. 0 for text that is not an id.
    public static func shard(of id: String, shards: Int) -> Int {
        guard shards > 1, let last = id.utf8.last, let value = value(of: last) else { return 0 }
        return value % shards
    }

    /// A new id whose last character is fixed by `placement` (any text: its CRC16 modulo 32), so
    /// every id made for the same placement lands in the same shard. The gateway places a request
    /// that carries an `Idempotency-Key` by its owner and key: a repeat of it makes a new id, and
    /// must find the first one's idempotency record in the same shard.
    public static func make(now: Double = Clock.now(), placement: String) -> String {
        var id = Array(make(now: now).utf8)
        id[id.count - 1] = character(Int(RedisKeySlot.crc16(Array(placement.utf8)[...]) & 31))
        return String(decoding: id, as: UTF8.self)
    }
}
