import Foundation

/// A client of a Redis Cluster: one `RedisConnection` per master, each command sent to the master
/// of its key's slot.
///
/// The slot map comes from `CLUSTER SLOTS` on any reachable node (the seeds first, then nodes it
/// has learned). `MOVED` updates the map for that slot, retries there and refreshes the whole map
/// before the next command (a failover moves every slot of a master at once); `ASK` retries once on
/// the named node after `ASKING`, without changing the map (the slot is being migrated).
/// `TRYAGAIN` and `CLUSTERDOWN` are retried briefly, then reported as a connection failure, as is a
/// master that cannot be reached: callers back off and reconnect, as they do for one Redis.
///
/// Like `RedisConnection`, blocking and for one thread at a time.
public final class RedisClusterClient: RedisClient {
    private let endpoint: RedisEndpoint
    private let connectTimeout: Double
    private let ioTimeout: Double
    private var map = RedisClusterMap()
    private var connections: [RedisNodeAddress: RedisConnection] = [:]
    private var mapIsStale = false
    private var closed = false
    /// How many times the slot map was read (the first time included).
    public private(set) var mapRefreshes = 0

    /// Redirections followed for one command before giving up (a healthy cluster needs at most two).
    static let maxRedirections = 5

    /// Connects to a seed node and reads the slot map.
    /// - Parameters:
    ///   - endpoint: a `redis+cluster://` endpoint (its seeds and password).
    ///   - connectTimeout: seconds allowed for each TCP connect.
    ///   - ioTimeout: seconds any single reply may take (must exceed any `BLOCK` used).
    public init(endpoint: RedisEndpoint, connectTimeout: Double = 2, ioTimeout: Double = 10) throws(RedisError) {
        self.endpoint = endpoint
        self.connectTimeout = connectTimeout
        self.ioTimeout = ioTimeout
        try refreshMap()
    }

    deinit { close() }

    /// The master that serves `key` now, per the client's map.
    public func master(of key: String) -> RedisNodeAddress? { map.master(of: RedisKeySlot.of(key)) }

    /// The masters serving at least one slot.
    public var masters: [RedisNodeAddress] { map.servingMasters }

    /// Always true: commands must not span slots.
    public var isCluster: Bool { true }

    /// True until `close()`; a failed node connection is reopened on the next command instead.
    public var isOpen: Bool { !closed }

    /// False when a server closed one of the node connections (a pool then opens a fresh client).
    public var isUsableWhenIdle: Bool { !closed && connections.values.allSatisfy(\.isUsableWhenIdle) }

    /// Closes every node connection; later calls throw.
    public func close() {
        for connection in connections.values { connection.close() }
        connections = [:]
        closed = true
    }

    /// Sends one command to the master of its key's slot (every master for `SCRIPT`, any node when
    /// it has no key), following redirections.
    public func command(_ arguments: [RedisArgument]) throws(RedisError) -> RedisReply {
        guard !closed else { throw .connection("cluster client is closed") }
        if mapIsStale { try refreshMap() }
        switch RedisCommandRoute(arguments) {
        case let .slot(slot):
            return try routed(arguments, slot: slot)
        case .anyNode:
            return try send([arguments], to: try anyNode())[0]
        case .allMasters:
            var first: RedisReply = .null
            for (index, node) in map.servingMasters.enumerated() {
                let reply = try send([arguments], to: node)[0]
                if index == 0 || reply.isError { first = reply }
                if reply.isError { break }
            }
            return first
        }
    }

