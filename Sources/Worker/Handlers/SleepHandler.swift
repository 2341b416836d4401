import Foundation
import Shared

/// `sleep`: waits `params.ms` milliseconds (default 1000, at most 600000), then succeeds.
/// A diagnostic kind for testing recovery, keep-alive and draining; run only when named in
/// `ROOST_WORKER_KINDS`, and not accepted by the gateway's public job API.
struct SleepHandler: JobHandler {
    /// Serves `sleep`.
    let jobKind = JobKind.sleep

    func run(_ job: RunningJob) throws -> JSON {
        let ms = min(600_000, max(0, job.params["ms"]?.intValue ?? 1000))
        Thread.sleep(forTimeInterval: Double(ms) / 1000)
        return ["slept_ms": .int(ms)]
    }
}
