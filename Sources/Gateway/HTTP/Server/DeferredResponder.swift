/// Lets a handler answer its request later, from any thread, without holding a handler thread
/// while it waits (a long-poll parked until its job ends). The handler returns
/// `HTTPResponse.parked` and later calls `answer` (or `compute`) exactly once; further calls and
/// answers for a connection that has gone away are ignored.
final class DeferredResponder: @unchecked Sendable {
    // @unchecked Sendable: `deliver` and `run` are immutable; `answered` is guarded by `lock`.
    private let lock = NSLock()
    private var answered = false
    private let deliver: @Sendable (HTTPResponse) -> Void
    private let run: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// `deliver` hands the response to the connection's loop; `run` runs work on a handler thread.
    init(deliver: @escaping @Sendable (HTTPResponse) -> Void, run: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.deliver = deliver
        self.run = run
    }

    /// Sends `response` (the first call only).
    func answer(_ response: HTTPResponse) {
        let first = lock.withLock { () -> Bool in
            guard !answered else { return false }
            answered = true
            return true
        }
        if first { deliver(response) }
    }

    /// Computes the response on a handler thread (it may block on Redis or SQLite), then sends it;
    /// an `HTTPError` becomes its response, anything else a 500. `body` may return nil when it
    /// arranged to answer later itself (a long-poll parked again).
    func compute(_ body: @escaping @Sendable () throws -> HTTPResponse?) {
        run { [self] in computeHere(body) }
    }

    /// Like `compute`, on the calling thread: for a short computation by a thread that may block
    /// briefly (no hand-off to a handler thread).
    func computeHere(_ body: () throws -> HTTPResponse?) {
        do {
            if let response = try body() { answer(response) }
        } catch let error as HTTPError {
            answer(error.response)
        } catch {
            answer(HTTPError.internal().response)
        }
    }
}

import Foundation

extension HTTPResponse {
    /// What a handler returns after arranging to answer through `HTTPRequest.responder`.
    static let parked = HTTPResponse(status: 0)

    /// Whether this is `parked`.
    var isParked: Bool { status == 0 }
}
