/// What the parser produced from the bytes fed so far.
enum HTTPParserEvent: Sendable {
    /// A complete request head; the body (if any) follows.
    case head(HTTPRequestHead)
    /// The end of the current request, with its whole body.
    case end(body: [UInt8])
}

/// Limits the request parser enforces.
struct HTTPParserLimits: Sendable {
    /// Maximum bytes of request line plus headers (and separately of trailers).
    var maxHeaderBytes = 16_384
    /// Maximum number of header fields (and separately of trailer fields).
    var maxHeaderCount = 100
    /// Longest chunk-size line, extensions included.
    var maxChunkLineBytes = 4_096
}

/// An incremental HTTP/1.1 request parser: feed bytes with `append`, take events with `next` until it returns nil.
///
/// It knows nothing of sockets, so every rule is unit-testable. Requests are parsed strictly in order; bytes
/// of a pipelined next request stay buffered until the current one ends. After `.head` the caller may lower or
/// raise `bodyLimit` (per route) before calling `next` again; `Content-Length` is checked against it before any
/// body byte is consumed, chunked bodies while they accumulate.
struct HTTPRequestParser {
    /// The largest body accepted for the current request.
    var bodyLimit: Int
    /// The limits on heads, trailers and chunk lines.
    let limits: HTTPParserLimits

    private var buffer: [UInt8] = []
    private var start = 0
    private var state: State = .head
    /// The body so far; with `Content-Length`, its capacity is reserved when the head is parsed.
    private var body: [UInt8] = []
    /// Where the head scan resumes and where its current line begins, relative to `start`.
    private var scanOffset = 0
    private var lineOffset = 0

