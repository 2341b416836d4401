import Foundation
import Glibc
import Shared

/// The gateway's HTTP/1.1 server: an epoll event loop (`EventLoop`) for every connection's I/O,
/// a pool of handler threads for the routes' blocking work, and a small second pool for the ops
/// routes so that `/metrics` answers while the main pool is saturated.
///
/// ```swift
/// let server = HTTPServer(configuration: HTTPServerConfiguration(host: "0.0.0.0", port: 8080),
///                         router: router, log: Log(component: "gateway"))
/// try server.start()
/// // ...
/// server.shutdown()   // stops accepting, finishes in-flight requests (up to the grace period)
/// ```
/// Idle keep-alive connections and parked long-polls cost a few hundred bytes each, not a thread.
final class HTTPServer: @unchecked Sendable {
    // @unchecked Sendable: `loop`, `listener` and the pools are set in `start` and read in
    // `boundPort` and `shutdown`, all under `lock`.
    private let lock = NSLock()
    private let configuration: HTTPServerConfiguration
    /// The routes it serves.
    let router: Router
    private let log: Log
    private let onRequest: (@Sendable (RequestRecord) -> Void)?
    private var context: HTTPServerContext?
    private var listener: ListeningSocket?
    private var loop: EventLoop?
    private var pools: [HandlerPool] = []
    private var stopped = false

    /// Threads of the ops routes' pool.
    static let opsThreads = 2

    /// Creates a server; nothing listens until `start`.
    init(configuration: HTTPServerConfiguration, router: Router, log: Log,
         onRequest: (@Sendable (RequestRecord) -> Void)? = nil) {
        self.configuration = configuration
        self.router = router
        self.log = log
        self.onRequest = onRequest
    }

    /// The port actually bound (useful with port 0); 0 before `start`.
    var boundPort: Int { lock.withLock { listener?.port ?? 0 } }

    /// Connections open now.
    var openConnections: Int { lock.withLock { loop?.openConnections ?? 0 } }

    /// Binds, raises the descriptor limit to its hard limit, and starts the loop and the pools.
    func start() throws {
        // A peer closing mid-write must be an error return, not a process-killing signal.
        signal(SIGPIPE, SIG_IGN)
        try lock.withLock {
            precondition(listener == nil, "HTTPServer.start called twice")
            let c = configuration
            let descriptors = Self.raiseDescriptorLimit()
            let connectionLimit = min(c.maxConnections, max(16, descriptors - 256))
            let context = HTTPServerContext(configuration: c, router: router, log: log, onRequest: onRequest)
            let socket = try ListeningSocket(host: c.host, port: c.port, backlog: c.listenBacklog)
            let pool = HandlerPool(name: "http-handler", threads: c.handlerThreads, queueLimit: c.handlerQueue, stackSize: c.threadStackSize)
            let opsPool = HandlerPool(name: "http-ops", threads: Self.opsThreads, queueLimit: 64, stackSize: c.threadStackSize)
            let loop = try EventLoop(context: context, listener: socket, pool: pool, opsPool: opsPool, connectionLimit: connectionLimit)
            self.context = context
            listener = socket
            self.loop = loop
            pools = [pool, opsPool]
            loop.start()
            if connectionLimit < c.maxConnections {
                log.warning("connection limit lowered to fit the descriptor limit", [("max_connections", .int(connectionLimit)),
                                                                                    ("descriptors", .int(descriptors))])
            }
            log.info("http server listening", [("host", .string(c.host)), ("port", .int(socket.port)),
                                               ("max_connections", .int(connectionLimit)), ("handler_threads", .int(c.handlerThreads))])
        }
    }

    /// Stops accepting, closes idle connections, lets in-flight requests finish (with
    /// `Connection: close`) for up to `shutdownGrace` seconds, then closes what is left.
    func shutdown() {
        // Claim the shutdown under the lock, but wait outside it so `boundPort` stays answerable meanwhile.
        let claimed: (EventLoop, HTTPServerContext, [HandlerPool])? = lock.withLock {
            guard let loop, let context, !stopped else { return nil }
            stopped = true
            return (loop, context, pools)
        }
        guard let (loop, context, pools) = claimed else { return }
        let deadline = MonotonicDeadline.after(configuration.shutdownGrace)
        context.beginShutdown()
        loop.beginShutdown()
        let cut = loop.waitUntilFinished(until: deadline)
        if cut > 0 { context.log.warning("shutdown grace expired; closing connections", [("connections", .int(cut))]) }
        for pool in pools { pool.shutdown(until: MonotonicDeadline.after(1)) }
        context.log.info("http server stopped")
    }

    /// Raises the soft limit on open descriptors to the hard limit; returns the limit in force.
    private static func raiseDescriptorLimit() -> Int {
        var limits = rlimit()
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limits) == 0 else { return 1024 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(resource, &raised) == 0 { limits = raised }
        }
        return limits.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limits.rlim_cur)
    }
}
