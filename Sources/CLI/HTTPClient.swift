import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response read by `HTTPClient`.
struct HTTPClientResponse: Sendable {
    /// The status code.
    let status: Int
    /// Header fields in order, names as sent.
    let headers: [(String, String)]
    /// The body (Content-Length, chunked, or up to the close).
    let body: [UInt8]

    /// The first value of header `name` (any case).
    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// A failure to talk to the server (connect, send, read, or a malformed response).
struct HTTPClientError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String
}

/// A blocking HTTP/1.1 client over one keep-alive TCP connection, reconnecting when the server
/// closed it. Plain `http://` only (no TLS library is allowed in Roost: put the gateway behind a
/// TLS-terminating proxy on the same network, or import from inside it). One client per thread.
final class HTTPClient {
    /// The server's host name or address.
    let host: String
    /// Its port.
    let port: Int
    /// Seconds a read or write may block.
    let timeout: Double
    private var socket: Int32 = -1
    private var buffer: [UInt8] = []

    /// A client for `http://host:port`; nothing is connected until the first request.
    init(host: String, port: Int, timeout: Double = 90) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    deinit { close() }

    /// Parses `http://host[:port][/]` into host and port (default 80).
    static func endpoint(_ url: String) throws -> (host: String, port: Int) {
        guard url.lowercased().hasPrefix("http://") else {
            throw HTTPClientError(description: "--server must be an http:// URL (got '\(url)'); for TLS, run the importer behind a proxy")
        }
        var rest = String(url.dropFirst(7))
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        if rest.hasPrefix("["), let end = rest.firstIndex(of: "]") {
            let host = String(rest[rest.index(after: rest.startIndex)..<end])
            let after = rest[rest.index(after: end)...]
            return (host, after.hasPrefix(":") ? (Int(after.dropFirst()) ?? 80) : 80)
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard !rest.isEmpty, parts.count <= 2, let port = parts.count == 2 ? Int(parts[1]) : 80, (1...65535).contains(port) else {
            throw HTTPClientError(description: "cannot read host and port from --server '\(url)'")
        }
        return (String(parts[0]), port)
    }

    /// Sends one request and reads its response; a connection the server closed since the last
    /// request is reopened once.
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> HTTPClientResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        let reused = socket >= 0
        do {
            try connectIfNeeded()
            try write(request)
            return try readResponse(isHead: method == "HEAD")
        } catch where reused {
            close()
            try connectIfNeeded()
            try write(request)
            return try readResponse(isHead: method == "HEAD")
        }
    }

    /// Closes the connection (the next request opens a new one).
    func close() {
        if socket >= 0 { Glibc.close(socket) }
        socket = -1
        buffer.removeAll()
    }

    private func connectIfNeeded() throws {
        guard socket < 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPClientError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        var lastError = "no address"
        while let info = entry {
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                    socket = fd
                    return
                }
                lastError = String(cString: strerror(errno))
                Glibc.close(fd)
            }
            entry = info.pointee.ai_next
        }
        throw HTTPClientError(description: "cannot connect to \(host):\(port): \(lastError)")
    }

    private func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw HTTPClientError(description: "send failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }

    /// Reads more bytes into `buffer`; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer += chunk[0..<n]; return true }
            if n == 0 { return false }
            if errno == EINTR { continue }
            throw HTTPClientError(description: errno == EAGAIN ? "timed out waiting for the server" : "read failed: \(String(cString: strerror(errno)))")
        }
    }

    private func readResponse(isHead: Bool) throws -> HTTPClientResponse {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil {
                guard buffer.count < 65_536 else { throw HTTPClientError(description: "response head too large") }
                guard try fill() else { throw HTTPClientError(description: "the server closed the connection") }
            }
        }
        let lines = String(decoding: buffer[0..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(headEnd! + 4)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw HTTPClientError(description: "malformed status line '\(lines[0])'")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let response = { (body: [UInt8]) in HTTPClientResponse(status: status, headers: headers, body: body) }
        let closes = headers.contains { $0.0.lowercased() == "connection" && $0.1.lowercased() == "close" }
        defer { if closes { close() } }
        if isHead || status == 204 || status == 304 || (100..<200).contains(status) { return response([]) }
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            return response(try readChunked())
        }
        if let lengthText = headers.first(where: { $0.0.lowercased() == "content-length" })?.1 {
            guard let length = Int(lengthText), length >= 0 else { throw HTTPClientError(description: "bad Content-Length") }
            while buffer.count < length {
                guard try fill() else { throw HTTPClientError(description: "the server closed the connection mid-body") }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            return response(body)
        }
        while try fill() {}
        defer { close() }
        return response(buffer)
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil {
                guard try fill() else { throw HTTPClientError(description: "the server closed the connection mid-chunk") }
                lineEnd = Self.find([13, 10], in: buffer)
            }
            let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw HTTPClientError(description: "bad chunk size")
            }
            buffer.removeFirst(lineEnd! + 2)
            while buffer.count < size + 2 {
                guard try fill() else { throw HTTPClientError(description: "the server closed the connection mid-chunk") }
            }
            if size == 0 {
                // Trailers are not used by the gateway: expect the final CRLF.
                buffer.removeFirst(2)
                return body
            }
            body += buffer[0..<size]
            buffer.removeFirst(size + 2)
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
