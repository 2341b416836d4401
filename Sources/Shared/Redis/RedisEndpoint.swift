/// Where Redis is: parsed from `redis://[:password@]host[:port][/db]` (`ROOST_REDIS_URL`).
public struct RedisEndpoint: Sendable, Equatable {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Password for `AUTH`, if any.
    public var password: String?
    /// Database number for `SELECT`.
    public var database: Int

    /// Creates an endpoint; the default is a local Redis on 6379.
    public init(host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` URL.
    public init(url: String) throws(RedisError) {
        guard url.hasPrefix("redis://") else { throw .badURL("\(url) does not start with redis://") }
        var rest = Substring(url.dropFirst("redis://".count))
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
    public var redacted: String { "redis://\(password == nil ? "" : ":***@")\(host):\(port)/\(database)" }
}

private extension String {
    var removingPercentEncodingIfPossible: String { removingPercentEncoding ?? self }
}

import Foundation
