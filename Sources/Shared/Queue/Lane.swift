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

/// The life of a job: `queued → running → succeeded | failed`, `dead` after the last attempt, `cancelled` by a client.
public enum JobState: String, Sendable, CaseIterable {
    /// Waiting in its lane's stream (or in the retry schedule, with `retry_at`).
    case queued
    /// A worker is running it.
    case running
    /// Finished with a result.
    case succeeded
    /// Finished with a permanent error (bad input): retrying cannot help.
    case failed
    /// Gave up after the retry limit; also recorded in the lane's dead-letter stream.
    case dead
    /// Cancelled by a client; a running job's result is discarded.
    case cancelled

    /// True once the job can no longer change.
    public var isTerminal: Bool {
        switch self {
        case .queued, .running: return false
        case .succeeded, .failed, .dead, .cancelled: return true
        }
    }
}

import Foundation
