import Foundation

/// Reads `ROOST_*` settings once, at start-up; a malformed value is a start-up error, never a silent default.
public struct Environment: Sendable {
    /// The variables read, usually the process environment.
    public let values: [String: String]

    /// Wraps `values` (default: the process environment).
    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    /// A string setting, or `fallback` when unset or empty.
    public func string(_ name: String, default fallback: String) -> String {
        if let v = values[name], !v.isEmpty { return v }
        return fallback
    }

    /// An integer setting within `range`; exits with a clear message when malformed.
    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) -> Int {
        guard let raw = values[name], !raw.isEmpty else { return fallback }
        guard let v = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            Environment.fatal("\(name)=\(raw) is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// A number of seconds (decimals allowed) that must be positive.
    public func seconds(_ name: String, default fallback: Double) -> Double {
        guard let raw = values[name], !raw.isEmpty else { return fallback }
        guard let v = Double(raw), v > 0, v.isFinite else { Environment.fatal("\(name)=\(raw) is not a positive number of seconds") }
        return v
    }

    /// Prints a one-line JSON error and exits with status 78 (configuration error).
    public static func fatal(_ message: String) -> Never {
        Log(component: "config").error("invalid configuration", [("error", .string(message))])
        exit(78)
    }
}
