import Foundation
import Glibc

/// A bound, listening TCP socket (IPv4 or IPv6 by the form of `host`).
final class ListeningSocket: @unchecked Sendable {
    // @unchecked Sendable: only the accept thread accepts; `close` may come from the thread calling
    // `shutdown` after the accept thread has exited, and is guarded by `lock`.
    private let lock = NSLock()
    private var closed = false
    /// The descriptor (valid until `close`).
    let descriptor: Int32
    /// The port actually bound (useful when 0 was asked for).
    let port: Int

    /// Binds `host:port` with `SO_REUSEADDR` and listens; half-opened sockets are closed on failure.
    /// The socket is non-blocking: a connection that poll announced but the client reset before
    /// `accept` makes `accept` return nil instead of blocking the accept loop (and shutdown) until
    /// the next client comes.
    init(host: String, port: Int, backlog: Int32) throws(SocketError) {
        var address = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        let numericHost = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, numericHost, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeBytes(of: v4) { raw in withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        } else if inet_pton(AF_INET6, numericHost, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeBytes(of: v6) { raw in withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            throw SocketError(errno: EINVAL, call: "inet_pton(\(host))")
        }

        guard case let .done(fd) = try systemCall("socket", { socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0) }) else {
            throw SocketError(errno: EAGAIN, call: "socket")
        }
        do {
            var one: Int32 = 1
            _ = try systemCall("setsockopt") { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
            _ = try systemCall("bind") { withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } }
            _ = try systemCall("listen") { listen(fd, backlog) }
            var bound = sockaddr_storage()
            var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = try systemCall("getsockname") {
                withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) } }
            }
            self.port = SocketAddress.describe(bound).port
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.descriptor = fd
    }

    deinit { close() }

    /// Accepts one pending connection; nil when none is pending (the listener is polled first).
    func accept() throws(SocketError) -> ConnectionSocket? {
        var peer = sockaddr_storage()
        var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try systemCall("accept") {
            withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(descriptor, $0, &peerLength) }
            }
        }
        guard case let .done(fd) = result else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let (host, port) = SocketAddress.describe(peer)
        return ConnectionSocket(descriptor: fd, remoteAddress: "\(host):\(port)")
    }

    /// Closes the listener; new connection attempts are refused from here on.
    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            _ = Glibc.close(descriptor)
        }
    }
}

/// Socket address formatting.
enum SocketAddress {
    /// The numeric host and port of an IPv4 or IPv6 address.
    static func describe(_ storage: sockaddr_storage) -> (host: String, port: Int) {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                    return (SocketAddress.string(text), Int(UInt16(bigEndian: sin.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                    return (SocketAddress.string(text), Int(UInt16(bigEndian: sin6.pointee.sin6_port)))
                }
            }
        default:
            return ("unknown", 0)
        }
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