    private enum State {
        case head
        case bodyStart(HTTPRequestHead.Framing)
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int, count: Int)
    }

    /// Creates a parser with a default body limit.
    init(bodyLimit: Int, limits: HTTPParserLimits = HTTPParserLimits()) {
        self.bodyLimit = bodyLimit
        self.limits = limits
    }

    /// Bytes consumed by events since the parser was created (for per-request byte counts).
    var consumedByteCount: Int { appendedByteCount - bufferedByteCount }
    private var appendedByteCount = 0

    /// Bytes received but not yet consumed by an event.
    var bufferedByteCount: Int { buffer.count - start }

    /// True between requests with nothing buffered: the connection is idle.
    var isIdle: Bool {
        if case .head = state { return bufferedByteCount == 0 }
        return false
    }

    /// Adds received bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        // Drop consumed bytes once they dominate, so a long keep-alive connection does not grow its buffer.
        if start > 0, start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
        appendedByteCount += bytes.count
    }

    /// Adds received bytes (tests and callers holding an array).
    mutating func append(_ bytes: some Collection<UInt8>) {
        Array(bytes).withUnsafeBytes { append($0) }
    }

    /// Room for receiving the current body's next bytes straight into the body, without passing
    /// through the parser's buffer: the body's unfilled tail while a `Content-Length` body is being
    /// read and nothing else is buffered; nil otherwise (then `append` is the way). `receive` gets
    /// that room and returns how many bytes it wrote into it (≤ 0: none); after it, `next` as usual.
    mutating func receiveBody(_ receive: (UnsafeMutableRawBufferPointer) -> Int) -> Int? {
        guard case let .fixedBody(remaining) = state, bufferedByteCount == 0, remaining > 0 else { return nil }
        // Grown within the capacity reserved at the head (no reallocation), by no more than one
        // receive fills, so only pages about to be written are touched.
        let filled = body.count, room = min(remaining, Self.receiveRoom)
        body.append(contentsOf: repeatElement(0, count: room))
        let n = body.withUnsafeMutableBytes { receive(UnsafeMutableRawBufferPointer(rebasing: $0[filled..<filled + room])) }
        body.removeLast(room - max(0, n))
        guard n > 0 else { return n }
        appendedByteCount += n
        state = .fixedBody(remaining: remaining - n)
        return n
    }

    /// Most bytes one `receiveBody` offers (as much as one read into the event loop's buffer).
    private static let receiveRoom = 1 << 16

    /// The next event, or nil when more bytes are needed; throws the HTTPError to answer with (then close).
    mutating func next() throws(HTTPError) -> HTTPParserEvent? {
        while true {
            switch state {
            case .head:
                guard let end = try findHeadEnd() else { return nil }
                let head = try HTTPRequestHead(lines: headLines(end: end), maxHeaderCount: limits.maxHeaderCount)
                start = end
                scanOffset = 0
                lineOffset = 0
                state = .bodyStart(head.framing)
                return .head(head)

            case let .bodyStart(framing):
                switch framing {
                case .none: return complete()
                case let .length(n):
                    guard n <= bodyLimit else { throw HTTPError.payloadTooLarge(limit: bodyLimit) }
                    body.reserveCapacity(n)
                    state = .fixedBody(remaining: n)
                case .chunked: state = .chunkSize
                }

            case let .fixedBody(remaining):
                let taken = take(upTo: remaining)
                if taken == remaining { return complete() }
                state = .fixedBody(remaining: remaining - taken)
                return nil

            case .chunkSize:
                guard let line = try nextLine(limit: limits.maxChunkLineBytes, tooLong: .badRequest("chunk size line too long", code: "invalid_chunk")) else { return nil }
                let size = try HTTPRequestParser.chunkSize(line)
                if size == 0 {
                    state = .trailers(bytes: 0, count: 0)
                } else {
                    guard size <= bodyLimit - body.count else { throw HTTPError.payloadTooLarge(limit: bodyLimit) }
                    state = .chunkData(remaining: size)
                }

            case let .chunkData(remaining):
                let taken = take(upTo: remaining)
                guard taken == remaining else { state = .chunkData(remaining: remaining - taken); return nil }
                state = .chunkDataEnd

            case .chunkDataEnd:
                // Chunked framing needs CRLF: a proxy that accepts a bare LF where we do not (or
                // the reverse) would split the stream into different requests.
                guard bufferedByteCount >= 1 else { return nil }
                guard buffer[start] == 0x0D else { throw HTTPError.badRequest("chunk data not followed by CRLF", code: "invalid_chunk") }
                guard bufferedByteCount >= 2 else { return nil }
                guard buffer[start + 1] == 0x0A else {
                    throw HTTPError.badRequest("chunk data not followed by CRLF", code: "invalid_chunk")
                }
                start += 2
                state = .chunkSize

            case let .trailers(bytes, count):
                let room = limits.maxHeaderBytes - bytes
                guard let line = try nextLine(limit: room, tooLong: .headersTooLarge()) else { return nil }
                if line.isEmpty { return complete() }
                // Trailers are checked like headers but not kept: nothing in Roost reads them.
                _ = try HTTPSyntax.headerField(line)
                guard count + 1 <= limits.maxHeaderCount else { throw HTTPError.headersTooLarge() }
                state = .trailers(bytes: bytes + line.count + 2, count: count + 1)
            }
        }
    }

    private mutating func complete() -> HTTPParserEvent {
        state = .head
        let finished = body
        body = []
        return .end(body: finished)
    }

    /// Moves up to `count` buffered bytes onto the end of the body; returns how many moved.
    private mutating func take(upTo count: Int) -> Int {
        let n = min(count, bufferedByteCount)
        guard n > 0 else { return 0 }
        let from = start
        buffer.withUnsafeBufferPointer { body.append(contentsOf: UnsafeBufferPointer(rebasing: $0[from..<from + n])) }
        start += n
        return n
    }

    /// Finds the end of the head (index after the empty line's LF), skipping empty lines before the request line.
    private mutating func findHeadEnd() throws(HTTPError) -> Int? {
        var i = start + scanOffset
        while i < buffer.count {
            if buffer[i] == 0x0A {
                let lineStart = start + lineOffset
                let length = i - lineStart
                if length == 0 || (length == 1 && buffer[lineStart] == 0x0D) {
                    if lineOffset == 0 {
                        // RFC 9112 §2.2: ignore empty lines received before the request line.
                        start = i + 1
                        scanOffset = 0
                        lineOffset = 0
                        i = start
                        continue
                    }
                    guard i + 1 - start <= limits.maxHeaderBytes else { throw HTTPError.headersTooLarge() }
                    return i + 1
                }
                lineOffset = i + 1 - start
            }
            i += 1
        }
        scanOffset = i - start
        guard bufferedByteCount <= limits.maxHeaderBytes else { throw HTTPError.headersTooLarge() }
        return nil
    }

    /// The head's lines without their CRLF or bare LF; a stray CR anywhere else is refused.
    private func headLines(end: Int) throws(HTTPError) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = start
        for i in start..<end where buffer[i] == 0x0A {
            var line = buffer[lineStart..<i]
            if line.last == 0x0D { line = line.dropLast() }
            if line.contains(0x0D) { throw HTTPError.badRequest("bare CR in request head", code: "invalid_header") }
            if !line.isEmpty { lines.append(line) }
            lineStart = i + 1
        }
        return lines
    }

    /// Consumes one line of chunked framing (without its CRLF) if a whole one is buffered; a line
    /// ended by a bare LF, or holding a CR, is refused.
    private mutating func nextLine(limit: Int, tooLong: HTTPError) throws(HTTPError) -> ArraySlice<UInt8>? {
        guard let lf = buffer[start...].firstIndex(of: 0x0A) else {
            if bufferedByteCount > limit { throw tooLong }
            return nil
        }
        guard lf - start <= limit else { throw tooLong }
        var line = buffer[start..<lf]
        guard line.last == 0x0D else { throw HTTPError.badRequest("chunked framing line not ended by CRLF", code: "invalid_chunk") }
        line = line.dropLast()
        if line.contains(0x0D) { throw HTTPError.badRequest("bare CR in chunked framing", code: "invalid_chunk") }
        start = lf + 1
        return line
    }

    /// Parses `1a3f;ext=1` into its size; extensions are ignored, oversize hex is refused.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = PercentDecoding.hexValue(line[index]) {
            guard size <= (Int.max - Int(digit)) >> 4 else {
                throw HTTPError.badRequest("chunk size too large", code: "invalid_chunk")
            }
            size = size << 4 | Int(digit)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw HTTPError.badRequest("missing chunk size", code: "invalid_chunk") }
        var rest = line[index...]
        while let f = rest.first, f == 0x20 || f == 0x09 { rest.removeFirst() }
        guard rest.isEmpty || rest.first == UInt8(ascii: ";") else {
            throw HTTPError.badRequest("invalid chunk size line", code: "invalid_chunk")
        }
        return size
    }
}
