/// One client connection as the event loop sees it. Touched only by the loop's thread.
///
/// A connection is *reading* (bytes go to its parser; idle between requests), *handling* (a
/// complete request is with a handler or parked; nothing is read meanwhile, which is the
/// back-pressure on pipelining clients), *writing* (the response drains as the socket accepts
/// it), or *lingering* (an error was answered with `Connection: close`; what the client still
/// sends is read and dropped for a moment, so the answer is not lost to a reset).
final class LoopConnection {
    /// See the type's description.
    enum Phase {
        case reading, handling, writing, lingering
    }

    /// What follows a completely written response.
    enum AfterWrite {
        /// Back to reading (keep-alive).
        case keepAlive
        /// Close at once.
        case close
        /// Half-close and linger (after an error answer).
        case linger
    }

    /// The connection's epoll token.
    let token: UInt64
    /// The socket (closed by the loop).
    let socket: ConnectionSocket
    /// The client's address without the port, for the per-client cap.
    let host: String
    /// The request parser, which buffers unread pipelined bytes.
    var parser: HTTPRequestParser
    /// Where the connection is.
    var phase = Phase.reading
    /// The epoll events watched now.
    var watching: UInt32
    /// When the current phase times out (monotonic seconds).
    var deadline: Double
    /// When the current request's first byte arrived; nil while idle.
    var requestStartedAt: Double?
    /// `parser.consumedByteCount` when the current request began.
    var consumedBefore = 0
    /// The current request's head, once parsed.
    var head: HTTPRequestHead?
    /// The current request's route.
    var match: Router.Match?
    /// Bytes waiting to be written, in order; `chunkOffset` into the first.
    var chunks: [[UInt8]] = []
    /// Bytes of `chunks[0]` already written.
    var chunkOffset = 0
    /// Bytes of the current response written.
    var written = 0
    /// The status being written.
    var status = 0
    /// What follows the response.
    var afterWrite = AfterWrite.keepAlive
    /// Counts dispatched requests, so a late answer for an earlier request is recognised and dropped.
    var sequence: UInt64 = 0
    /// Bytes dropped while lingering.
    var discarded = 0
    /// The client shut its sending side: answer the request in hand, then close.
    var peerHalfClosed = false

    /// A new connection, idle until `deadline`.
    init(token: UInt64, socket: ConnectionSocket, host: String, parser: HTTPRequestParser, watching: UInt32, deadline: Double) {
        self.token = token
        self.socket = socket
        self.host = host
        self.parser = parser
        self.watching = watching
        self.deadline = deadline
    }

    /// Whether the connection waits for a request with nothing buffered and nothing to write.
    var isIdle: Bool { phase == .reading && requestStartedAt == nil && parser.isIdle && chunks.isEmpty }
}
