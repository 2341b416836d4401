/// Where Redis is: parsed from `redis://[:password@]host[:port][/db]`, or for Redis Cluster
/// `redis+cluster://[:password@]host1:port,host2:port,…` (seed nodes; `ROOST_REDIS_URL`).
public struct RedisEndpoint: Sendable, Equatable {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Password for `AUTH`, if any.
    public var password: String?
    /// Database number for `SELECT`.
    public var database: Int
    /// Redis Cluster seed nodes (any reachable one yields the slot map); empty for one server.
    public var clusterSeeds: [RedisNodeAddress] = []

    /// True for a `redis+cluster://` endpoint.
    public var isCluster: Bool { !clusterSeeds.isEmpty }

    /// Creates an endpoint; the default is a local Redis on 6379.
    public init(host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `redis+cluster://` URL.
    public init(url: String) throws(RedisError) {
        let clusterScheme = "redis+cluster://"
        let isCluster = url.hasPrefix(clusterScheme)
        guard url.hasPrefix("redis://") || isCluster else { throw .badURL("\(url) does not start with redis:// or redis+cluster://") }
        var rest = Substring(url.dropFirst(isCluster ? clusterScheme.count : "redis://".count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let secret = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init) ?? ""
            password = secret.isEmpty ? nil : secret.removingPercentEncodingIfPossible
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !db.isEmpty {
                guard let n = Int(db), n >= 0 else { throw .badURL("database '\(db)' is not a number") }
                database = n
            }
        }
        if isCluster {
            guard database == 0 else { throw .badURL("Redis Cluster has only database 0: \(url)") }
            var seeds: [RedisNodeAddress] = []
            for seed in rest.split(separator: ",", omittingEmptySubsequences: true) {
                let text = seed.trimmingCharacters(in: .whitespaces)
                // IPv6 seeds need brackets: `[::1]:7000`.
                let hasPort = text.hasPrefix("[") ? text.contains("]:") : text.contains(":")
                guard let address = RedisNodeAddress(hasPort ? text : "\(text):6379") else { throw .badURL("bad seed node '\(seed)' in \(url)") }
                seeds.append(address)
            }
            guard let first = seeds.first else { throw .badURL("no seed nodes in \(url)") }
            self.init(host: first.host, port: first.port, password: password, database: 0)
            clusterSeeds = seeds
            return
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { throw .badURL("bad port in \(url)") }
            port = p
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .badURL("no host in \(url)") }
        self.init(host: host, port: port, password: password, database: database)
    }

    /// The URL form, with the password hidden, for logs.
    public var redacted: String {
        let secret = password == nil ? "" : ":***@"
        if isCluster { return "redis+cluster://\(secret)" + clusterSeeds.map(\.description).joined(separator: ",") }
        return "redis://\(secret)\(host):\(port)/\(database)"
    }

    /// The endpoint of one cluster node, with this endpoint's password.
    public func node(_ address: RedisNodeAddress) -> RedisEndpoint {
        RedisEndpoint(host: address.host, port: address.port, password: password, database: 0)
    }
}

private extension String {
    var removingPercentEncodingIfPossible: String { removingPercentEncoding ?? self }
}

import Foundation
