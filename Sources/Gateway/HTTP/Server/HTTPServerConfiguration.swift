/// Settings of the HTTP server; times are in seconds. `main` fills it from `ROOST_*` variables.
struct HTTPServerConfiguration: Sendable {
    /// The address to bind (`0.0.0.0`, `127.0.0.1`, `::`).
    var host = "0.0.0.0"
    /// The port to bind; 0 picks a free one (see `HTTPServer.boundPort`).
    var port = 8080
    /// Connections open at once (idle keep-alive ones and parked long-polls included); one more is
    /// answered `503` and closed. Also bounded by the process's descriptor limit, which the server
    /// raises to its hard limit at start.
    var maxConnections = 16_384
    /// Connections open at once from one client address; one more is answered `503` and closed.
    var maxConnectionsPerClient = 1_024
    /// Threads that run route handlers (blocking work: Redis, SQLite, synchronous waits). When all
    /// are busy and `handlerQueue` requests wait, new requests get `503` with `Retry-After`.
    var handlerThreads = 64
    /// Requests that may wait for a handler thread.
    var handlerQueue = 512
    /// Maximum bytes of a request head (request line and headers).
    var maxHeaderBytes = 16_384
    /// Maximum number of header fields.
    var maxHeaderCount = 100
    /// Body limit for routes that do not set their own.
    var defaultBodyLimit = 1 << 20
    /// Time allowed for a whole request (head and body) once its first byte arrived; then `408` and close.
    var readTimeout = 30.0
    /// Time a keep-alive connection may sit idle between requests; then it is closed silently.
    var idleTimeout = 60.0
    /// Time allowed for writing one response.
    var writeTimeout = 30.0
    /// Time `shutdown` waits for in-flight requests before closing their connections.
    var shutdownGrace = 30.0
    /// Stack size of each handler thread.
    var threadStackSize = 1 << 20
    /// Which requests get an access-log line (`ROOST_ACCESS_LOG`).
    var accessLog = AccessLog.all
    /// The kernel's queue of connections not yet accepted.
    var listenBacklog: Int32 = 511

    /// Creates a configuration with the defaults above.
    init() {}

    /// Creates a configuration bound to `host:port` with the other defaults.
    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// Which requests are written to the access log (metrics count every request either way).
enum AccessLog: String, Sendable {
    /// Every request.
    case all
    /// Answers with status 400 or above, and requests that took a second or more.
    case errors
    /// None.
    case off

    /// Whether `record` gets a line.
    func logs(_ record: RequestRecord) -> Bool {
        switch self {
        case .all: true
        case .errors: record.status >= 400 || record.duration >= 1
        case .off: false
        }
    }
}

/// What the server reports about each answered request (the lead feeds metrics from it).
struct RequestRecord: Sendable {
    /// The matched route's name, or a placeholder (`unmatched`, `invalid`) when none matched.
    let route: String
    /// The request method (empty when the request line could not be parsed).
    let method: String
    /// The decoded path (empty when unknown).
    let path: String
    /// The status sent.
    let status: Int
    /// Bytes of the request consumed (head and body).
    let bytesIn: Int
    /// Bytes of the response written (0 when the client went away or stalled before it was all written).
    let bytesOut: Int
    /// Seconds from the request's first byte to the end of the response.
    let duration: Double
    /// The peer, `host:port`.
    let remoteAddress: String
}
