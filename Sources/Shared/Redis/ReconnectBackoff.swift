/// Delays between reconnection attempts: 0.2 s doubling to at most 5 s, reset by a success.
public struct ReconnectBackoff: Sendable {
    private var failures = 0

    /// Starts with no failures.
    public init() {}

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func nextDelay() -> Double {
        failures += 1
        return min(5.0, 0.1 * Double(1 << min(failures, 6)))
    }

    /// Records a success.
    public mutating func reset() { failures = 0 }
}
