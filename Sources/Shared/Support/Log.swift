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
        var line = JSON.object(members).bytes()
        line.append(0x0A)
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

    /// ISO-8601 UTC with milliseconds (digits written directly: this runs for every log line).
    public static func timestamp(_ date: Date = Date()) -> String {
        // Milliseconds from the whole product (0.123 s is 122.99… ms as a fraction of a second).
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(totalMs >= 0 ? totalMs / 1000 : (totalMs - 999) / 1000)
        let ms = Int(totalMs - Int64(t) * 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 { out.append(UInt8(48 + (rest / divisor) % 10)); rest %= divisor; divisor /= 10 }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(0x2D)
        digits(Int(parts.tm_mon) + 1, 2); out.append(0x2D)
        digits(Int(parts.tm_mday), 2); out.append(0x54)
        digits(Int(parts.tm_hour), 2); out.append(0x3A)
        digits(Int(parts.tm_min), 2); out.append(0x3A)
        digits(Int(parts.tm_sec), 2); out.append(0x2E)
        digits(ms, 3); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Serialises whole lines onto stderr so records from different threads never interleave.
enum LogSink {
    private static let lock = NSLock()
    static func write(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