    /// Sends the commands as one pipeline per master and returns the replies in order; redirected
    /// ones are sent again one by one.
    public func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        guard !closed else { throw .connection("cluster client is closed") }
        if mapIsStale { try refreshMap() }
        // One pipeline per master, in command order within it (commands of one slot keep their order).
        var byNode: [RedisNodeAddress: [Int]] = [:]
        var nodeOrder: [RedisNodeAddress] = []
        var alone: [Int] = []
        for (index, arguments) in commands.enumerated() {
            let node: RedisNodeAddress
            switch RedisCommandRoute(arguments) {
            case let .slot(slot):
                guard let master = map.master(of: slot) else { alone.append(index); continue }
                node = master
            case .anyNode: node = try anyNode()
            case .allMasters: alone.append(index); continue
            }
            if byNode[node] == nil { nodeOrder.append(node) }
            byNode[node, default: []].append(index)
        }
        var replies = [RedisReply](repeating: .null, count: commands.count)
        for node in nodeOrder {
            let indices = byNode[node]!
            for (index, reply) in zip(indices, try send(indices.map { commands[$0] }, to: node)) { replies[index] = reply }
        }
        // Redirected or refused commands were not run: run them again one by one, in order.
        for index in replies.indices where alone.contains(index) || replies[index].needsRerouting {
            replies[index] = try command(commands[index])
        }
        return replies
    }

    /// Sends a command to the master of `slot`, following redirections.
    private func routed(_ arguments: [RedisArgument], slot: Int) throws(RedisError) -> RedisReply {
        var target = try master(ofSlot: slot)
        var asking = false
        var busyRetries = 0
        var redirections = 0
        while true {
            let reply = try send(asking ? [["ASKING"], arguments] : [arguments], to: target).last!
            guard case let .error(message) = reply else { return reply }
            if let redirection = RedisRedirection(message) {
                redirections += 1
                guard redirections <= Self.maxRedirections else { throw .connection("cluster: too many redirections (\(message))") }
                switch redirection {
                case let .moved(movedSlot, address):
                    map.assign(movedSlot...movedSlot, to: address)
                    mapIsStale = true
                    target = address
                    asking = false
                case let .ask(_, address):
                    target = address
                    asking = true
                }
            } else if message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN") {
                // A slot mid-migration, or a cluster electing a new master: wait a little, re-read the map.
                busyRetries += 1
                guard busyRetries <= 5 else { throw .connection("cluster: \(message)") }
                Thread.sleep(forTimeInterval: 0.05 * Double(busyRetries))
                try refreshMap()
                target = try master(ofSlot: slot)
                asking = false
            } else {
                return reply
            }
        }
    }

    /// Sends commands in one round trip to `node`; a connection failure drops the connection and
    /// marks the map stale (the node may have failed over) before it is thrown.
    private func send(_ commands: [[RedisArgument]], to node: RedisNodeAddress) throws(RedisError) -> [RedisReply] {
        do throws(RedisError) {
            return try connection(to: node).pipeline(commands)
        } catch {
            if error.isConnectionFailure {
                connections.removeValue(forKey: node)?.close()
                mapIsStale = true
            }
            throw error
        }
    }

    private func connection(to node: RedisNodeAddress) throws(RedisError) -> RedisConnection {
        if let open = connections[node], open.isOpen { return open }
        let fresh = try RedisConnection(endpoint: endpoint.node(node), connectTimeout: connectTimeout, ioTimeout: ioTimeout)
        connections[node] = fresh
        return fresh
    }

    private func master(ofSlot slot: Int) throws(RedisError) -> RedisNodeAddress {
        if let master = map.master(of: slot) { return master }
        try refreshMap()
        guard let master = map.master(of: slot) else { throw .connection("cluster: no master serves slot \(slot)") }
        return master
    }

    private func anyNode() throws(RedisError) -> RedisNodeAddress {
        if let connected = map.servingMasters.first(where: { connections[$0] != nil }) ?? map.servingMasters.first { return connected }
        throw .connection("cluster: no master known")
    }

    /// Reads the slot map from the first node that answers: known masters first (they know about a
    /// failover soonest), then the seeds. Connections to nodes that no longer serve slots are closed.
    private func refreshMap() throws(RedisError) {
        var candidates: [RedisNodeAddress] = []
        for node in map.servingMasters + endpoint.clusterSeeds where !candidates.contains(node) { candidates.append(node) }
        var lastError = RedisError.connection("cluster: no seed nodes")
        for node in candidates {
            do throws(RedisError) {
                let reply = try send([["CLUSTER", "SLOTS"]], to: node)[0]
                if case let .error(message) = reply { throw RedisError.reply(message) }
                map = try RedisClusterMap(slotsReply: reply, answeredBy: node)
                mapIsStale = false
                mapRefreshes += 1
                let serving = Set(map.servingMasters)
                for (address, connection) in connections where !serving.contains(address) {
                    connection.close()
                    connections[address] = nil
                }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError.isConnectionFailure ? lastError : .connection("cluster: cannot read the slot map: \(lastError.message)")
    }
}

/// A `MOVED` or `ASK` error reply: the slot is served elsewhere (for good, or during a migration).
enum RedisRedirection: Equatable {
    /// The slot now lives on `address`.
    case moved(slot: Int, address: RedisNodeAddress)
    /// Ask `address` for this one command (after `ASKING`).
    case ask(slot: Int, address: RedisNodeAddress)

    /// Parses `MOVED 3999 127.0.0.1:6381` or `ASK 3999 127.0.0.1:6381`.
    init?(_ message: String) {
        let parts = message.split(separator: " ")
        guard parts.count == 3, let slot = Int(parts[1]), (0..<RedisKeySlot.count).contains(slot),
              let address = RedisNodeAddress(parts[2]) else { return nil }
        switch parts[0] {
        case "MOVED": self = .moved(slot: slot, address: address)
        case "ASK": self = .ask(slot: slot, address: address)
        default: return nil
        }
    }
}

private extension RedisReply {
    var isError: Bool { if case .error = self { return true }; return false }

    /// Replies after which the command did not run on this node and must be sent again.
    var needsRerouting: Bool {
        guard case let .error(message) = self else { return false }
        return message.hasPrefix("MOVED ") || message.hasPrefix("ASK ") || message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN")
    }
}
