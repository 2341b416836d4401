import Foundation

/// A fixed set of threads that run route handlers (which may block on Redis, SQLite or a sync
/// wait), fed by a bounded queue: when every thread is busy and the queue is full, `submit` says
/// no and the loop answers `503` at once instead of queueing without bound.
final class HandlerPool: @unchecked Sendable {
    // @unchecked Sendable: `queue`, `head`, `busy` and `stopping` are only touched under `condition`.
    private let condition = NSCondition()
    private var queue: [(@Sendable () -> Void)?] = []
    private var head = 0
    private var busy = 0
    private var stopping = false
    private var running = 0
    private let name: String
    /// Threads.
    let threads: Int
    /// Work items that may wait for a thread.
    let queueLimit: Int

    /// Starts `threads` threads named `name`.
    init(name: String, threads: Int, queueLimit: Int, stackSize: Int) {
        self.name = name
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
        for _ in 0..<self.threads {
            let thread = Thread { [self] in run() }
            thread.stackSize = stackSize
            thread.name = name
            condition.withLock { running += 1 }
            thread.start()
        }
    }

    /// Queues `work`; false when the pool is saturated (or stopping).
    func submit(_ work: @escaping @Sendable () -> Void) -> Bool {
        condition.withLock {
            guard !stopping, queue.count - head < queueLimit + max(0, threads - busy) else { return false }
            queue.append(work)
            condition.signal()
            return true
        }
    }

    /// Queues `work` even past the limit: for answers already owed (a parked long-poll's wake-up),
    /// whose number is bounded by the connections that are waiting.
    func submitOwed(_ work: @escaping @Sendable () -> Void) {
        condition.withLock {
            queue.append(work)
            condition.signal()
        }
    }

    /// Work waiting plus work running.
    var load: (queued: Int, busy: Int) { condition.withLock { (queue.count - head, busy) } }

    /// Lets the threads finish what is queued, then stop; returns when they have, or at
    /// `deadline` (a handler still blocked then is left to end on its own).
    func shutdown(until deadline: MonotonicDeadline) {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while running > 0, !deadline.hasPassed {
                _ = condition.wait(until: Date().addingTimeInterval(min(0.1, max(0.001, deadline.seconds - MonotonicDeadline.now().seconds))))
            }
        }
    }

    private func run() {
        while true {
            var work: (@Sendable () -> Void)?
            condition.withLock {
                while head == queue.count, !stopping { condition.wait() }
                if head < queue.count {
                    work = queue[head]
                    queue[head] = nil
                    head += 1
                    if head > 1024, head * 2 > queue.count {   // compact now and then
                        queue.removeFirst(head)
                        head = 0
                    }
                    busy += 1
                }
            }
            guard let work else {
                condition.withLock { running -= 1; condition.broadcast() }
                return
            }
            work()
            condition.withLock { busy -= 1 }
        }
    }
}
