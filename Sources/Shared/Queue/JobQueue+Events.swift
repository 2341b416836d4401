/// One state change read from a partition's event stream.
public struct JobEvent: Sendable {
    /// The lane whose stream it came from.
    public let lane: Lane
    /// The shard whose stream it came from.
    public let shard: Int
    /// The event's stream entry id (acknowledged once recorded; a batch entry yields several
    /// events with the same id).
    public let messageID: String
    /// The job's state after the change, with the fields that changed.
    public let record: JobRecord

    /// The partition whose stream it came from.
    public var partition: QueuePartition { QueuePartition(lane, shard: shard) }

    /// Creates an event.
    public init(lane: Lane, shard: Int = 0, messageID: String, record: JobRecord) {
        self.lane = lane; self.shard = shard; self.messageID = messageID; self.record = record
    }

    /// The records one event-stream entry holds, in order. Three shapes:
    /// - one job: `id`, and `state` with the fields that changed (`retry`), or `done`, a `JobEnd`
    ///   (`cancel`, dead-lettering);
    /// - a batch of outcomes (`complete`): `ended` and the kind, then per job its id and its `done`;
    /// - a batch of starts (`start`): `state` `running`, `started_at`, `worker` and `jobs`, the
    ///   batch's `<id>:<attempt>` separated by spaces.
    /// Fields before the first `id` apply to every job of the entry. Records whose fields do not
    /// parse are left out.
    public static func records(entryFields pairs: [RedisReply], lane: Lane) -> [JobRecord] {
        if pairs.count >= 2, pairs[0].text == "ended" {
            let kind = pairs[1].text
            return stride(from: 2, to: pairs.count - 1, by: 2).compactMap { index in
                JobRecord(fields: ["id": pairs[index], "done": pairs[index + 1]], lane: lane, kind: kind)
            }
        }
        var shared: [String: RedisReply] = [:]
        var groups: [[String: RedisReply]] = []
        var index = 0
        while index + 1 < pairs.count {
            defer { index += 2 }
            guard let field = pairs[index].text else { continue }
            let value = pairs[index + 1]
            if field == "id" {
                groups.append(shared.merging([("id", value)]) { _, new in new })
            } else if groups.isEmpty {
                shared[field] = value
            } else {
                groups[groups.count - 1][field] = value
            }
        }
        if groups.isEmpty, let jobs = shared["jobs"]?.text {
            for item in jobs.split(separator: " ") {
                guard let colon = item.lastIndex(of: ":") else { continue }
                var fields = shared
                fields["id"] = .string(Array(item[..<colon].utf8))
                fields["attempts"] = .string(Array(item[item.index(after: colon)...].utf8))
                groups.append(fields)
            }
        }
        return groups.compactMap { JobRecord(fields: $0, lane: lane) }
    }
}

extension JobQueue {
    /// Reads state changes for a gateway's ingester, as consumer `consumer` of `group` (the
    /// gateway's own group: `QueueLayout.ingesterGroup(gatewayID:)`). With `pending`, re-reads the
    /// events this consumer received but never acknowledged (after a crash); otherwise new ones,
    /// blocking up to `blockMillis` when there are none. `count` bounds the entries read, each of
    /// which may hold a batch of jobs.
    /// `partitions` limits the read to those partitions' streams (default: every one).
    public func readEvents(group: String = QueueLayout.ingesterGroup, consumer: String, count: Int, blockMillis: Int?,
                           pending: Bool = false, partitions: [QueuePartition]? = nil) throws(RedisError) -> [JobEvent] {
        let partitions = partitions ?? layout.partitions
        let reply = try readGroup(group, consumer: consumer, count: count, streams: partitions.map { layout.events($0) }, pending: pending,
                                  blockMillis: pending ? nil : blockMillis, blockingSlots: layout.shards)
        var events: [JobEvent] = []
        for stream in reply {
            guard let parts = stream.array, parts.count == 2, let name = parts[0].text,
                  let p = partitions.first(where: { layout.events($0) == name }) else { continue }
            for entry in parts[1].array ?? [] {
                guard let pair = entry.array, pair.count == 2, let messageID = pair[0].text else { continue }
                let records = JobEvent.records(entryFields: pair[1].array ?? [], lane: p.lane)
                if records.isEmpty {
                    // A malformed or trimmed entry: acknowledge it with the rest so it is not re-read forever.
                    events.append(JobEvent(lane: p.lane, shard: p.shard, messageID: messageID,
                                           record: JobRecord(id: "", kind: "", lane: p.lane, state: .queued)))
                }
                for record in records { events.append(JobEvent(lane: p.lane, shard: p.shard, messageID: messageID, record: record)) }
            }
        }
        return events
    }

    /// Acknowledges recorded events for `group` and trims each partition's event stream below the
    /// oldest entry any gateway's group still needs (`EventTrim.acknowledge`): one script call per
    /// partition, pipelined; each entry once, however many jobs it held. Entries are not deleted one by
    /// one (`XDEL`): other gateways may not have read them yet.
    public func acknowledgeEvents(_ events: [JobEvent], group: String = QueueLayout.ingesterGroup) throws(RedisError) {
        var calls: [(RedisScript, [String], [RedisArgument])] = []
        for partition in layout.partitions {
            var seen: Set<String> = []
            let ids = events.filter { $0.partition == partition && seen.insert($0.messageID).inserted }.map(\.messageID)
            guard !ids.isEmpty else { continue }
            calls.append((EventTrim.acknowledge, [layout.events(partition)], ([group] + ids).map { RedisArgument.text($0) }))
        }
        guard !calls.isEmpty else { return }
        for reply in try connection.evalPipeline(calls) {
            if case let .error(message) = reply { throw .reply("acknowledge events: \(message)") }
        }
    }
}
