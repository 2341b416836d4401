/// One state change read from a lane's event stream.
public struct JobEvent: Sendable {
    /// The lane whose stream it came from.
    public let lane: Lane
    /// The event's stream entry id (acknowledged once recorded).
    public let messageID: String
    /// The job's state after the change, with the fields that changed.
    public let record: JobRecord
}

extension JobQueue {
    /// Reads state changes for the gateway's ingester. With `pending`, re-reads the events this
    /// consumer received but never acknowledged (after a crash); otherwise new ones, blocking up
    /// to `blockMillis` when there are none.
    public func readEvents(consumer: String, count: Int, blockMillis: Int?, pending: Bool = false) throws(RedisError) -> [JobEvent] {
        let reply = try readGroup(QueueLayout.ingesterGroup, consumer: consumer, count: count,
                                  streams: Lane.allCases.sorted().map { layout.events($0) }, pending: pending,
                                  blockMillis: pending ? nil : blockMillis)
        var events: [JobEvent] = []
        for stream in reply {
            guard let parts = stream.array, parts.count == 2, let name = parts[0].text,
                  let lane = Lane.allCases.first(where: { layout.events($0) == name }) else { continue }
            for entry in parts[1].array ?? [] {
                guard let pair = entry.array, pair.count == 2, let messageID = pair[0].text else { continue }
                if let record = JobRecord(fields: pair[1].fieldMap, lane: lane) {
                    events.append(JobEvent(lane: lane, messageID: messageID, record: record))
                } else {
                    // A malformed or trimmed entry: acknowledge it with the rest so it is not re-read forever.
                    events.append(JobEvent(lane: lane, messageID: messageID,
                                           record: JobRecord(id: "", kind: "", lane: lane, state: .queued)))
                }
            }
        }
        return events
    }

    /// Acknowledges and deletes recorded events (one round trip).
    public func acknowledgeEvents(_ events: [JobEvent]) throws(RedisError) {
        var commands: [[RedisArgument]] = []
        for lane in Lane.allCases {
            let ids = events.filter { $0.lane == lane }.map(\.messageID)
            guard !ids.isEmpty else { continue }
            commands.append((["XACK", layout.events(lane), QueueLayout.ingesterGroup] + ids).map { RedisArgument.text($0) })
            commands.append((["XDEL", layout.events(lane)] + ids).map { RedisArgument.text($0) })
        }
        for reply in try connection.pipeline(commands) {
            if case let .error(message) = reply { throw .reply("acknowledge events: \(message)") }
        }
    }
}
