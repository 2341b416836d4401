/// The gateways' consumer groups on the event streams, as operators watch them.
extension JobQueue {
    /// One gateway's consumer group on one lane's event streams (its shards' summed).
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

    /// Every group on each lane's event streams, and their length, in one round trip (a lane's
    /// shards summed): a group whose lag grows belongs to a gateway that is stopped (or gone: remove
    /// its group, see `EventTrim`).
    public func eventGroups() throws(RedisError) -> (groups: [EventGroup], lengths: [Lane: Int]) {
        let partitions = layout.partitions
        let replies = try connection.pipeline(partitions.flatMap { p -> [[RedisArgument]] in
            [["XINFO", "GROUPS", .text(layout.events(p))], ["XLEN", .text(layout.events(p))]]
        })
        var groups: [EventGroup] = []
        var lengths: [Lane: Int] = [:]
        for (index, p) in partitions.enumerated() {
            let (info, length) = (replies[2 * index], replies[2 * index + 1])
            lengths[p.lane, default: 0] += length.int ?? 0
            // A missing stream (`ERR no such key`) has no groups.
            for group in info.array ?? [] {
                let fields = group.fieldMap
                guard let name = fields["name"]?.text else { continue }
                let pending = fields["pending"]?.int ?? 0, lag = fields["lag"]?.int
                if let same = groups.firstIndex(where: { $0.lane == p.lane && $0.name == name }) {
                    let sum = groups[same]
                    groups[same] = EventGroup(lane: p.lane, name: name, pending: sum.pending + pending,
                                              lag: sum.lag.flatMap { total in lag.map { total + $0 } })
                } else {
                    groups.append(EventGroup(lane: p.lane, name: name, pending: pending, lag: lag))
                }
            }
        }
        return (groups, lengths)
    }
}
