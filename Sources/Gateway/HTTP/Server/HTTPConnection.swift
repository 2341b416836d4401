import Shared

/// Serves one keep-alive connection on its own thread: parse, route, call the handler, answer, repeat.
final class HTTPConnection: @unchecked Sendable {
    // @unchecked Sendable: created by the accept thread and then used only by the connection's own thread.
    private let socket: ConnectionSocket
    private let id: Int
    private let context: HTTPServerContext
    private var parser: HTTPRequestParser
    private var readBuffer = [UInt8](repeating: 0, count: 65_536)

    /// Why serving stops: close quietly, or answer with an error first.
    private enum Stop: Error {
        case close
        case respond(HTTPError)
    }

    /// Wraps an accepted, registered socket.
    init(socket: ConnectionSocket, id: Int, context: HTTPServerContext) {
        self.socket = socket
        self.id = id
        self.context = context
        let c = context.configuration
        self.parser = HTTPRequestParser(bodyLimit: c.defaultBodyLimit,
                                        limits: HTTPParserLimits(maxHeaderBytes: c.maxHeaderBytes, maxHeaderCount: c.maxHeaderCount))
    }

    /// Serves requests until the client, a timeout, an error or shutdown ends the connection.
    func run() {
        defer {
            context.registry.remove(id)
            socket.close()
        }
        while serveOneRequest() {}
    }

    /// Handles one request; true when the connection stays open for the next one.
    private func serveOneRequest() -> Bool {
        var startedAt: MonotonicDeadline? = parser.isIdle ? nil : MonotonicDeadline.now()
        let consumedBefore = parser.consumedByteCount
        var head: HTTPRequestHead?
        var routed: Router.Match?
        do throws(Stop) {
            guard case let .head(h) = try nextEvent(startedAt: &startedAt) else { return false }
            head = h
            let match = context.router.match(method: h.method, path: h.decodedTarget.path)
            routed = match
            if case let .found(route, _) = match, let limit = route.bodyLimit { parser.bodyLimit = limit }
            else { parser.bodyLimit = context.configuration.defaultBodyLimit }
            // Refuse an oversized declared body before reading it, and before inviting it with 100 Continue.
            if let length = h.contentLength, length > parser.bodyLimit { throw .respond(.payloadTooLarge(limit: parser.bodyLimit)) }
            if h.expectsContinue, h.hasBody {
                do { try socket.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), until: writeDeadline()) } catch { throw .close }
            }
            guard case let .end(body) = try nextEvent(startedAt: &startedAt) else { return false }
            let response = respond(to: h, match: match, body: body)
            let keepAlive = h.keepAlive && !context.isShuttingDown
            let written = write(response, method: h.method, keepAlive: keepAlive)
            report(head: h, match: match, status: response.status, bytesIn: parser.consumedByteCount - consumedBefore,
                   bytesOut: written ?? 0, startedAt: startedAt)
            return keepAlive && written != nil
        } catch {
            guard case let .respond(error) = error else { return false }
            let written = write(error.response, method: head?.method ?? "GET", keepAlive: false)
            report(head: head, match: routed, status: error.status, bytesIn: parser.consumedByteCount - consumedBefore,
                   bytesOut: written ?? 0, startedAt: startedAt)
            if written != nil { socket.lingeringClose() }
            return false
        }
    }

    /// Calls the route's handler; HTTPErrors become their responses, anything else a logged 500.
    private func respond(to head: HTTPRequestHead, match: Router.Match, body: [UInt8]) -> HTTPResponse {
        switch match {
        case .notFound: return HTTPError.notFound().response
        case let .methodNotAllowed(allowed): return HTTPError.methodNotAllowed(allowed: allowed).response
        case let .found(route, parameters):
            let request = HTTPRequest(method: head.method, target: head.target, path: head.decodedTarget.path,
                                      query: head.decodedTarget.query, headers: head.headers, body: body,
                                      remoteAddress: socket.remoteAddress, pathParameters: parameters)
            do {
                return try route.handler(request)
            } catch let error as HTTPError {
                return error.response
            } catch {
                context.log.error("handler failed", [("route", .string(route.name)), ("method", .string(head.method)),
                                                     ("path", .string(route.loggedPath(head.decodedTarget.path))), ("error", .string(String(describing: error)))])
                return HTTPError.internal().response
            }
        }
    }

    /// The next parser event, reading as needed: idle waits are silent and end on shutdown; once a request
    /// has begun, the read timeout runs from its first byte.
    private func nextEvent(startedAt: inout MonotonicDeadline?) throws(Stop) -> HTTPParserEvent {
        let c = context.configuration
        while true {
            do {
                if let event = try parser.next() { return event }
            } catch {
                throw .respond(error)
            }
            let idle = startedAt == nil
            let deadline = startedAt.map { MonotonicDeadline(seconds: $0.seconds + c.readTimeout) } ?? MonotonicDeadline.after(c.idleTimeout)
            if idle, context.isShuttingDown { throw .close }
            let outcome: ConnectionSocket.ReadOutcome
            do {
                outcome = try socket.read(into: &readBuffer, until: deadline, wake: idle ? context.wake.readDescriptor : nil)
            } catch {
                context.log.debug("connection read failed", [("remote", .string(socket.remoteAddress)), ("error", .string(error.message))])
                throw .close
            }
            switch outcome {
            case let .bytes(n):
                if startedAt == nil { startedAt = MonotonicDeadline.now() }
                parser.append(readBuffer[0..<n])
            case .endOfStream, .woken: throw .close
            case .timedOut: throw idle ? .close : .respond(.requestTimeout())
            }
        }
    }

    /// Writes head and body; returns the bytes written, or nil when the client went away or stalled.
    private func write(_ response: HTTPResponse, method: String, keepAlive: Bool) -> Int? {
        var bytes = response.wireHead(keepAlive: keepAlive)
        let sendsBody = response.sendsBody(forMethod: method)
        // One send for small responses; large bodies are not copied just to save a syscall.
        if sendsBody, response.body.count <= 65_536 { bytes += response.body }
        do {
            let deadline = writeDeadline()
            try socket.write(bytes, until: deadline)
            if sendsBody, response.body.count > 65_536 {
                try socket.write(response.body, until: deadline)
                return bytes.count + response.body.count
            }
            return bytes.count
        } catch {
            context.log.debug("connection write failed", [("remote", .string(socket.remoteAddress)), ("error", .string(error.message))])
            return nil
        }
    }

    private func writeDeadline() -> MonotonicDeadline { MonotonicDeadline.after(context.configuration.writeTimeout) }

    private func report(head: HTTPRequestHead?, match: Router.Match?, status: Int, bytesIn: Int, bytesOut: Int, startedAt: MonotonicDeadline?) {
        let route: String
        var path = head?.decodedTarget.path ?? ""
        switch match {
        case let .found(r, _)?: route = r.name; path = r.loggedPath(path)
        case .notFound?, .methodNotAllowed?: route = "unmatched"
        case nil: route = head == nil ? "invalid" : "unmatched"
        }
        let duration = startedAt.map { MonotonicDeadline.now().seconds - $0.seconds } ?? 0
        context.record(RequestRecord(route: route, method: head?.method ?? "", path: path,
                                     status: status, bytesIn: bytesIn, bytesOut: bytesOut, duration: duration,
                                     remoteAddress: socket.remoteAddress))
    }
}
