/// A Redis Cluster node's address, as `CLUSTER SLOTS` and redirections name it.
public struct RedisNodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int

    /// Names a node.
    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// Parses `host:port` (the last colon separates them, so IPv6 hosts work).
    public init?(_ text: some StringProtocol) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// `host:port`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Which master serves each of the 16,384 slots, read from `CLUSTER SLOTS`.
public struct RedisClusterMap: Sendable {
    /// The masters, in the order `CLUSTER SLOTS` first named them.
    public private(set) var masters: [RedisNodeAddress] = []
    /// Index into `masters` per slot; -1 where no master serves the slot.
    private var owners = [Int16](repeating: -1, count: RedisKeySlot.count)

    /// An empty map (every slot unknown).
    public init() {}

    /// Parses a `CLUSTER SLOTS` reply: `[[start, end, [host, port, id, …], replica…], …]`. An empty
    /// host means "the node you asked", `answeredBy`.
    public init(slotsReply reply: RedisReply, answeredBy: RedisNodeAddress) throws(RedisError) {
        guard let ranges = reply.array, !ranges.isEmpty else { throw .unexpected("CLUSTER SLOTS returned \(reply)") }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int,
                  0 <= start, start <= end, end < RedisKeySlot.count,
                  let master = parts[2].array, master.count >= 2, let port = master[1].int else {
                throw .unexpected("CLUSTER SLOTS entry \(range)")
            }
            let host = master[0].text ?? ""
            let address = RedisNodeAddress(host: host.isEmpty || host == "?" ? answeredBy.host : host, port: port)
            assign(start...end, to: address)
        }
    }

    /// The master serving `slot`, if known.
    public func master(of slot: Int) -> RedisNodeAddress? {
        let owner = owners[slot]
        return owner < 0 ? nil : masters[Int(owner)]
    }

    /// The masters serving at least one slot (a `MOVED` may leave a former master in `masters`).
    public private(set) var servingMasters: [RedisNodeAddress] = []

    /// True when every slot has a master.
    public var coversAllSlots: Bool { !owners.contains(-1) }

    /// Records that `slots` are served by `address` (from `CLUSTER SLOTS`, or a `MOVED` reply).
    public mutating func assign(_ slots: ClosedRange<Int>, to address: RedisNodeAddress) {
        let index: Int
        if let known = masters.firstIndex(of: address) {
            index = known
        } else {
            index = masters.count
            masters.append(address)
        }
        for slot in slots { owners[slot] = Int16(index) }
        let used = Set(owners.filter { $0 >= 0 })
        servingMasters = masters.indices.filter { used.contains(Int16($0)) }.map { masters[$0] }
    }
}
