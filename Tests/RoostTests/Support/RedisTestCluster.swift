import Foundation
@testable import Shared

/// A real Redis Cluster for a test: six `redis-server`s in cluster mode on free loopback ports,
/// joined by `redis-cli --cluster create … --cluster-replicas 1` into three masters with one
/// replica each. Every server is stopped when the cluster is deinitialised, even after a failure.
final class RedisTestCluster: @unchecked Sendable {
    // Safe: `nodes` is set once in init; RedisServer is thread-safe.
    let nodes: [RedisServer]

    /// `redis+cluster://` with every node as a seed, for `ROOST_REDIS_URL`.
    var url: String { "redis+cluster://" + nodes.map { "127.0.0.1:\($0.port)" }.joined(separator: ",") }
    /// The endpoint `url` names.
    var endpoint: RedisEndpoint { get throws { try RedisEndpoint(url: url) } }

    /// Starts the servers and creates the cluster; returns once every node sees all 16,384 slots
    /// served and the cluster state `ok`.
    /// - Parameter nodeTimeoutMillis: `cluster-node-timeout`: how long a silent master has before
    ///   its replica takes over (small, so a failover test is quick).
    init(nodeTimeoutMillis: Int = 1000) throws {
        var started: [RedisServer] = []
        for _ in 0..<6 {
            started.append(try RedisServer(extraArguments: try Self.nodeArguments(nodeTimeoutMillis: nodeTimeoutMillis)))
        }
        nodes = started
        let log = started[0].directory.appendingPathComponent("cluster-create.log")
        let create = try ChildProcess(executable: try Self.redisCLI(),
                                      arguments: ["--cluster", "create"] + started.map { "127.0.0.1:\($0.port)" }
                                          + ["--cluster-replicas", "1", "--cluster-yes"],
                                      logFile: log)
        guard let status = create.wait(timeout: 60), status == 0 else {
            create.kill(signal: SIGKILL)
            throw RedisServer.StartError(description: "redis-cli --cluster create failed: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        guard waitUntil(timeout: 30, interval: 0.05, { self.isHealthy(among: self.nodes) }) else {
            throw RedisServer.StartError(description: "the cluster did not become ready: \(clusterInfo(nodes[0]))")
        }
    }

    deinit { nodes.forEach { $0.stop() } }

    /// `redis-server` arguments for a cluster node. The bus port is chosen too: by default it is
    /// the port + 10,000, past 65,535 for many free ports (the server would not start). Replicas
    /// sync at once (Redis waits 5 s by default), since a replica that never synced refuses to take
    /// over from its master.
    static func nodeArguments(nodeTimeoutMillis: Int = 1000) throws -> [String] {
        ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(nodeTimeoutMillis),
         "--cluster-port", String(try FreePort.find()), "--repl-diskless-sync-delay", "0"]
    }

    /// The server listening on `address`'s port.
    func node(at address: RedisNodeAddress) -> RedisServer? { nodes.first { $0.port == address.port } }

    /// True when every running node reports `cluster_state:ok` with all slots served, every
    /// running replica has synced with its master, and the running nodes agree on who serves each
    /// slot's range (so a failover is complete everywhere).
    func isHealthy(among servers: [RedisServer]? = nil) -> Bool {
        let running = (servers ?? nodes).filter(\.isRunning)
        var maps: Set<String> = []
        for node in running {
            let info = clusterInfo(node)
            let replication = (try? node.connect().call(["INFO", "replication"]).text) ?? ""
            guard info.contains("cluster_state:ok"), info.contains("cluster_slots_ok:16384"),
                  replication.contains("role:master") || replication.contains("master_link_status:up"),
                  let slots = try? node.connect().call(["CLUSTER", "SLOTS"]).array else { return false }
            // Each range as `start-end@master port`: the nodes agree when these are the same.
            maps.insert(slots.compactMap { range -> String? in
                guard let parts = range.array, parts.count >= 3, let master = parts[2].array, master.count >= 2 else { return nil }
                return "\(parts[0].int ?? -1)-\(parts[1].int ?? -1)@\(master[1].int ?? -1)"
            }.sorted().joined(separator: ";"))
        }
        return maps.count == 1
    }

    /// True when a running node's `CLUSTER SLOTS` still names a master on `port`.
    func mapNames(port: Int) -> Bool {
        nodes.filter(\.isRunning).contains { node in
            ((try? node.connect().call(["CLUSTER", "SLOTS"]).array) ?? []).contains { range in
                range.array.map { $0.count >= 3 && $0[2].array?[1].int == port } ?? false
            }
        }
    }

    /// `CLUSTER NODES` of the first running node, for failure messages.
    func nodesText() -> String {
        nodes.first(where: \.isRunning).flatMap { try? $0.connect().call(["CLUSTER", "NODES"]).text } ?? "(no node)"
    }

    private func clusterInfo(_ node: RedisServer) -> String {
        (try? node.connect().call(["CLUSTER", "INFO"]).text) ?? ""
    }

    private static func redisCLI() throws -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin"
        for dir in paths.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/redis-cli") {
            return "\(dir)/redis-cli"
        }
        throw RedisServer.StartError(description: "redis-cli not found on PATH: run `make deps` (apt-get install redis-tools)")
    }
}
