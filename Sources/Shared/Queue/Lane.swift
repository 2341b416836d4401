import Foundation

/// A priority lane: workers always drain `interactive` before `batch`.
public enum Lane: String, Sendable, CaseIterable, Comparable {
    /// A user is waiting on the result.
    case interactive
    /// Bulk imports; never delays an interactive job.
    case batch

    /// Parses the `X-Roost-Lane` header value (case-insensitive).
    public init?(header: String) { self.init(rawValue: header.lowercased().trimmingCharacters(in: .whitespaces)) }

    /// Interactive sorts first.
    public static func < (a: Lane, b: Lane) -> Bool { a == .interactive && b == .batch }
}
