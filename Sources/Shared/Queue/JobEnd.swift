/// How a job ended, packed in one string: the `done` field of its Redis hash and of its outcome
/// event. One field, so that `complete` records an outcome with a single `HSETNX` — the write and
/// the test that no other attempt (or a cancellation) ended the job first, in one command
/// (docs/QUEUE.md, *Records*).
///
/// Format: `<state> <attempts> <finished_at> <seconds it ran, or -> <worker or ->`, a newline,
/// then the result JSON (succeeded) or `<error code>`, a newline and the error message (every
/// other end). The worker id comes last on the first line, so it may hold spaces. Short on
/// purpose: a hash whose values all fit in 64 bytes stays a listpack in Redis, and converting a
/// job's record to a hash table costs `complete` about 1.3 µs (docs/PERFORMANCE.md, *Queue*). The
/// scripts that end jobs in Lua (`cancel`, dead-lettering) write the same shape.
public struct JobEnd: Sendable, Equatable {
    /// The final state: succeeded, failed, dead or cancelled.
    public var state: JobState
    /// How many times a worker started the job.
    public var attempts: Int
    /// When the last attempt started, if one did.
    public var startedAt: Double?
    /// When the job ended.
    public var finishedAt: Double
    /// The worker of the last attempt, if one ran.
    public var worker: String?
    /// The result JSON (succeeded), or the error message.
    public var payload: String
    /// The error code (every end but succeeded).
    public var errorCode: String?

    /// Describes an end.
    public init(state: JobState, attempts: Int, startedAt: Double?, finishedAt: Double, worker: String?, payload: String,
                errorCode: String? = nil) {
        self.state = state; self.attempts = attempts; self.startedAt = startedAt; self.finishedAt = finishedAt
        self.worker = worker; self.payload = payload; self.errorCode = errorCode
    }

    /// The packed text.
    public var encoded: String {
        var text = state.rawValue + " " + String(attempts) + " " + Clock.text(finishedAt) + " "
        text += (startedAt.map { Clock.text(max(0, finishedAt - $0)) } ?? "-") + " " + (worker.flatMap { $0.isEmpty ? nil : $0 } ?? "-") + "\n"
        if state != .succeeded { text += (errorCode ?? "failed") + "\n" }
        return text + payload
    }

    /// Unpacks `text`; nil when it is not in the format.
    public init?(encoded text: String) {
        guard let newline = text.utf8.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let head = text[..<newline].split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        guard head.count == 5, let state = JobState(rawValue: String(head[0])), state.isTerminal, let attempts = Int(head[1]),
              let finishedAt = Double(head[2]) else { return nil }
        self.state = state
        self.attempts = attempts
        startedAt = Double(head[3]).map { finishedAt - $0 }
        self.finishedAt = finishedAt
        worker = head[4] == "-" ? nil : String(head[4])
        let body = text[text.utf8.index(after: newline)...]
        if state == .succeeded {
            payload = String(body)
            errorCode = nil
        } else if let second = body.utf8.firstIndex(of: UInt8(ascii: "\n")) {
            errorCode = String(body[..<second])
            payload = String(body[body.utf8.index(after: second)...])
        } else {
            errorCode = String(body)
            payload = ""
        }
    }
}
