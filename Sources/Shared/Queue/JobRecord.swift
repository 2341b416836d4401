/// A job as Redis knows it: read from its hash, or from a state-change event.
public struct JobRecord: Sendable, Equatable {
    /// The job id.
    public var id: String
    /// The analysis to run (`probe`, `classify`, `faces`…).
    public var kind: String
    /// The lane it was queued on.
    public var lane: Lane
    /// Its state.
    public var state: JobState
    /// How many times a worker started it.
    public var attempts: Int
    /// When the gateway accepted it (Unix seconds).
    public var createdAt: Double?
    /// When the last attempt started.
    public var startedAt: Double?
    /// When it ended.
    public var finishedAt: Double?
    /// When the next retry is due, while a retry is scheduled.
    public var retryAt: Double?
    /// The worker that ran (or runs) it.
    public var worker: String?
    /// The result, serialised JSON, once succeeded.
    public var resultJSON: String?
    /// The error code of a failure (or of the last failed attempt while retrying).
    public var errorCode: String?
    /// The error message that goes with `errorCode`.
    public var errorMessage: String?
    /// Who submitted it (an account or client identity), if known.
    public var owner: String?
    /// True when the result was reused from an earlier identical job (the gateway's result cache) and no worker ran it.
    public var cached: Bool

    /// Creates a record.
    public init(id: String, kind: String, lane: Lane, state: JobState, attempts: Int = 0, createdAt: Double? = nil,
                startedAt: Double? = nil, finishedAt: Double? = nil, retryAt: Double? = nil, worker: String? = nil,
                resultJSON: String? = nil, errorCode: String? = nil, errorMessage: String? = nil, owner: String? = nil, cached: Bool = false) {
        self.id = id; self.kind = kind; self.lane = lane; self.state = state; self.attempts = attempts
        self.createdAt = createdAt; self.startedAt = startedAt; self.finishedAt = finishedAt; self.retryAt = retryAt
        self.worker = worker; self.resultJSON = resultJSON; self.errorCode = errorCode; self.errorMessage = errorMessage
        self.owner = owner; self.cached = cached
    }

    /// Parses a job hash (as `QueueScripts.peek` reads it) or an event entry's fields; nil when
    /// required fields are missing.
    ///
    /// A hash's `state` stays `queued`: a job has ended when it has `done` (a `JobEnd`), and runs
    /// while its stream entry is pending (`pending_worker`, `pending_deliveries`, which `peek` adds:
    /// the attempt is the earlier entries' `attempts` plus the deliveries; when it started is known
    /// from the `running` event only). Events name their state, or carry `done`. Hashes written
    /// before `done` existed (`state` and separate outcome fields) still parse.
    public init?(fields: [String: RedisReply], lane: Lane, kind fallbackKind: String? = nil) {
        guard let id = fields["id"]?.text else { return nil }
        func number(_ key: String) -> Double? { fields[key]?.text.flatMap { Double($0) } }
        func text(_ key: String) -> String? { fields[key]?.text.flatMap { $0.isEmpty ? nil : $0 } }
        let state: JobState
        if let stateText = fields["state"]?.text {
            guard let named = JobState(rawValue: stateText) else { return nil }
            state = named
        } else if fields["done"] != nil || fields["kind"] != nil {
            state = .queued
        } else {
            return nil
        }
        self.init(id: id, kind: text("kind") ?? fallbackKind ?? "", lane: lane, state: state,
                  attempts: fields["attempts"]?.int ?? 0, createdAt: number("created_at"), startedAt: number("started_at"),
                  finishedAt: number("finished_at"), retryAt: number("retry_at"), worker: text("worker"),
                  resultJSON: text("result"), errorCode: text("error_code"), errorMessage: text("error_message"),
                  owner: text("owner"))
        if let end = text("done").flatMap(JobEnd.init(encoded:)) {
            apply(end)
        } else if self.state == .queued, let worker = text("pending_worker"), let deliveries = fields["pending_deliveries"]?.int {
            self.state = .running
            attempts += deliveries
            self.worker = worker
            retryAt = nil
        }
    }

    /// Takes the state, times, worker and outcome of `end`.
    mutating func apply(_ end: JobEnd) {
        state = end.state
        attempts = end.attempts
        startedAt = end.startedAt ?? startedAt
        finishedAt = end.finishedAt
        worker = end.worker ?? worker
        retryAt = nil
        if end.state == .succeeded {
            resultJSON = end.payload.isEmpty ? nil : end.payload
            errorCode = nil
            errorMessage = nil
        } else {
            resultJSON = nil
            errorCode = end.errorCode
            errorMessage = end.payload
        }
    }

    /// The status document clients poll: `{id, kind, lane, state, attempts, created_at, started_at,
    /// finished_at, worker, cached, result | error}` with ISO-8601 times (null until known).
    public var statusJSON: JSON {
        func time(_ t: Double?) -> JSON { t.map { .string(Clock.iso8601($0)) } ?? .null }
        var members: [(String, JSON)] = [
            ("id", .string(id)), ("kind", .string(kind)), ("lane", .string(lane.rawValue)), ("state", .string(state.rawValue)),
            ("attempts", .int(attempts)), ("created_at", time(createdAt)), ("started_at", time(startedAt)),
            ("finished_at", time(finishedAt)), ("worker", worker.map { .string($0) } ?? .null), ("cached", .bool(cached)),
        ]
        if state == .succeeded, let text = resultJSON, let result = try? JSON.parse(text) {
            members.append(("result", result))
        } else if let code = errorCode {
            members.append(("error", .object([("code", .string(code)), ("message", .string(errorMessage ?? ""))])))
        }
        if state == .queued, let retryAt { members.append(("retry_at", .string(Clock.iso8601(retryAt)))) }
        return .object(members)
    }
}
