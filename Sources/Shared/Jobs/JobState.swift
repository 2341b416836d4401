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
