import Foundation
@testable import Shared

/// A private `redis-server` on a free loopback port, started for a test and stopped after it.
/// Fails loudly (throws) when the server cannot start: tests never pass without their Redis.
final class RedisServer: @unchecked Sendable {
    // Safe: all properties are set once in init and only read afterwards; `process` is only
    // terminated from `stop()`, which is idempotent under `lock`.
    let port: Int
    let directory: URL
    private let process: ChildProcess
    private let lock = NSLock()
    private var stopped = false

    /// The endpoint to connect to.
    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: port) }
    /// `redis://127.0.0.1:<port>` for child processes.
    var url: String { "redis://127.0.0.1:\(port)" }

    struct StartError: Error, CustomStringConvertible { let description: String }

    /// Starts a server on a free port (`preferredPort` first, when given: another process may hold
    /// it, and the server then moves to a free one).
    init(extraArguments: [String] = [], preferredPort: Int? = nil) throws {
        guard let binary = RedisServer.findBinary() else {
            throw StartError(description: "redis-server not found on PATH: run `make deps` (apt-get install redis-server)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lastError = ""
        for attempt in 0..<5 {
            // The first try may be told which port to use (tests of this very race); retries never are.
            let candidate = attempt == 0 && preferredPort != nil ? preferredPort! : try FreePort.find()
            let log = directory.appendingPathComponent("redis-\(candidate).log")
            let process = try ChildProcess(executable: binary,
                arguments: ["--port", String(candidate), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                            "--dir", directory.path, "--protected-mode", "yes"] + extraArguments,
                logFile: log)
            if RedisServer.waitForPing(port: candidate, process: process) {
                self.port = candidate
                self.process = process
                return
            }
            process.kill(signal: SIGKILL)
            process.wait(timeout: 5)
            lastError = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw StartError(description: "redis-server did not start: \(lastError)")
    }

    deinit { stop() }

    /// Stops the server and removes its directory.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        process.kill(signal: SIGTERM)
        if process.wait(timeout: 5) == nil { process.kill(signal: SIGKILL); process.wait(timeout: 5) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Kills the server with SIGKILL (a crash: nothing saved, no goodbye to its clients or its
    /// cluster) and waits for it to exit; `stop()` still removes its directory.
    func crash() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        process.kill(signal: SIGKILL)
        process.wait(timeout: 10)
    }

    /// True while the server process runs.
    var isRunning: Bool { !process.hasExited }

    /// A new connection to this server.
    func connect() throws -> RedisConnection { try RedisConnection(endpoint: endpoint) }

    /// Waits until *our* server answers on `port`. A PONG alone is not enough: when two tests
    /// race for one free port, the loser's server exits on `EADDRINUSE` while the winner's answers
    /// its PING, and the two tests would share one Redis. The answering server must report our
    /// child's process id.
    static func waitForPing(port: Int, process: ChildProcess) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !process.hasExited {
            if let connection = try? RedisConnection(endpoint: RedisEndpoint(port: port), connectTimeout: 0.2, ioTimeout: 1),
               let info = (try? connection.command(["INFO", "server"]))?.text {
                return serverProcessID(info) == Int(process.pid) && !process.hasExited
            }
            usleep(20_000)
        }
        return false
    }

    /// `process_id` from an `INFO server` reply.
    static func serverProcessID(_ info: String) -> Int? {
        for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("process_id:") {
            return Int(line.dropFirst("process_id:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func findBinary() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin:/usr/sbin"
        for dir in paths.split(separator: ":") {
            let candidate = "\(dir)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Finds a free TCP port on loopback by binding port 0.
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisServer.StartError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw RedisServer.StartError(description: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Waits for a condition with a deadline instead of sleeping a fixed time.
func waitUntil(timeout: Double = 10, interval: Double = 0.01, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        if try condition() { return true }
        usleep(useconds_t(interval * 1_000_000))
    } while Date() < deadline
    return try condition()
}
