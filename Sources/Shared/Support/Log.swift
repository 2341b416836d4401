import Foundation

/// Structured logging: one JSON object per line on standard error, safe from any thread.
public struct Log: Sendable {
    /// Severity, written as the `level` field.
    public enum Level: String, Sendable, Comparable {
        case debug, info, warning, error
        private var rank: Int { switch self { case .debug: 0; case .info: 1; case .warning: 2; case .error: 3 } }
        /// Orders by severity.
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    /// The component name written as `component` (e.g. "gateway", "worker").
    public let component: String
    /// Records below this level are dropped.
    public let minimumLevel: Level

    /// Creates a logger for `component`; the level comes from `ROOST_LOG_LEVEL` (default `info`).
    public init(component: String, minimumLevel: Level? = nil) {
        self.component = component
        self.minimumLevel = minimumLevel
            ?? Level(rawValue: ProcessInfo.processInfo.environment["ROOST_LOG_LEVEL"] ?? "") ?? .info
    }

    /// Writes one record with `message` and extra `fields`.
    public func log(_ level: Level, _ message: String, _ fields: [(String, JSON)] = []) {
        guard level >= minimumLevel else { return }
        var members: [(String, JSON)] = [
            ("ts", .string(Log.timestamp())), ("level", .string(level.rawValue)),
            ("component", .string(component)), ("msg", .string(message)),
        ]
        members.append(contentsOf: fields)
        let line = JSON.object(members).serialized() + "\n"
        LogSink.write(line)
    }

    /// Writes a debug record.
    public func debug(_ message: String, _ fields: [(String, JSON)] = []) { log(.debug, message, fields) }
    /// Writes an info record.
    public func info(_ message: String, _ fields: [(String, JSON)] = []) { log(.info, message, fields) }
    /// Writes a warning record.
    public func warning(_ message: String, _ fields: [(String, JSON)] = []) { log(.warning, message, fields) }
    /// Writes an error record.
    public func error(_ message: String, _ fields: [(String, JSON)] = []) { log(.error, message, fields) }

    /// ISO-8601 UTC with milliseconds.
    public static func timestamp(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let ms = Int((date.timeIntervalSince1970 - Double(t)) * 1000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }
}

/// Serialises whole lines onto stderr so records from different threads never interleave.
enum LogSink {
    private static let lock = NSLock()
    static func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
        _ = bytes.count
        bytes.removeAll()
    }
}
