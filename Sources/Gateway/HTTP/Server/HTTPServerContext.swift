import Foundation
import Shared

/// What the event loop and the handler threads share; lives as long as the last of them.
final class HTTPServerContext: @unchecked Sendable {
    // @unchecked Sendable: everything is immutable after init except `shuttingDown`, which is guarded by `lock`.
    private let lock = NSLock()
    private var shuttingDown = false
    /// The server's settings.
    let configuration: HTTPServerConfiguration
    /// The routes.
    let router: Router
    /// Where access and error lines go.
    let log: Log
    /// Called once per answered request.
    let onRequest: (@Sendable (RequestRecord) -> Void)?

    /// Creates the shared state.
    init(configuration: HTTPServerConfiguration, router: Router, log: Log,
         onRequest: (@Sendable (RequestRecord) -> Void)?) {
        self.configuration = configuration
        self.router = router
        self.log = log
        self.onRequest = onRequest
    }

    /// Whether shutdown has begun (responses then carry `Connection: close`).
    var isShuttingDown: Bool { lock.withLock { shuttingDown } }

    /// Marks shutdown as begun.
    func beginShutdown() {
        lock.withLock { shuttingDown = true }
    }

    /// Writes the access line and reports the record.
    func record(_ record: RequestRecord) {
        if configuration.accessLog.logs(record) {
            log.info("request", [
                ("method", .string(record.method)), ("route", .string(record.route)), ("path", .string(record.path)),
                ("status", .int(record.status)), ("bytes_in", .int(record.bytesIn)), ("bytes_out", .int(record.bytesOut)),
                ("duration_ms", .double((record.duration * 1_000_000).rounded() / 1000)), ("remote", .string(record.remoteAddress)),
            ])
        }
        onRequest?(record)
    }
}
