import Glibc

/// What the multipart parser found in the bytes fed so far.
enum MultipartEvent: Sendable {
    /// A part's headers ended; its body follows as `bodyChunk`s.
    case partBegin(headers: HTTPHeaders, name: String, filename: String?, contentType: String?)
    /// Some bytes of the current part's body: a slice of what was fed, not a copy.
    case bodyChunk(ArraySlice<UInt8>)
    /// The current part ended.
    case partEnd
}

/// Limits on a multipart body.
struct MultipartLimits: Sendable {
    /// The most parts accepted.
    var maxParts = 64
    /// The most header bytes in one part.
    var maxPartHeaderBytes = 8_192
}

/// A streaming `multipart/form-data` parser (RFC 7578, RFC 2046 §5.1), fed bytes in pieces of any size.
///
/// The delimiter is searched as `LF--boundary` and a CR before it is dropped, so CRLF and bare-LF bodies both
/// parse. Body bytes that might begin a delimiter are held back until the next `feed` settles it, so a boundary
/// split at any position is still found and `CRLF--` not followed by the boundary stays body data.
///
/// A whole body fed as one array is parsed in place: the parser shares the array's storage and body chunks
/// are slices of it, so a 10 MiB upload is not copied on its way through (only leftovers between pieces are).
struct MultipartParser {
    /// The limits in force.
    let limits: MultipartLimits
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = []
    private var start = 0
    private var state: State = .preamble
    private var partCount = 0
    /// True until the first bytes are settled: a body may begin with `--boundary` and no LF before it.
    private var atBodyStart = true

    private enum State {
        case preamble
        case afterDelimiter
        case headers(bytes: Int, fields: HTTPHeaders)
        case body
        case epilogue
    }

    /// Creates a parser for `boundary` (without the leading `--`).
    init(boundary: String, limits: MultipartLimits = MultipartLimits()) {
        self.limits = limits
        self.delimiter = Array("\n--\(boundary)".utf8)
    }

    /// Consumes `bytes` and returns the events they complete; throws 400 on a malformed body.
    /// With nothing left over from earlier pieces, the array's storage is shared, not copied.
    mutating func feed(_ bytes: [UInt8]) throws(HTTPError) -> [MultipartEvent] {
        if start >= buffer.count {
            buffer = bytes
            start = 0
        } else {
            compactAndAppend(bytes)
        }
        return try events()
    }

    /// Consumes `bytes` and returns the events they complete; throws 400 on a malformed body.
    mutating func feed(_ bytes: some Collection<UInt8>) throws(HTTPError) -> [MultipartEvent] {
        compactAndAppend(bytes)
        return try events()
    }

