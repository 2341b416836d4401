import Inference
import Foundation

/// Hands out sessions of one shared model (engine sessions, BirdNET sessions), one per concurrent caller.
///
/// A session holds per-run scratch memory and must not be used by two threads at once, while
/// the model (weights) is shared. A caller borrows an idle session (or a new one when all are
/// busy) and returns it afterwards, so the pool grows to the number of threads that ever
/// classify at the same time and then stays there.
final class SessionPool<Session>: @unchecked Sendable {
    // @unchecked Sendable: `idle` is only read or written while holding `lock`, and a session is
    // in `idle` only while no caller holds it, so each session is used by one thread at a time.
    private let make: @Sendable () -> Session
    private let lock = NSLock()
    private var idle: [Session] = []

    /// Creates an empty pool whose sessions `make` creates (from a shared, immutable model).
    init(make: @escaping @Sendable () -> Session) {
        self.make = make
    }

    /// Runs `body` with a session no other thread is using.
    func withSession<Result>(_ body: (Session) throws -> Result) rethrows -> Result {
        let session = lock.withLock { idle.popLast() } ?? make()
        defer { lock.withLock { idle.append(session) } }
        return try body(session)
    }

    /// Sessions currently idle (for tests).
    var idleCount: Int { lock.withLock { idle.count } }
}

extension SessionPool where Session == InferenceSession {
    /// Creates an empty pool of engine sessions over `model`.
    convenience init(model: InferenceModel) { self.init(make: { model.makeSession() }) }
}
