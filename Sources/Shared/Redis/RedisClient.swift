/// What the queue needs from Redis: one server (`RedisConnection`) or a Redis Cluster
/// (`RedisClusterClient`), used the same way. Blocking; use a client from one thread at a time.
public protocol RedisClient: AnyObject {
    /// Sends one command and waits for its reply. Error replies come back as `.error`, not thrown.
    func command(_ arguments: [RedisArgument]) throws(RedisError) -> RedisReply
    /// Sends all commands and reads all replies, in order, in as few round trips as the servers allow.
    func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisReply]
    /// Releases every connection; later calls throw.
    func close()
    /// True until a connection failure or `close()`.
    var isOpen: Bool { get }
    /// For an idle client: false when a server closed a connection, so a pool replaces it before use.
    var isUsableWhenIdle: Bool { get }
    /// True on Redis Cluster, where no command may touch keys of two slots (the queue then splits
    /// reads that span lanes; see `JobQueue.readGroups`).
    var isCluster: Bool { get }
}

extension RedisClient {
    /// Sends one command and throws when Redis answers with an error reply.
    @discardableResult
    public func call(_ arguments: [RedisArgument]) throws(RedisError) -> RedisReply {
        let reply = try command(arguments)
        if case let .error(message) = reply { throw .reply(message) }
        return reply
    }

    /// Sends a command given as strings.
    public func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try command(arguments.map { RedisArgument.text($0) })
    }

    /// Sends a command given as strings, throwing on error replies.
    @discardableResult
    public func call(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try call(arguments.map { RedisArgument.text($0) })
    }
}

/// Opens the client `ROOST_REDIS_URL` describes: one connection, or a cluster client for
/// `redis+cluster://` seed lists.
/// - Parameters:
///   - endpoint: the server or the cluster's seed nodes.
///   - connectTimeout: seconds allowed for each TCP connect.
///   - ioTimeout: seconds any single reply may take (must exceed any `BLOCK` used).
public func openRedisClient(_ endpoint: RedisEndpoint, connectTimeout: Double = 2, ioTimeout: Double = 10) throws(RedisError) -> any RedisClient {
    if endpoint.isCluster {
        return try RedisClusterClient(endpoint: endpoint, connectTimeout: connectTimeout, ioTimeout: ioTimeout)
    }
    return try RedisConnection(endpoint: endpoint, connectTimeout: connectTimeout, ioTimeout: ioTimeout)
}