    private mutating func compactAndAppend(_ bytes: some Collection<UInt8>) {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    private mutating func events() throws(HTTPError) -> [MultipartEvent] {
        var events: [MultipartEvent] = []
        while try step(&events) {}
        return events
    }

    /// Checks that the closing boundary arrived; call after the last `feed`.
    func finish() throws(HTTPError) {
        switch state {
        case .epilogue: return
        case .preamble: throw MultipartParser.malformed("no boundary found")
        default: throw MultipartParser.malformed("closing boundary missing")
        }
    }

    /// Advances one state; false when more bytes are needed.
    private mutating func step(_ events: inout [MultipartEvent]) throws(HTTPError) -> Bool {
        switch state {
        case .preamble where atBodyStart:
            // The body may open with `--boundary` itself: the delimiter without its leading LF.
            let opening = delimiter[1...]
            let available = min(buffer.count - start, opening.count)
            guard buffer[start..<start + available].elementsEqual(opening.prefix(available)) else {
                atBodyStart = false
                return true
            }
            guard available == opening.count else { return false }
            start += opening.count
            atBodyStart = false
            state = .afterDelimiter
            return true

        case .preamble, .body:
            let inBody: Bool
            if case .body = state { inBody = true } else { inBody = false }
            if let at = findDelimiter() {
                var dataEnd = at
                if dataEnd > start, buffer[dataEnd - 1] == 0x0D { dataEnd -= 1 }
                if inBody {
                    if dataEnd > start { events.append(.bodyChunk(buffer[start..<dataEnd])) }
                    events.append(.partEnd)
                }
                start = at + delimiter.count
                state = .afterDelimiter
                return true
            }
            // Keep the bytes that could still start a delimiter, and the CR that may precede it.
            let safeEnd = max(start, buffer.count - delimiter.count)
            if inBody, safeEnd > start { events.append(.bodyChunk(buffer[start..<safeEnd])) }
            start = safeEnd
            return false

        case .afterDelimiter:
            guard start < buffer.count else { return false }
            switch buffer[start] {
            case UInt8(ascii: "-"):
                guard start + 1 < buffer.count else { return false }
                guard buffer[start + 1] == UInt8(ascii: "-") else { throw MultipartParser.malformed("invalid text after boundary") }
                start = buffer.count
                state = .epilogue
            case 0x20, 0x09:
                start += 1 // transport padding (RFC 2046 §5.1.1)
            case 0x0D:
                guard start + 1 < buffer.count else { return false }
                guard buffer[start + 1] == 0x0A else { throw MultipartParser.malformed("invalid text after boundary") }
                start += 2
                state = .headers(bytes: 0, fields: HTTPHeaders())
            case 0x0A:
                start += 1
                state = .headers(bytes: 0, fields: HTTPHeaders())
            default:
                throw MultipartParser.malformed("invalid text after boundary")
            }
            return true

        case let .headers(bytes, fields):
            guard let lf = buffer[start...].firstIndex(of: 0x0A) else {
                if bytes + buffer.count - start > limits.maxPartHeaderBytes { throw MultipartParser.headersTooLarge(limits) }
                return false
            }
            let used = bytes + lf + 1 - start
            guard used <= limits.maxPartHeaderBytes else { throw MultipartParser.headersTooLarge(limits) }
            var line = buffer[start..<lf]
            if line.last == 0x0D { line = line.dropLast() }
            start = lf + 1
            if line.isEmpty {
                events.append(try beginPart(fields))
                state = .body
            } else {
                var fields = fields
                guard let field = try? HTTPSyntax.headerField(line) else { throw MultipartParser.malformed("invalid part header") }
                fields.add(name: field.name, value: field.value)
                state = .headers(bytes: used, fields: fields)
            }
            return true

        case .epilogue:
            start = buffer.count
            return false
        }
    }

    private mutating func beginPart(_ headers: HTTPHeaders) throws(HTTPError) -> MultipartEvent {
        partCount += 1
        guard partCount <= limits.maxParts else { throw MultipartParser.malformed("more than \(limits.maxParts) parts") }
        guard let disposition = headers["Content-Disposition"].map(HeaderParameters.init), disposition.value == "form-data" else {
            throw MultipartParser.malformed("part without Content-Disposition: form-data")
        }
        guard let name = disposition["name"] else { throw MultipartParser.malformed("part without a name") }
        var filename = disposition["filename"]
        // RFC 5987 form, which some clients send for non-ASCII names.
        if let extended = disposition["filename*"], extended.lowercased().hasPrefix("utf-8''"),
           let decoded = PercentDecoding.decode(extended.dropFirst(7), plusAsSpace: false) {
            filename = decoded
        }
        let contentType = headers["Content-Type"].flatMap { $0.isEmpty ? nil : $0 }
        return .partBegin(headers: headers, name: name, filename: filename, contentType: contentType)
    }

    /// The index of the next full delimiter at or after `start`, or nil.
    private func findDelimiter() -> Int? {
        let needle = delimiter
        return buffer.withUnsafeBufferPointer { hay -> Int? in
            guard let base = hay.baseAddress else { return nil }
            var i = start
            let last = hay.count - needle.count
            while i <= last {
                guard let hit = memchr(base + i, 0x0A, last - i + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if needle.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return at }
                i = at + 1
            }
            return nil
        }
    }

    /// The 400 every malformed body gets.
    static func malformed(_ detail: String) -> HTTPError {
        HTTPError.badRequest("malformed multipart body: \(detail)", code: "invalid_multipart")
    }

    private static func headersTooLarge(_ limits: MultipartLimits) -> HTTPError {
        malformed("part headers exceed \(limits.maxPartHeaderBytes) bytes")
    }
}

extension MultipartParser {
    /// The boundary named by a `multipart/form-data` Content-Type (quoted or not); 415 for another media type,
    /// 400 when the boundary is missing or invalid.
    static func boundary(fromContentType contentType: String) throws(HTTPError) -> String {
        let parsed = HeaderParameters(contentType)
        guard parsed.value == "multipart/form-data" else {
            throw HTTPError.unsupportedMediaType("expected multipart/form-data, got \(parsed.value.isEmpty ? "nothing" : parsed.value)")
        }
        guard let boundary = parsed["boundary"], !boundary.isEmpty else {
            throw malformed("Content-Type has no boundary parameter")
        }
        guard boundary.utf8.count <= 70, boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw malformed("invalid boundary parameter")
        }
        return boundary
    }
}
