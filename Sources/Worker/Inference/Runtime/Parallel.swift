import Dispatch

/// Splits `0..<count` into `threads` contiguous chunks run concurrently (inline when `threads <= 1`);
/// `body` gets the chunk number (for per-thread scratch) and its range.
///
/// Blocks the calling thread until all chunks finish, so callers must not be on Swift's cooperative pool.
@inline(__always)
func parallelChunks(_ count: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
    if threads <= 1 || count < 2 {
        body(0, 0..<count)
        return
    }
    let parts = min(threads, count)
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lo = count * part / parts
            let hi = count * (part + 1) / parts
            box.value(part, lo..<hi)
        }
    }
}

/// Carries a non-Sendable value into `concurrentPerform`.
// @unchecked Sendable: used only by parallelChunks, whose chunks write disjoint output ranges and
// which waits for all of them before returning, so no data is shared mutably across threads.
struct UncheckedBox<T>: @unchecked Sendable {
    /// The wrapped value.
    let value: T
    /// Wraps `value`.
    init(_ value: T) { self.value = value }
}
