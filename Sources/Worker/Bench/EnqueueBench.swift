import Foundation
import Shared

/// Enqueue throughput: N `noop` jobs (or jobs of another kind carrying photos) through `JobQueue.enqueue`, one script call per job and no
/// pipelining (as a gateway request thread does it), spread over C threads with a connection each.
struct EnqueueBench {
    /// Where the jobs go.
    let target: BenchTarget
    /// Jobs in all.
    let jobs: Int
    /// Enqueuing threads.
    let clients: Int
    /// The job kind.
    var kind = "noop"
    /// For kinds other than `noop`: the uploads the jobs carry, in turn.
    var photos: [(bytes: [UInt8], sha256: String)] = []

    /// Runs and returns `{mode, jobs, clients, seconds, jobs_per_s}`.
    func run() throws -> JSON {
        // Connect (and load the script) before the clock starts: we time enqueues, not connects.
        var queues: [JobQueue] = []
        for _ in 0..<clients { queues.append(try target.openQueue()) }
        // Building a call loads the script into Redis and the process's digest cache.
        _ = try queues.first?.connection.evalCommand(QueueScripts.enqueue, keys: [], arguments: [])
        let failures = FailureBox()
        let group = DispatchGroup()
        let started = benchSeconds()
        for (index, queue) in queues.enumerated() {
            let share = jobs / clients + (index < jobs % clients ? 1 : 0)
            let box = QueueBox(queue: queue)
            group.enter()
            let photos = PhotoList(photos)
            let kind = kind
            let thread = Thread { [target] in
                defer { group.leave() }
                do {
                    for n in 0..<share {
                        if photos.items.isEmpty {
                            try target.enqueueNoop(box.queue, id: JobID.make())
                        } else {
                            let photo = photos.items[(n * clients + index) % photos.items.count]
                            try target.enqueue(box.queue, kind: kind, blob: photo.bytes, sha256: photo.sha256, id: JobID.make())
                        }
                    }
                } catch {
                    failures.record(error)
                }
            }
            thread.start()
        }
        group.wait()
        let seconds = benchSeconds() - started
        if let error = failures.first { throw error }
        return ["mode": "enqueue", "jobs": .int(jobs), "clients": .int(clients), "seconds": .double(seconds),
                "jobs_per_s": .double((Double(jobs) / seconds).rounded())]
    }
}

/// Photos shared read-only by the enqueuing threads.
final class PhotoList: @unchecked Sendable {
    // Safe: set once in init, never mutated.
    /// The uploads.
    let items: [(bytes: [UInt8], sha256: String)]
    /// Wraps `items`.
    init(_ items: [(bytes: [UInt8], sha256: String)]) { self.items = items }
}

/// Hands one `JobQueue` to the one thread that uses it.
final class QueueBox: @unchecked Sendable {
    // Safe: created on the main thread and then used only by the single thread it is given to.
    /// The queue.
    let queue: JobQueue
    /// Wraps `queue`.
    init(queue: JobQueue) { self.queue = queue }
}

/// The first error any benchmark thread hit.
final class FailureBox: @unchecked Sendable {
    // Safe: `error` is read and written only while holding `lock`.
    private let lock = NSLock()
    private var error: Error?

    /// Keeps `error` if it is the first.
    func record(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    /// The first error recorded, if any.
    var first: Error? { lock.lock(); defer { lock.unlock() }; return error }
}
