import Shared

/// One kind of analysis. Handlers are shared by all analysis threads and run blocking CPU work
/// on those threads (never on Swift's cooperative pool).
protocol JobHandler: Sendable {
    /// The job kind it serves (`probe`, `classify`…).
    var jobKind: JobKind { get }
    /// Runs the analysis on `job`'s bytes and returns the result document.
    /// Throws `JobError` (or `ImageError`, which is permanent); anything else is retried.
    func run(_ job: RunningJob) throws -> JSON
    /// What the result depends on besides the photo and the params — the handler's logic version
    /// and its models' fingerprints — or nil when results must never be reused (`noop`, `sleep`).
    /// Published in the heartbeat; the gateway's result cache keys on it (`ResultCache`).
    var resultVersion: String? { get }
}

extension JobHandler {
    /// Not cacheable unless a handler says otherwise.
    var resultVersion: String? { nil }

    /// The wire name of the kind it serves (what jobs carry).
    var kind: String { jobKind.rawValue }
}

/// An analysis failure with a code clients see; `permanent` ones fail at once, others retry.
struct JobError: Error, Sendable, CustomStringConvertible {
    /// Stable snake_case code.
    let code: String
    /// Human-readable reason.
    let message: String
    /// True when retrying cannot help (bad input).
    let permanent: Bool

    /// Bad input: never retried.
    static func permanent(_ code: String, _ message: String) -> JobError { JobError(code: code, message: message, permanent: true) }
    /// A passing problem: retried with backoff.
    static func transient(_ code: String, _ message: String) -> JobError { JobError(code: code, message: message, permanent: false) }
    /// The upload's bytes expired from Redis before the job ran.
    static let blobMissing = JobError.permanent(JobErrorCode.imageExpired, "the uploaded image is no longer available; upload it again")
    /// No handler for this kind in this worker.
    static func unknownKind(_ kind: String) -> JobError { .permanent(JobErrorCode.unknownKind, "this worker cannot run '\(kind)' jobs") }

    /// For logs.
    var description: String { "\(code): \(message)" }
}

extension JobOutcome {
    /// Maps a handler's result or error to how the job ends.
    static func from(_ body: () throws -> JSON) -> JobOutcome {
        do {
            return .succeeded(try body())
        } catch let error as JobError {
            return error.permanent ? .failed(code: error.code, message: error.message) : .retry(code: error.code, message: error.message)
        } catch let error as ImageError {
            return .failed(code: error.code, message: error.message)
        } catch {
            return .retry(code: JobErrorCode.internal, message: String(describing: error))
        }
    }
}
