/// The parsed request line and headers, with the framing and connection decisions they imply.
struct HTTPRequestHead: Sendable {
    /// How the body is delimited (RFC 9112 §6.3).
    enum Framing: Sendable, Equatable {
        /// No body.
        case none
        /// Exactly this many bytes.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
    }

    /// The method token.
    let method: String
    /// The request target as sent.
    let target: String
    /// The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    let minorVersion: Int
    /// The decoded path and query.
    let decodedTarget: RequestTarget
    /// All header fields in order.
    let headers: HTTPHeaders
    /// How the body is framed.
    let framing: Framing
    /// Whether the client allows the connection to stay open after this request.
    let keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    let expectsContinue: Bool

    /// The declared body length, when framed by `Content-Length`.
    var contentLength: Int? { if case let .length(n) = framing { return n }; return nil }

    /// Whether a body follows the head.
    var hasBody: Bool {
        switch framing {
        case .none: false
        case let .length(n): n > 0
        case .chunked: true
        }
    }
}

extension HTTPRequestHead {
    /// Builds a head from its lines (without line endings); throws 400/431/501/505 on any violation.
    init(lines: [ArraySlice<UInt8>], maxHeaderCount: Int) throws(HTTPError) {
        guard let requestLine = lines.first else { throw HTTPError.badRequest("empty request head") }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HTTPError.badRequest("malformed request line", code: "invalid_request_line") }
        guard !parts[0].isEmpty, parts[0].allSatisfy(HTTPSyntax.isTokenByte) else {
            throw HTTPError.badRequest("invalid method", code: "invalid_method")
        }
        method = String(decoding: parts[0], as: UTF8.self)
        target = String(decoding: parts[1], as: UTF8.self)
        minorVersion = try HTTPRequestHead.parseVersion(parts[2])
        decodedTarget = try RequestTarget(target)
        if decodedTarget.path == "*", method != "OPTIONS" {
            throw HTTPError.badRequest("'*' is only valid for OPTIONS", code: "invalid_target")
        }

        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            let field = try HTTPSyntax.headerField(line)
            headers.add(name: field.name, value: field.value)
            if headers.all.count > maxHeaderCount { throw HTTPError.headersTooLarge() }
        }
        self.headers = headers
        framing = try HTTPRequestHead.framing(of: headers)
        // RFC 9112 §6.1: an HTTP/1.0 recipient cannot rely on Transfer-Encoding; a proxy in front
        // may frame the body by Content-Length or by closing, so the two could disagree.
        if minorVersion == 0, case .chunked = framing {
            throw HTTPError.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request", code: "invalid_framing")
        }

        let hosts = headers.values("Host")
        if hosts.count > 1 || (minorVersion == 1 && hosts.isEmpty) {
            throw HTTPError.badRequest("HTTP/1.1 requires exactly one Host header", code: "invalid_host")
        }
        if minorVersion == 1 {
            keepAlive = !headers.contains(token: "close", in: "Connection")
            expectsContinue = headers["Expect"].map { HTTPHeaders.sameName($0.trimmingOWS(), "100-continue") } ?? false
        } else {
            keepAlive = headers.contains(token: "keep-alive", in: "Connection") && !headers.contains(token: "close", in: "Connection")
            expectsContinue = false
        }
    }

    private static func parseVersion(_ text: ArraySlice<UInt8>) throws(HTTPError) -> Int {
        let bytes = Array(text)
        guard bytes.count == 8, bytes.starts(with: Array("HTTP/".utf8)), bytes[6] == UInt8(ascii: "."),
              (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7]) else {
            throw HTTPError.badRequest("malformed HTTP version", code: "invalid_version")
        }
        guard bytes[5] == UInt8(ascii: "1"), bytes[7] <= UInt8(ascii: "1") else { throw HTTPError.versionNotSupported() }
        return Int(bytes[7] - 0x30)
    }

    /// Decides body framing; ambiguous framing is refused because it is how request smuggling starts.
    private static func framing(of headers: HTTPHeaders) throws(HTTPError) -> Framing {
        let codings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !codings.isEmpty {
            guard lengths.isEmpty else {
                throw HTTPError.badRequest("both Transfer-Encoding and Content-Length", code: "invalid_framing")
            }
            let tokens = codings.flatMap { $0.split(separator: ",") }.map { $0.trimmingOWS().lowercased() }
            guard tokens.last == "chunked" else {
                throw HTTPError.badRequest("Transfer-Encoding must end with chunked", code: "invalid_framing")
            }
            guard tokens.count == 1 else { throw HTTPError.notImplemented("only the chunked transfer coding is supported") }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        var length: Int?
        for value in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = value.trimmingOWS()
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let n = Int(digits) else {
                throw HTTPError.badRequest("invalid Content-Length", code: "invalid_framing")
            }
            if let earlier = length, earlier != n {
                throw HTTPError.badRequest("conflicting Content-Length values", code: "invalid_framing")
            }
            length = n
        }
        return .length(length!)
    }
}

/// Byte classes and field syntax from RFC 9110 §5.6.
enum HTTPSyntax {
    /// Whether `b` may appear in a token (method, header name).
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// Splits one `name: value` line; obs-fold, whitespace before the colon and control bytes are refused.
    static func headerField(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (name: String, value: String) {
        guard let first = line.first else { throw HTTPError.badRequest("empty header line", code: "invalid_header") }
        if first == 0x20 || first == 0x09 {
            throw HTTPError.badRequest("obsolete line folding is not accepted", code: "invalid_header")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTPError.badRequest("header line without ':'", code: "invalid_header")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw HTTPError.badRequest("invalid header name", code: "invalid_header")
        }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 0x20 || f == 0x09 { value.removeFirst() }
        while let l = value.last, l == 0x20 || l == 0x09 { value.removeLast() }
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
            throw HTTPError.badRequest("control character in header value", code: "invalid_header")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}
