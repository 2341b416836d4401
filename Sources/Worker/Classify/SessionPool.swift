import Inference
import Foundation

/// Hands out inference sessions of one shared model, one per concurrent caller.
///
/// A session holds per-run scratch memory and must not be used by two threads at once, while
/// the model (weights) is shared. A caller borrows an idle session (or a new one when all are
/// busy) and returns it afterwards, so the pool grows to the number of threads that ever
/// classify at the same time and then stays there.
final class SessionPool: @unchecked Sendable {
    // @unchecked Sendable: `idle` is only read or written while holding `lock`, and a session is
    // in `idle` only while no caller holds it, so each session is used by one thread at a time.
    private let model: InferenceModel
    private let lock = NSLock()
    private var idle: [InferenceSession] = []

    /// Creates an empty pool over `model`.
    init(model: InferenceModel) {
        self.model = model
    }

    /// Runs `body` with a session no other thread is using.
    func withSession<Result>(_ body: (InferenceSession) throws -> Result) rethrows -> Result {
        let session = lock.withLock { idle.popLast() } ?? model.makeSession()
        defer { lock.withLock { idle.append(session) } }
        return try body(session)
    }

    /// Sessions currently idle (for tests).
    var idleCount: Int { lock.withLock { idle.count } }
}
