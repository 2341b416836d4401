import Foundation
import Glibc
import Shared
@testable import Gateway

/// A response read off a raw socket by `RawHTTPClient`.
struct RawHTTPResponse {
    /// The status code.
    let status: Int
    /// Header fields.
    let headers: HTTPHeaders
    /// The body (read by Content-Length).
    let body: [UInt8]
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A failure in the raw test client.
struct RawHTTPClientError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String
}

/// A bare `socket()` client, so tests see exactly the bytes the server sends (no client library smoothing them).
final class RawHTTPClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; throws when the connection is refused.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            let code = errno
            Glibc.close(fd)
            throw RawHTTPClientError(description: "connect: \(code)")
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends `text` in one write.
    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends `bytes` in one write.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPClientError(description: "send failed: \(errno)") }
            offset += n
        }
    }

    /// Reads one response (interim 1xx responses included) within `timeout` seconds.
    func readResponse(timeout: Double = 5, isHead: Bool = false) throws -> RawHTTPResponse {
        let deadline = MonotonicDeadline.after(timeout)
        while true {
            if let end = headEnd() {
                let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                let statusParts = lines[0].split(separator: " ")
                guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
                    throw RawHTTPClientError(description: "bad status line \(lines[0])")
                }
                var headers = HTTPHeaders()
                for line in lines.dropFirst() {
                    let pair = line.split(separator: ":", maxSplits: 1)
                    headers.add(name: String(pair[0]), value: pair.count > 1 ? pair[1].trimmingOWS() : "")
                }
                let length = (status < 200 || isHead) ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
                while buffer.count < end + length {
                    guard try fill(until: deadline) else { throw RawHTTPClientError(description: "closed mid-body") }
                }
                let body = Array(buffer[end..<end + length])
                buffer.removeSubrange(0..<end + length)
                return RawHTTPResponse(status: status, headers: headers, body: body)
            }
            guard try fill(until: deadline) else { throw RawHTTPClientError(description: "closed before a response") }
        }
    }

    /// Waits for the server to close the connection; true when it did within `timeout` seconds.
    func waitForClose(timeout: Double) -> Bool {
        let deadline = MonotonicDeadline.after(timeout)
        while true {
            do { guard try fill(until: deadline) else { return true } } catch { return false }
        }
    }

    /// Reads more bytes; false on end of stream; throws on timeout.
    private func fill(until deadline: MonotonicDeadline) throws -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, deadline.remainingMilliseconds)
        guard ready > 0 else { throw RawHTTPClientError(description: "timed out waiting for the server") }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false } // 0: orderly close; <0: reset, which for these tests also means closed
        buffer += chunk[0..<n]
        return true
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
            return i + 4
        }
        return nil
    }
}

/// A server on an ephemeral loopback port for one test; `stop` (or deinit) shuts it down.
final class TestHTTPServer {
    /// The running server.
    let server: HTTPServer
    /// Its port.
    let port: Int
    /// Records received through `onRequest`.
    let records = HTTPRecordBox()

    /// Starts `router` on 127.0.0.1 with `configure` applied to a test configuration.
    init(router: Router, configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.shutdownGrace = 5
        configure(&configuration)
        let records = self.records
        server = HTTPServer(configuration: configuration, router: router, log: Log(component: "http-test", minimumLevel: .warning),
                            onRequest: { records.append($0) })
        try server.start()
        port = server.boundPort
    }

    deinit { server.shutdown() }
}

/// A thread-safe list of request records that tests can wait on.
final class HTTPRecordBox: @unchecked Sendable {
    // @unchecked Sendable: `items` is only touched under `condition`.
    private let condition = NSCondition()
    private var items: [RequestRecord] = []
    /// Adds one.
    func append(_ record: RequestRecord) { condition.withLock { items.append(record); condition.broadcast() } }
    /// Waits until at least `count` records arrived or `timeout` seconds passed; returns the records.
    func wait(forCount count: Int, timeout: Double = 5) -> [RequestRecord] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while items.count < count, condition.wait(until: deadline) {}
        return items
    }
}
