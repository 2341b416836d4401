import Foundation
import Glibc
import Shared

/// Roost's HTTP/1.1 server: POSIX sockets, one accept thread and one thread per connection.
///
/// Handlers are synchronous and may block for seconds (Redis, SQLite, long-polls), so they run on
/// connection threads of their own, never on Swift's cooperative pool; `maxConnections` bounds the threads.
/// ```swift
/// let server = HTTPServer(configuration: HTTPServerConfiguration(host: "0.0.0.0", port: 8080),
///                         router: router, log: Log(component: "gateway"))
/// try server.start()
/// // on SIGTERM:
/// server.shutdown()
/// ```
final class HTTPServer: @unchecked Sendable {
    // @unchecked Sendable: `context` and `listener` are set in `start` and read in `boundPort` and `shutdown`,
    // all under `lock`; the accept thread gets its own references when it is created.
    private let lock = NSLock()
    private let configuration: HTTPServerConfiguration
    /// The routes it serves.
    let router: Router
    private let log: Log
    private let onRequest: (@Sendable (RequestRecord) -> Void)?
    private var context: HTTPServerContext?
    private var listener: ListeningSocket?
    private let acceptFinished = DispatchSemaphore(value: 0)
    private var stopped = false

    /// Creates a server; nothing is bound until `start`. `onRequest` is called once per answered request.
    /// - Parameters:
    ///   - configuration: address, limits and timeouts.
    ///   - router: the routes; more may be added later.
    ///   - log: receives one access line per request and handler failures.
    ///   - onRequest: receives a record per request (for metrics).
    init(configuration: HTTPServerConfiguration, router: Router, log: Log,
         onRequest: (@Sendable (RequestRecord) -> Void)? = nil) {
        self.configuration = configuration
        self.router = router
        self.log = log
        self.onRequest = onRequest
    }

    /// The port the listener is bound to (the real one when the configuration asked for 0); 0 before `start`.
    var boundPort: Int { lock.withLock { listener?.port ?? 0 } }

    /// Binds, listens and starts the accept thread.
    func start() throws {
        // A peer closing mid-write must be an error return, not a process-killing signal.
        signal(SIGPIPE, SIG_IGN)
        try lock.withLock {
            precondition(listener == nil, "HTTPServer.start called twice")
            let c = configuration
            let context = try HTTPServerContext(configuration: c, router: router, log: log, onRequest: onRequest)
            let socket = try ListeningSocket(host: c.host, port: c.port, backlog: c.listenBacklog)
            self.context = context
            listener = socket
            let thread = Thread { [context, acceptFinished] in
                HTTPServer.acceptLoop(socket, context: context)
                acceptFinished.signal()
            }
            thread.name = "http-accept"
            thread.start()
            context.log.info("http server listening", [("host", .string(c.host)), ("port", .int(socket.port))])
        }
    }

    /// Stops gracefully, in this order: stop accepting and close the listener (new connections are refused);
    /// close idle keep-alive connections; let in-flight requests finish within `shutdownGrace`, their responses
    /// marked `Connection: close`; then cut whatever is still open and return.
    func shutdown() {
        // Claim the shutdown under the lock, but wait outside it so `boundPort` stays answerable meanwhile.
        let claimed: (ListeningSocket, HTTPServerContext)? = lock.withLock {
            guard let listener, let context, !stopped else { return nil }
            stopped = true
            return (listener, context)
        }
        guard let (listener, context) = claimed else { return }
        let deadline = MonotonicDeadline.after(configuration.shutdownGrace)
        context.beginShutdown()
        acceptFinished.wait()
        listener.close()
        if !context.registry.waitUntilEmpty(until: deadline) {
            let cut = context.registry.shutdownAll()
            context.log.warning("shutdown grace expired; closing connections", [("connections", .int(cut))])
        }
        context.log.info("http server stopped")
    }

    /// Accepts until shutdown; each connection gets a thread, or a 503 when the cap is reached.
    private static func acceptLoop(_ listener: ListeningSocket, context: HTTPServerContext) {
        let c = context.configuration
        while true {
            var fds = [pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: context.wake.readDescriptor, events: Int16(POLLIN), revents: 0)]
            let polled: SyscallResult<Int32>
            do {
                polled = try systemCall("poll") { poll(&fds, 2, -1) }
            } catch {
                context.log.error("poll failed", [("error", .string(error.message))])
                _ = poll(nil, 0, 100)
                continue
            }
            if fds[1].revents != 0 { return }
            guard case .done = polled, fds[0].revents != 0 else { continue }
            let accepted: ConnectionSocket?
            do {
                accepted = try listener.accept()
            } catch {
                // EMFILE and friends: log, back off briefly so a full descriptor table does not spin the loop.
                context.log.error("accept failed", [("error", .string(error.message))])
                _ = poll(nil, 0, 100)
                continue
            }
            guard let socket = accepted else { continue }
            guard let id = context.registry.register(socket, limit: c.maxConnections) else {
                reject(socket, context: context)
                continue
            }
            let connection = HTTPConnection(socket: socket, id: id, context: context)
            let thread = Thread { connection.run() }
            thread.stackSize = c.threadStackSize
            thread.name = "http-connection"
            thread.start()
        }
    }

    /// Answers a connection over the cap with 503 and closes it, without giving it a thread.
    private static func reject(_ socket: ConnectionSocket, context: HTTPServerContext) {
        let error = HTTPError.serviceUnavailable(retryAfter: 1, message: "too many connections")
        let bytes = error.response.wireHead(keepAlive: false) + error.response.body
        // The socket is new, so its send buffer is empty and this short write cannot block for long.
        try? socket.write(bytes, until: MonotonicDeadline.after(0.05))
        _ = Glibc.shutdown(socket.descriptor, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = try? socket.read(into: &scratch, until: MonotonicDeadline.now())
        socket.close()
        context.record(RequestRecord(route: "rejected", method: "", path: "", status: 503, bytesIn: 0,
                                     bytesOut: bytes.count, duration: 0, remoteAddress: socket.remoteAddress))
    }
}
