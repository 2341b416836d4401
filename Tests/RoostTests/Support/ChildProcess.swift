import Foundation

/// A child process started with posix_spawn and reaped with waitpid: Foundation's `Process`
/// can hang in `waitUntilExit` on Linux, and tests must never hang.
final class ChildProcess: @unchecked Sendable {
    // Safe: `pid` is immutable; `exitStatus` is only touched under `lock`.
    let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    struct SpawnError: Error, CustomStringConvertible { let description: String }

    /// Starts `executable` with `arguments` and `environment`; stdout and stderr go to `logFile`.
    init(executable: String, arguments: [String], environment: [String: String]? = nil, logFile: URL) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        // The child must not inherit the test thread's blocked or ignored signals, or SIGTERM
        // would not reach it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, env)
        guard rc == 0 else { throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit { kill(signal: SIGKILL); _ = wait(timeout: 5) }

    /// Sends `signal` if the child is still running.
    func kill(signal: Int32 = SIGTERM) {
        if !hasExited { Glibc.kill(pid, signal) }
    }

    /// True once the child has exited (reaps it).
    var hasExited: Bool { poll() != nil }

    /// Waits up to `timeout` seconds for exit; returns the wait status, or nil if still running.
    @discardableResult
    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = poll() { return status }
            usleep(5_000)
        }
        return poll()
    }

    /// The exit code when it exited normally.
    var exitCode: Int32? {
        guard let status = poll() else { return nil }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil
    }

    private func poll() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { exitStatus = status; return status }
        if r < 0 { exitStatus = -1; return -1 }
        return nil
    }
}

extension ChildProcess {
    /// True when this process itself holds a listening TCP socket on `port` (read from /proc: the
    /// socket inodes of its descriptors against the kernel's table of listeners). Tells our own
    /// server from another test's that happens to answer on the same port.
    func isListening(port: Int) -> Bool {
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, fields[3] == "0A",  // LISTEN
                      let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard !inodes.isEmpty, let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return false }
        for fd in descriptors {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
               target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast())) { return true }
        }
        return false
    }
}
