import CHiredis
import Foundation

/// One blocking hiredis connection. Owns its `redisContext`; use it from one thread at a time.
///
/// Every call blocks on the socket, so callers run it on their own threads, never on Swift's
/// cooperative pool. After a connection failure (`RedisError.isConnectionFailure`) the
/// connection is closed and every later call throws: open a new one.
public final class RedisConnection: RedisClient {
    private var context: UnsafeMutablePointer<redisContext>?
    /// Where this connection points.
    public let endpoint: RedisEndpoint

    /// Connects, authenticates and selects the database.
    /// - Parameters:
    ///   - endpoint: the server.
    ///   - connectTimeout: seconds allowed for the TCP connect.
    ///   - ioTimeout: seconds any single reply may take (must exceed any `BLOCK` used).
    public init(endpoint: RedisEndpoint, connectTimeout: Double = 2, ioTimeout: Double = 10) throws(RedisError) {
        self.endpoint = endpoint
        guard let ctx = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), RedisConnection.timeval(connectTimeout)) else {
            throw .connection("cannot allocate a redis context")
        }
        if ctx.pointee.err != 0 {
            let message = RedisConnection.errorString(ctx)
            redisFree(ctx)
            throw .connection("connect to \(endpoint.host):\(endpoint.port): \(message)")
        }
        _ = redisSetTimeout(ctx, RedisConnection.timeval(ioTimeout))
        context = ctx
        if let password = endpoint.password { try checkOK(command(["AUTH", password])) }
        if endpoint.database != 0 { try checkOK(command(["SELECT", String(endpoint.database)])) }
    }

    deinit { close() }

    /// Frees the hiredis context; later calls throw.
    public func close() {
        if let ctx = context { redisFree(ctx) }
        context = nil
    }

    /// True until a connection failure or `close()`.
    public var isOpen: Bool { context != nil }

    /// One server, never a cluster.
    public var isCluster: Bool { false }

    /// For an idle connection (no reply outstanding): false when the server has closed it (after a
    /// Redis restart, say) or left unexpected bytes on it, so a pool can replace it before use
    /// instead of failing a request. One non-blocking `recv(MSG_PEEK)`; nothing is consumed.
    public var isUsableWhenIdle: Bool {
        guard let ctx = context else { return false }
        var byte: UInt8 = 0
        let received = recv(ctx.pointee.fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if received < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }
        return false  // 0: orderly close; > 0: bytes nobody asked for
    }

    /// Sends one command and waits for its reply. Error replies come back as `.error`, not thrown.
    public func command(_ arguments: [RedisArgument]) throws(RedisError) -> RedisReply {
        if arguments.contains(where: Self.isWrittenDirectly) { return try pipeline([arguments])[0] }
        let ctx = try liveContext()
        let raw = RedisConnection.withArgv(arguments) { argc, argv, lengths in
            redisCommandArgv(ctx, argc, argv, lengths)
        }
        guard let raw else { throw failure(ctx) }
        let reply = RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(raw)
        return reply
    }

    /// Sends all commands in one write and reads all replies (pipelining): one round trip.
    public func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let ctx = try liveContext()
        if commands.contains(where: { $0.contains(where: Self.isWrittenDirectly) }) {
            try writeDirectly(commands, to: ctx)
        } else {
            for arguments in commands {
                let status = RedisConnection.withArgv(arguments) { argc, argv, lengths in
                    redisAppendCommandArgv(ctx, argc, argv, lengths)
                }
                guard status == REDIS_OK else { throw failure(ctx) }
            }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(ctx, &raw) == REDIS_OK, let raw else { throw failure(ctx) }
            replies.append(RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    private func liveContext() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let ctx = context else { throw .connection("connection is closed") }
        return ctx
    }

    /// The error funnel: reads hiredis's `err`/`errstr`, closes the broken context, returns the error.
    private func failure(_ ctx: UnsafeMutablePointer<redisContext>) -> RedisError {
        let code = ctx.pointee.err
        let message = RedisConnection.errorString(ctx)
        close()
        return code == REDIS_ERR_PROTOCOL ? .protocol(message) : .connection(message.isEmpty ? "I/O error" : message)
    }

    /// Byte arguments at least this long (uploads) are written to the socket from their own arrays.
    static let directWriteBytes = 32_768

    private static func isWrittenDirectly(_ argument: RedisArgument) -> Bool {
        if case let .bytes(bytes) = argument { return bytes.count >= directWriteBytes }
        return false
    }

    /// Writes `commands` as RESP straight to the socket with `writev`: headers and small arguments
    /// laid out in one buffer, large byte arguments from their own arrays. hiredis would copy a
    /// command twice (formatting, then into its output buffer, grown page by page: two copies and
    /// ~100 page faults per 200 KB upload, 7 % of the gateway's CPU). Only valid while hiredis's
    /// output buffer is empty, which holds between calls: each reads all its replies before it
    /// returns, and a failure closes the context. `redisGetReply` then only reads.
    private func writeDirectly(_ commands: [[RedisArgument]], to ctx: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        var small: [UInt8] = []
        var large: [[UInt8]] = []
        var cuts: [Int] = []   // where in `small` each large argument goes
        for arguments in commands {
            small.append(contentsOf: "*\(arguments.count)\r\n$".utf8)
            for (index, argument) in arguments.enumerated() {
                if index > 0 { small.append(UInt8(ascii: "$")) }
                small.append(contentsOf: String(argument.byteCount).utf8)
                small.append(contentsOf: [13, 10])
                if case let .bytes(bytes) = argument, bytes.count >= Self.directWriteBytes {
                    cuts.append(small.count)
                    large.append(bytes)
                } else {
                    argument.append(to: &small)
                }
                small.append(contentsOf: [13, 10])
            }
        }
        let fd = ctx.pointee.fd
        let failed: String? = small.withUnsafeBytes { head in
            Self.withAddresses(of: large[...], found: []) { addresses in
                var parts: [iovec] = []
                var from = 0
                for (cut, (address, bytes)) in zip(cuts, zip(addresses, large)) {
                    parts.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress! + from), iov_len: cut - from))
                    parts.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: address), iov_len: bytes.count))
                    from = cut
                }
                parts.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress! + from), iov_len: head.count - from))
                return Self.writeAll(fd, &parts)
            }
        }
        if let failed {
            close()
            throw .connection(failed)
        }
    }

    /// `writev` until every part is written (the socket is blocking, with hiredis's send timeout);
    /// nil, or what went wrong.
    private static func writeAll(_ fd: Int32, _ parts: inout [iovec]) -> String? {
        var first = 0
        while first < parts.count {
            if parts[first].iov_len == 0 { first += 1; continue }
            let written = parts[first...].withUnsafeBufferPointer { writev(fd, $0.baseAddress, Int32(min($0.count, 1024)))  /* IOV_MAX on Linux */ }
            if written < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? "write timed out" : "write: \(String(cString: strerror(errno)))"
            }
            var left = written
            while left > 0 {
                let take = min(left, parts[first].iov_len)
                parts[first].iov_base = parts[first].iov_base.advanced(by: take)
                parts[first].iov_len -= take
                left -= take
                if parts[first].iov_len == 0 { first += 1 }
            }
        }
        return nil
    }

    private func checkOK(_ reply: RedisReply) throws(RedisError) {
        if case let .error(message) = reply { throw .reply(message) }
    }

    private static func errorString(_ ctx: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: ctx.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    private static func timeval(_ seconds: Double) -> Glibc.timeval {
        Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
    }

    /// Byte arguments at least this long (image blobs) are handed to hiredis in place instead of
    /// being copied next to the small ones: hiredis copies each command into its output buffer
    /// anyway, and an upload should not sit in memory once more for that.
    static let inPlaceArgumentBytes = 4_096

    /// Passes hiredis the argv/argvlen arrays it wants: small arguments laid out in one buffer,
    /// large byte arguments pointing at their own storage.
    private static func withArgv<R>(_ arguments: [RedisArgument],
                                    _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        var storage: [UInt8] = []
        var lengths: [Int] = []
        lengths.reserveCapacity(arguments.count)
        var large: [(index: Int, bytes: [UInt8])] = []
        for (index, argument) in arguments.enumerated() {
            if case let .bytes(bytes) = argument, bytes.count >= inPlaceArgumentBytes {
                large.append((index, bytes))
            } else {
                argument.append(to: &storage)
            }
            lengths.append(argument.byteCount)
        }
        if storage.isEmpty { storage.append(0) }
        return storage.withUnsafeBufferPointer { buffer in
            withAddresses(of: large.map(\.bytes)[...], found: []) { largeAddresses in
                let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var pointers: [UnsafePointer<CChar>?] = []
                pointers.reserveCapacity(arguments.count)
                var offset = 0
                var nextLarge = 0
                for (index, length) in lengths.enumerated() {
                    if nextLarge < large.count, large[nextLarge].index == index {
                        pointers.append(largeAddresses[nextLarge])
                        nextLarge += 1
                    } else {
                        pointers.append(base + offset)
                        offset += length
                    }
                }
                return pointers.withUnsafeMutableBufferPointer { argv in
                    lengths.withUnsafeBufferPointer { lens in
                        body(Int32(arguments.count), argv.baseAddress!, lens.baseAddress!)
                    }
                }
            }
        }
    }

    /// Calls `body` with the base address of each array, all valid for the duration of the call
    /// (nested `withUnsafeBufferPointer` scopes; there are as many as large arguments, usually one).
    private static func withAddresses<R>(of arrays: ArraySlice<[UInt8]>, found: [UnsafePointer<CChar>],
                                         _ body: ([UnsafePointer<CChar>]) -> R) -> R {
        guard let first = arrays.first else { return body(found) }
        return first.withUnsafeBufferPointer { buffer in
            let address = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            return withAddresses(of: arrays.dropFirst(), found: found + [address], body)
        }
    }
}

/// One argument of a Redis command: text or raw bytes (image blobs travel as bytes, never as String).
public enum RedisArgument: Sendable, ExpressibleByStringLiteral {
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case bytes([UInt8])

    /// Text from a literal.
    public init(stringLiteral value: String) { self = .text(value) }

    var byteCount: Int {
        switch self {
        case let .text(s): return s.utf8.count
        case let .bytes(b): return b.count
        }
    }

    func append(to storage: inout [UInt8]) {
        switch self {
        case let .text(s): storage.append(contentsOf: s.utf8)
        case let .bytes(b): storage.append(contentsOf: b)
        }
    }
}
