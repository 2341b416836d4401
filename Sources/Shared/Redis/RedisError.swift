/// The one error type of the Redis layer: connection problems and error replies alike.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// A stable, snake_case identifier.
    public let code: String
    /// What happened, with the server's or hiredis's words.
    public let message: String

    /// True when the connection can no longer be used and must be reopened.
    public var isConnectionFailure: Bool { code == "connection" || code == "protocol" }

    /// True when Redis refused the write because it is at `maxmemory` (the gateway answers 503).
    public var isOutOfMemory: Bool { code == "reply" && message.contains("OOM command not allowed") }

    /// The socket or connection failed (connect, I/O, EOF, timeout).
    public static func connection(_ message: String) -> RedisError { RedisError(code: "connection", message: message) }
    /// The server sent something hiredis could not parse.
    public static func `protocol`(_ message: String) -> RedisError { RedisError(code: "protocol", message: message) }
    /// Redis answered with an error reply.
    public static func reply(_ message: String) -> RedisError { RedisError(code: "reply", message: message) }
    /// A reply did not have the shape the caller expected.
    public static func unexpected(_ message: String) -> RedisError { RedisError(code: "unexpected_reply", message: message) }
    /// The `ROOST_REDIS_URL` value is malformed.
    public static func badURL(_ message: String) -> RedisError { RedisError(code: "bad_url", message: message) }

    /// The queue in Redis holds work laid out for another `ROOST_QUEUE_SHARDS` (see `JobQueue.claimShardCount`).
    public static func shardCountMismatch(_ message: String) -> RedisError { RedisError(code: "shard_count_mismatch", message: message) }
    /// True for `shardCountMismatch`: a configuration error, not worth retrying until it is fixed.
    public var isShardCountMismatch: Bool { code == "shard_count_mismatch" }

    /// Describes the error for logs.
    public var description: String { "redis \(code): \(message)" }
}
