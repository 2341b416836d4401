import Shared

extension HTTPServerConfiguration {
    /// Reads the server settings from `ROOST_HTTP_*` variables, each defaulting to the value in `init()`:
    /// `ROOST_HTTP_HOST` (0.0.0.0), `ROOST_HTTP_PORT` (8080), `ROOST_HTTP_MAX_CONNECTIONS` (16384),
    /// `ROOST_HTTP_MAX_CONNECTIONS_PER_CLIENT` (1024), `ROOST_HTTP_HANDLER_THREADS` (64), `ROOST_HTTP_HANDLER_QUEUE` (512),
    /// `ROOST_HTTP_MAX_HEADER_BYTES` (16384), `ROOST_HTTP_MAX_HEADER_COUNT` (100), `ROOST_HTTP_MAX_BODY_BYTES` (1048576),
    /// `ROOST_HTTP_READ_TIMEOUT` (30 s), `ROOST_HTTP_IDLE_TIMEOUT` (60 s), `ROOST_HTTP_WRITE_TIMEOUT` (30 s),
    /// `ROOST_HTTP_SHUTDOWN_GRACE` (30 s), `ROOST_ACCESS_LOG` (all). A malformed value stops start-up with a clear message.
    init(environment: Environment) {
        self.init()
        host = environment.string("ROOST_HTTP_HOST", default: host)
        port = environment.int("ROOST_HTTP_PORT", default: port, range: 0...65_535)
        maxConnections = environment.int("ROOST_HTTP_MAX_CONNECTIONS", default: maxConnections, range: 1...1_000_000)
        maxConnectionsPerClient = environment.int("ROOST_HTTP_MAX_CONNECTIONS_PER_CLIENT", default: maxConnectionsPerClient, range: 1...1_000_000)
        handlerThreads = environment.int("ROOST_HTTP_HANDLER_THREADS", default: handlerThreads, range: 1...4_096)
        handlerQueue = environment.int("ROOST_HTTP_HANDLER_QUEUE", default: handlerQueue, range: 0...1_000_000)
        maxHeaderBytes = environment.int("ROOST_HTTP_MAX_HEADER_BYTES", default: maxHeaderBytes, range: 1_024...1 << 20)
        maxHeaderCount = environment.int("ROOST_HTTP_MAX_HEADER_COUNT", default: maxHeaderCount, range: 8...10_000)
        defaultBodyLimit = environment.int("ROOST_HTTP_MAX_BODY_BYTES", default: defaultBodyLimit, range: 0...Int(Int32.max))
        readTimeout = environment.seconds("ROOST_HTTP_READ_TIMEOUT", default: readTimeout)
        idleTimeout = environment.seconds("ROOST_HTTP_IDLE_TIMEOUT", default: idleTimeout)
        writeTimeout = environment.seconds("ROOST_HTTP_WRITE_TIMEOUT", default: writeTimeout)
        shutdownGrace = environment.seconds("ROOST_HTTP_SHUTDOWN_GRACE", default: shutdownGrace)
        let log = environment.string("ROOST_ACCESS_LOG", default: accessLog.rawValue)
        guard let mode = AccessLog(rawValue: log) else { Environment.fatal("ROOST_ACCESS_LOG must be all, errors or off, not '\(log)'") }
        accessLog = mode
    }
}
