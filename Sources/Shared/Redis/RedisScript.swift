import Foundation

/// A Lua script run with `EVALSHA`, loaded on first use and reloaded if Redis forgot it.
public struct RedisScript: Sendable {
    /// A short name for logs.
    public let name: String
    /// The Lua source.
    public let source: String

    /// Creates a script.
    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}

/// SHA-1 digests returned by `SCRIPT LOAD`, shared by all connections of the process.
final class ScriptDigests: @unchecked Sendable {
    // Safe: every access to `digests` holds `lock`.
    private let lock = NSLock()
    private var digests: [String: String] = [:]
    static let shared = ScriptDigests()

    subscript(source: String) -> String? {
        get { lock.lock(); defer { lock.unlock() }; return digests[source] }
        set { lock.lock(); defer { lock.unlock() }; digests[source] = newValue }
    }
}

extension RedisClient {
    /// The `EVALSHA` command for `script`, loading it first if this process has not yet.
    public func evalCommand(_ script: RedisScript, keys: [String], arguments: [RedisArgument]) throws(RedisError) -> [RedisArgument] {
        let sha = try digest(of: script)
        var command: [RedisArgument] = ["EVALSHA", .text(sha), .text(String(keys.count))]
        command.append(contentsOf: keys.map { .text($0) })
        command.append(contentsOf: arguments)
        return command
    }

    /// Runs `script` and returns its reply; a `NOSCRIPT` (Redis restarted) reloads and retries once.
    public func eval(_ script: RedisScript, keys: [String], arguments: [RedisArgument]) throws(RedisError) -> RedisReply {
        let reply = try command(evalCommand(script, keys: keys, arguments: arguments))
        if case let .error(message) = reply {
            if message.hasPrefix("NOSCRIPT") {
                ScriptDigests.shared[script.source] = nil
                return try call(evalCommand(script, keys: keys, arguments: arguments))
            }
            throw .reply("\(script.name): \(message)")
        }
        return reply
    }

    /// Runs several script calls, then `commands`, in one round trip; the replies come in that
    /// order. `NOSCRIPT` replies are re-run one by one.
    public func evalPipeline(_ calls: [(RedisScript, [String], [RedisArgument])],
                             then commands: [[RedisArgument]] = []) throws(RedisError) -> [RedisReply] {
        var all: [[RedisArgument]] = []
        for (script, keys, arguments) in calls { all.append(try evalCommand(script, keys: keys, arguments: arguments)) }
        var replies = try pipeline(all + commands)
        for (i, reply) in replies.prefix(calls.count).enumerated() {
            if case let .error(message) = reply, message.hasPrefix("NOSCRIPT") {
                let (script, keys, arguments) = calls[i]
                ScriptDigests.shared[script.source] = nil
                replies[i] = try eval(script, keys: keys, arguments: arguments)
            }
        }
        return replies
    }

    private func digest(of script: RedisScript) throws(RedisError) -> String {
        if let sha = ScriptDigests.shared[script.source] { return sha }
        guard let sha = try call(["SCRIPT", "LOAD", .text(script.source)]).text else {
            throw .unexpected("SCRIPT LOAD \(script.name) returned no digest")
        }
        ScriptDigests.shared[script.source] = sha
        return sha
    }
}
