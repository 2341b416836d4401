/// The gateways' consumer groups on the event streams, as operators watch them.
extension JobQueue {
    /// One gateway's consumer group on one lane's event stream.
    public struct EventGroup: Sendable, Equatable {
        /// The lane.
        public let lane: Lane
        /// The group's name (the gateway's `ROOST_GATEWAY_ID`).
        public let name: String
        /// Entries delivered to it and not yet acknowledged.
        public let pending: Int
        /// Entries it has not been delivered yet (nil when Redis cannot tell).
        public let lag: Int?
    }

    /// Every group on each lane's event stream, and each stream's length, in one round trip: a group
    /// whose lag grows belongs to a gateway that is stopped (or gone: remove its group, see `EventTrim`).
    public func eventGroups() throws(RedisError) -> (groups: [EventGroup], lengths: [Lane: Int]) {
        let lanes = Lane.allCases.sorted()
        let replies = try connection.pipeline(lanes.flatMap { lane -> [[RedisArgument]] in
            [["XINFO", "GROUPS", .text(layout.events(lane))], ["XLEN", .text(layout.events(lane))]]
        })
        var groups: [EventGroup] = []
        var lengths: [Lane: Int] = [:]
        for (index, lane) in lanes.enumerated() {
            let (info, length) = (replies[2 * index], replies[2 * index + 1])
            lengths[lane] = length.int ?? 0
            // A missing stream (`ERR no such key`) has no groups.
            for group in info.array ?? [] {
                let fields = group.fieldMap
                guard let name = fields["name"]?.text else { continue }
                groups.append(EventGroup(lane: lane, name: name, pending: fields["pending"]?.int ?? 0, lag: fields["lag"]?.int))
            }
        }
        return (groups, lengths)
    }
}
