/// `XREADGROUP` over several streams, on one Redis or split by slot on Redis Cluster.
extension JobQueue {
    /// On Redis Cluster, the longest a read blocks on one slot's streams before the other slots are
    /// checked again (shared out when it may block on several: at most this ÷ their count, at least
    /// 50 ms). A cluster refuses one `XREADGROUP` over streams of two slots (two lanes, or two
    /// shards), so an idle reader blocks on one of the first lane's (interactive) slots at a time,
    /// taking them in turn: a job in that slot starts as soon as it arrives, any other within this
    /// time, or at once when another idle reader blocks on its slot. A worker's threads start their
    /// turns at different slots (`JobQueue.readTurn`), so a fleet with at least as many threads
    /// as slots keeps a reader on every one.
    public static let clusterBlockMillis = 250

    /// Reads new (`>`) or pending (`0`) entries of `streams` for `consumer` of `group`: one command
    /// on one Redis. On Redis Cluster, one command per slot (pipelined, so one round trip per
    /// master), and when `blockMillis` is given and nothing was found, a blocking read (up to
    /// `clusterBlockMillis`) on one of the first `blockingSlots` slots (at least the first): slot
    /// `readTurn` modulo their count, the next one after a read that timed out. Returns
    /// `XREADGROUP`'s reply shape: an array of `[stream name, entries]`, streams in the order given.
    func readGroup(_ group: String, consumer: String, count: Int, streams: [String], pending: Bool = false,
                   blockMillis: Int?, blockingSlots: Int = 1) throws(RedisError) -> [RedisReply] {
        // One command when every stream is in one slot (always, on one Redis).
        var bySlot: [(slot: Int, streams: [String])] = []
        if connection.isCluster {
            for stream in streams {
                let slot = RedisKeySlot.of(stream)
                if let index = bySlot.firstIndex(where: { $0.slot == slot }) { bySlot[index].streams.append(stream) } else { bySlot.append((slot, [stream])) }
            }
        }
        if bySlot.count <= 1 {
            return try connection.call(readCommand(group, consumer: consumer, count: count, streams: streams[...], pending: pending,
                                                   blockMillis: blockMillis)).array ?? []
        }
        let replies = try connection.pipeline(bySlot.map {
            readCommand(group, consumer: consumer, count: count, streams: $0.streams[...], pending: pending, blockMillis: nil)
        })
        var found: [RedisReply] = []
        for reply in replies {
            if case let .error(message) = reply { throw .reply(message) }
            found += reply.array ?? []
        }
        guard found.isEmpty, let blockMillis, !pending else { return found }
        let eligible = min(max(blockingSlots, 1), bySlot.count)
        let blocked = bySlot[Int(readTurn % UInt(eligible))]
        // The longer the turn, the longer a job may wait in another slot: the time is shared out.
        let wait = min(blockMillis, max(Self.clusterBlockMillis / eligible, 50))
        let read = try connection.call(readCommand(group, consumer: consumer, count: count, streams: blocked.streams[...], pending: false,
                                                   blockMillis: wait)).array ?? []
        // Nothing came to this slot: wait on the next one next time.
        if read.isEmpty { readTurn &+= 1 }
        return read
    }

    private func readCommand(_ group: String, consumer: String, count: Int, streams: ArraySlice<String>, pending: Bool,
                             blockMillis: Int?) -> [RedisArgument] {
        var command = ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(count)]
        if let blockMillis { command += ["BLOCK", String(blockMillis)] }
        command.append("STREAMS")
        command += streams
        command += streams.map { _ in pending ? "0" : ">" }
        return command.map { RedisArgument.text($0) }
    }
}
