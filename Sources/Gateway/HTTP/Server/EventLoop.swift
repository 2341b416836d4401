import Foundation
import Glibc
import Shared

/// The gateway's HTTP event loop: one thread on epoll that accepts, reads, parses and writes for
/// every connection, with non-blocking sockets. Complete requests go to a `HandlerPool` (or run
/// inline for `Router.Lane.inline` routes); answers come back through `post` and are written by
/// the loop. A parked long-poll holds only its connection's entry here.
///
/// Limits: `maxConnections` in all and `maxConnectionsPerClient` per address (beyond: `503`),
/// the read, idle and write timeouts (checked every 50 ms), and `503` with `Retry-After` when the
/// handler pool is saturated, while inline and ops routes are still served.
final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: everything except `inbox`, `shuttingDown` and `forced` is touched only
    // by the loop thread (started once in `start`); those three are guarded by `lock`.
    private let lock = NSLock()
    private var inbox: [(token: UInt64, sequence: UInt64, response: HTTPResponse)] = []
    private var shuttingDown = false
    private var forced = false

    private let context: HTTPServerContext
    private let listener: ListeningSocket
    private let epoll: Epoll
    private let wakeup: LoopWakeup
    private let pool: HandlerPool
    private let opsPool: HandlerPool
    private let connectionLimit: Int
    private let finished = DispatchSemaphore(value: 0)

    private var connections: [UInt64: LoopConnection] = [:]
    private var perClient: [String: Int] = [:]
    private var nextToken: UInt64 = 2
    private var readBuffer = [UInt8](repeating: 0, count: 65_536)
    private var listening = true
    private var acceptPausedUntil = 0.0
    private var lastSweep = 0.0
    /// No connection's deadline is earlier: sweeps before it are skipped.
    private var nextDeadline = 0.0
    private var openCount = 0

    private static let listenerToken: UInt64 = 0
    private static let wakeupToken: UInt64 = 1

    /// Prepares the loop for `listener`; `connectionLimit` is the total cap after the descriptor limit.
    init(context: HTTPServerContext, listener: ListeningSocket, pool: HandlerPool, opsPool: HandlerPool, connectionLimit: Int) throws(SocketError) {
        self.context = context
        self.listener = listener
        self.pool = pool
        self.opsPool = opsPool
        self.connectionLimit = connectionLimit
        epoll = try Epoll()
        wakeup = try LoopWakeup()
        try epoll.add(listener.descriptor, events: Epoll.readable, token: Self.listenerToken)
        try epoll.add(wakeup.descriptor, events: Epoll.readable, token: Self.wakeupToken)
    }

    /// Runs the loop on a thread of its own.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "http-loop"
        thread.start()
    }

    /// Connections open now.
    var openConnections: Int { lock.withLock { openCount } }

    /// Stops accepting, closes idle connections and lets the others finish; the loop ends when
    /// none is left (see `waitUntilFinished`).
    func beginShutdown() {
        lock.withLock { shuttingDown = true }
        wakeup.signal()
    }

    /// Waits up to `deadline` for the loop to end; past it, closes every connection and waits for that.
    /// Returns how many connections were cut.
    func waitUntilFinished(until deadline: MonotonicDeadline) -> Int {
        if finished.wait(timeout: .now() + max(0, deadline.seconds - MonotonicDeadline.now().seconds)) == .success { return 0 }
        let cut = openConnections
        lock.withLock { forced = true }
        wakeup.signal()
        finished.wait()
        return cut
    }

    /// Hands an answer to the loop (from any thread): written when `token`'s connection is still
    /// waiting for request `sequence`, dropped otherwise.
    func post(_ token: UInt64, sequence: UInt64, _ response: HTTPResponse) {
        let first = lock.withLock { () -> Bool in
            inbox.append((token, sequence, response))
            return inbox.count == 1
        }
        if first { wakeup.signal() }
    }

    // MARK: The loop

    private func run() {
        defer { finished.signal() }
        while true {
            epoll.wait(milliseconds: 50) { token, events in
                switch token {
                case Self.listenerToken: acceptAll()
                case Self.wakeupToken: wakeup.drain()
                default: if let connection = connections[token] { handle(connection, events: events) }
                }
            }
            deliverInbox()
            let (stopping, force) = lock.withLock { (shuttingDown, forced) }
            let now = MonotonicDeadline.now().seconds
            if stopping, listening {
                listening = false
                epoll.remove(listener.descriptor)
                listener.close()
            }
            if !stopping, listening, acceptPausedUntil > 0, now >= acceptPausedUntil {
                acceptPausedUntil = 0
                try? epoll.add(listener.descriptor, events: Epoll.readable, token: Self.listenerToken)
            }
            if stopping || (now >= nextDeadline && now - lastSweep >= 0.05) {
                lastSweep = now
                sweep(now: now, stopping: stopping)
            }
            if force { for connection in Array(connections.values) { close(connection) } }
            if stopping, connections.isEmpty { return }
        }
    }

    private func acceptAll() {
        while true {
            let accepted: ConnectionSocket?
            do {
                accepted = try listener.accept()
            } catch {
                // EMFILE and friends: stop watching the listener for a moment instead of spinning on it.
                context.log.error("accept failed", [("error", .string(error.message))])
                epoll.remove(listener.descriptor)
                acceptPausedUntil = MonotonicDeadline.now().seconds + 0.1
                return
            }
            guard let socket = accepted else { return }
            let host = RequestIdentity.host(ofRemoteAddress: socket.remoteAddress)
            let c = context.configuration
            guard connections.count < connectionLimit, perClient[host, default: 0] < c.maxConnectionsPerClient else {
                reject(socket)
                continue
            }
            let token = nextToken
            nextToken += 1
            let parser = HTTPRequestParser(bodyLimit: c.defaultBodyLimit,
                                           limits: HTTPParserLimits(maxHeaderBytes: c.maxHeaderBytes, maxHeaderCount: c.maxHeaderCount))
            let connection = LoopConnection(token: token, socket: socket, host: host, parser: parser, watching: Epoll.readable,
                                            deadline: MonotonicDeadline.now().seconds + c.idleTimeout)
            nextDeadline = min(nextDeadline, connection.deadline)
            do {
                try epoll.add(socket.descriptor, events: Epoll.readable, token: token)
            } catch {
                socket.close()
                continue
            }
            connections[token] = connection
            perClient[host, default: 0] += 1
            lock.withLock { openCount += 1 }
        }
    }

    private func handle(_ connection: LoopConnection, events: UInt32) {
        if events & Epoll.hangUp != 0, connection.phase == .handling || connection.phase == .writing {
            close(connection)   // the client is gone: nobody to answer
            return
        }
        if events & Epoll.writable != 0 { flush(connection) }
        guard connections[connection.token] != nil else { return }
        if events & (Epoll.readable | Epoll.closed) != 0 { readable(connection, events: events) }
    }

    private func readable(_ connection: LoopConnection, events: UInt32) {
        switch connection.phase {
        case .handling, .writing:
            // Only a half-close (EPOLLRDHUP) gets here: answer the request in hand, then close.
            connection.peerHalfClosed = true
            watch(connection, connection.phase == .writing ? Epoll.writable : 0, halfClosed: true)
        case .lingering:
            while true {
                let n = receive(connection)
                if n <= 0 { if n < 0 { return }; close(connection); return }
                connection.discarded += n
                if connection.discarded > 1 << 20 { close(connection); return }
            }
        case .reading:
            for _ in 0..<8 {
                // A body's bytes go straight into the body when nothing else is buffered.
                var room = readBuffer.count
                let direct = connection.parser.receiveBody { body in room = body.count; return receive(connection, into: body) }
                let n = direct ?? receive(connection)
                if n < 0 { break }   // would block
                if n == 0 { close(connection); return }
                if connection.requestStartedAt == nil {
                    connection.requestStartedAt = MonotonicDeadline.now().seconds
                    setDeadline(connection, connection.requestStartedAt! + context.configuration.readTimeout)
                }
                if direct == nil {
                    readBuffer.withUnsafeBytes { connection.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                }
                // Parsed as it arrives, so a body's head is known before its bytes are read.
                process(connection)
                guard connections[connection.token] != nil, connection.phase == .reading else { return }
                if n < room { break }   // the socket had no more
            }
        }
    }

    /// Reads into `readBuffer`: the byte count, 0 at end of stream (or an error, after which the
    /// connection is closed), -1 when nothing is ready.
    private func receive(_ connection: LoopConnection) -> Int {
        readBuffer.withUnsafeMutableBytes { receive(connection, into: $0) }
    }

    /// Reads into `room`, with `receive(_:)`'s results.
    private func receive(_ connection: LoopConnection, into room: UnsafeMutableRawBufferPointer) -> Int {
        let descriptor = connection.socket.descriptor
        let result = recv(descriptor, room.baseAddress, room.count, 0)
        if result >= 0 { return result }
        let code = errno
        if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return -1 }
        context.log.debug("connection read failed", [("remote", .string(connection.socket.remoteAddress)), ("error", .string(String(cString: strerror(code))))])
        close(connection)
        return -1
    }

    /// Parses what is buffered: answers heads that cannot be served, sends `100 Continue`,
    /// and dispatches each complete request.
    private func process(_ connection: LoopConnection) {
        let c = context.configuration
        while connection.phase == .reading {
            let event: HTTPParserEvent?
            do {
                event = try connection.parser.next()
            } catch {
                fail(connection, error)
                return
            }
            guard let event else {
                if !connection.parser.isIdle, connection.requestStartedAt == nil {
                    connection.requestStartedAt = MonotonicDeadline.now().seconds
                    setDeadline(connection, connection.requestStartedAt! + c.readTimeout)
                }
                return
            }
            switch event {
            case let .head(head):
                if connection.requestStartedAt == nil {
                    connection.requestStartedAt = MonotonicDeadline.now().seconds
                    setDeadline(connection, connection.requestStartedAt! + c.readTimeout)
                }
                connection.head = head
                let match = context.router.match(method: head.method, path: head.decodedTarget.path)
                connection.match = match
                if case let .found(route, _) = match, let limit = route.bodyLimit { connection.parser.bodyLimit = limit }
                else { connection.parser.bodyLimit = c.defaultBodyLimit }
                // Refuse an oversized declared body before reading it, and before inviting it with 100 Continue.
                if let length = head.contentLength, length > connection.parser.bodyLimit {
                    fail(connection, .payloadTooLarge(limit: connection.parser.bodyLimit))
                    return
                }
                if head.expectsContinue, head.hasBody {
                    connection.chunks.append(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                    flush(connection)
                }
            case let .end(body):
                dispatch(connection, body: body)
            }
        }
    }

    private func dispatch(_ connection: LoopConnection, body: [UInt8]) {
        guard let head = connection.head, let match = connection.match else { return }
        connection.phase = .handling
        connection.sequence += 1
        watch(connection, 0)
        let token = connection.token, sequence = connection.sequence
        switch match {
        case .notFound: return answer(connection, HTTPError.notFound().response)
        case let .methodNotAllowed(allowed): return answer(connection, HTTPError.methodNotAllowed(allowed: allowed).response)
        case let .found(route, parameters):
            var request = HTTPRequest(method: head.method, target: head.target, path: head.decodedTarget.path,
                                      query: head.decodedTarget.query, headers: head.headers, body: body,
                                      remoteAddress: connection.socket.remoteAddress, pathParameters: parameters)
            let pool = self.pool
            request.responder = DeferredResponder(deliver: { [weak self] response in self?.post(token, sequence: sequence, response) },
                                                  run: { work in pool.submitOwed(work) })
            let context = self.context
            let prepared = request
            switch route.lane {
            case .inline:
                let response = Self.run(route, request, context: context)
                if !response.isParked { answer(connection, response) }
            case .ops, .standard:
                let accepted = (route.lane == .ops ? opsPool : pool).submit { [weak self] in
                    let response = Self.run(route, prepared, context: context)
                    if !response.isParked { self?.post(token, sequence: sequence, response) }
                }
                if !accepted {
                    answer(connection, HTTPError.serviceUnavailable(retryAfter: 1, message: "the server is busy; try again shortly").response)
                }
            }
        }
    }

    /// Runs a handler; any error becomes its response (non-HTTP errors are logged and answered 500).
    private static func run(_ route: Router.Route, _ request: HTTPRequest, context: HTTPServerContext) -> HTTPResponse {
        do {
            return try route.handler(request)
        } catch let error as HTTPError {
            return error.response
        } catch {
            context.log.error("handler failed", [("route", .string(route.name)), ("method", .string(request.method)),
                                                 ("path", .string(route.loggedPath(request.path))), ("error", .string(String(describing: error)))])
            return HTTPError.internal().response
        }
    }

    private func deliverInbox() {
        let answers: [(token: UInt64, sequence: UInt64, response: HTTPResponse)] = lock.withLock {
            defer { inbox.removeAll(keepingCapacity: true) }
            return inbox
        }
        for item in answers {
            guard let connection = connections[item.token], connection.phase == .handling, connection.sequence == item.sequence else { continue }
            answer(connection, item.response)
        }
    }

    /// Starts writing `response` to a connection that was handling a request.
    private func answer(_ connection: LoopConnection, _ response: HTTPResponse) {
        let method = connection.head?.method ?? "GET"
        let keepAlive = (connection.head?.keepAlive ?? false) && !connection.peerHalfClosed && !lock.withLock({ shuttingDown })
        start(connection, response, method: method, keepAlive: keepAlive, then: keepAlive ? .keepAlive : .close)
    }

    /// Answers an error that ends the connection (malformed request, 413, 408): written with
    /// `Connection: close`, then the connection lingers.
    private func fail(_ connection: LoopConnection, _ error: HTTPError) {
        start(connection, error.response, method: connection.head?.method ?? "GET", keepAlive: false, then: .linger)
    }

    private func start(_ connection: LoopConnection, _ response: HTTPResponse, method: String, keepAlive: Bool, then: LoopConnection.AfterWrite) {
        var bytes = response.wireHead(keepAlive: keepAlive)
        let sendsBody = response.sendsBody(forMethod: method)
        // One send for small responses; large bodies are not copied just to save a syscall.
        if sendsBody, response.body.count <= 65_536 { bytes += response.body }
        connection.chunks = [bytes]
        if sendsBody, response.body.count > 65_536 { connection.chunks.append(response.body) }
        connection.chunkOffset = 0
        connection.written = 0
        connection.status = response.status
        connection.afterWrite = then
        connection.phase = .writing
        setDeadline(connection, MonotonicDeadline.now().seconds + context.configuration.writeTimeout)
        flush(connection)
    }

    /// Writes what the socket takes; watches for writability when it takes no more.
    private func flush(_ connection: LoopConnection) {
        let descriptor = connection.socket.descriptor
        while let chunk = connection.chunks.first {
            let offset = connection.chunkOffset
            let result = chunk.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, chunk.count - offset, Int32(MSG_NOSIGNAL)) }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    watch(connection, Epoll.writable, halfClosed: connection.peerHalfClosed)
                    return
                }
                context.log.debug("connection write failed", [("remote", .string(connection.socket.remoteAddress)), ("error", .string(String(cString: strerror(code))))])
                abandonWrite(connection)
                return
            }
            if connection.phase == .writing { connection.written += result }
            connection.chunkOffset += result
            if connection.chunkOffset == chunk.count {
                connection.chunks.removeFirst()
                connection.chunkOffset = 0
            }
        }
        if connection.phase == .reading {   // an interim 100 Continue went out
            watch(connection, Epoll.readable)
            return
        }
        guard connection.phase == .writing else { return }
        report(connection, bytesOut: connection.written)
        switch connection.afterWrite {
        case .close:
            close(connection)
        case .linger:
            _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
            connection.phase = .lingering
            setDeadline(connection, MonotonicDeadline.now().seconds + 1)
            watch(connection, Epoll.readable)
        case .keepAlive:
            connection.phase = .reading
            connection.head = nil
            connection.match = nil
            connection.requestStartedAt = nil
            connection.consumedBefore = connection.parser.consumedByteCount
            setDeadline(connection, MonotonicDeadline.now().seconds + context.configuration.idleTimeout)
            watch(connection, Epoll.readable)
            process(connection)   // pipelined requests already buffered
        }
    }

    /// A response that could not be written (error or write timeout): reported with 0 bytes out, then closed.
    private func abandonWrite(_ connection: LoopConnection) {
        if connection.phase == .writing { report(connection, bytesOut: 0) }
        close(connection)
    }

    /// Sets when `connection`'s phase times out, keeping `nextDeadline` the earliest of all.
    private func setDeadline(_ connection: LoopConnection, _ deadline: Double) {
        connection.deadline = deadline
        nextDeadline = min(nextDeadline, deadline)
    }

    /// Times out what waited too long; while stopping, closes idle connections at once. Runs only
    /// once the earliest deadline has passed (or while stopping), so holding many idle
    /// connections costs nothing between their deadlines.
    private func sweep(now: Double, stopping: Bool) {
        var due: [LoopConnection] = []
        var earliest = Double.infinity
        for connection in connections.values {
            let expired = now >= connection.deadline && connection.phase != .handling
            if expired || (stopping && connection.isIdle) { due.append(connection) } else if connection.phase != .handling {
                earliest = min(earliest, connection.deadline)
            }
        }
        nextDeadline = earliest
        for connection in due {
            switch connection.phase {
            case .reading:
                if connection.requestStartedAt == nil { close(connection) } else { fail(connection, .requestTimeout()) }
            case .writing: abandonWrite(connection)
            case .lingering: close(connection)
            case .handling: break
            }
        }
    }

    private func watch(_ connection: LoopConnection, _ events: UInt32, halfClosed: Bool = false) {
        guard connection.watching != events || halfClosed else { return }
        connection.watching = events
        // After a half-close, level-triggered EPOLLRDHUP would fire again and again: watch without it.
        try? epoll.modify(connection.socket.descriptor, events: events, token: connection.token, halfClose: !halfClosed)
    }

    private func close(_ connection: LoopConnection) {
        guard connections.removeValue(forKey: connection.token) != nil else { return }
        epoll.remove(connection.socket.descriptor)
        connection.socket.close()
        if let count = perClient[connection.host], count > 1 { perClient[connection.host] = count - 1 } else { perClient[connection.host] = nil }
        lock.withLock { openCount -= 1 }
    }

    private func report(_ connection: LoopConnection, bytesOut: Int) {
        let head = connection.head
        var path = head?.decodedTarget.path ?? ""
        let route: String
        switch connection.match {
        case let .found(r, _)?: route = r.name; path = r.loggedPath(path)
        case .notFound?, .methodNotAllowed?: route = "unmatched"
        case nil: route = head == nil ? "invalid" : "unmatched"
        }
        let duration = connection.requestStartedAt.map { MonotonicDeadline.now().seconds - $0 } ?? 0
        context.record(RequestRecord(route: route, method: head?.method ?? "", path: path, status: connection.status,
                                     bytesIn: connection.parser.consumedByteCount - connection.consumedBefore,
                                     bytesOut: bytesOut, duration: duration, remoteAddress: connection.socket.remoteAddress))
    }

    /// Over a connection cap: `503` (best effort, the socket is new so its buffer is empty), then close.
    private func reject(_ socket: ConnectionSocket) {
        let error = HTTPError.serviceUnavailable(retryAfter: 1, message: "too many connections")
        let bytes = error.response.wireHead(keepAlive: false) + error.response.body
        try? socket.write(bytes, until: MonotonicDeadline.after(0.05))
        _ = Glibc.shutdown(socket.descriptor, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = try? socket.read(into: &scratch, until: MonotonicDeadline.now())
        socket.close()
        context.record(RequestRecord(route: "rejected", method: "", path: "", status: 503, bytesIn: 0,
                                     bytesOut: bytes.count, duration: 0, remoteAddress: socket.remoteAddress))
    }
}
