import Foundation

/// Which identifiers have a face upload being processed on this gateway, so a second upload for
/// the same one is refused (`Loading file in progress`) instead of racing the first.
///
/// In memory on purpose: an upload lives exactly as long as its request, so a gateway restart
/// ends it too, and a record in SQLite would only add stale entries to clean up after a crash.
final class UploadGuard: @unchecked Sendable {
    // @unchecked Sendable: `busy` is only read and written inside `lock.withLock`.
    private let lock = NSLock()
    private var busy: Set<Int> = []

    /// Creates an empty guard.
    init() {}

    /// Marks `uid` busy; false when it already was.
    func begin(_ uid: Int) -> Bool { lock.withLock { busy.insert(uid).inserted } }

    /// Marks `uid` free again.
    func end(_ uid: Int) { _ = lock.withLock { busy.remove(uid) } }

    /// True while an upload for `uid` runs.
    func isBusy(_ uid: Int) -> Bool { lock.withLock { busy.contains(uid) } }
}
