import Shared

/// Conversions between the durable row (SQLite) and the live record (Redis), in one place.
extension JobRow {
    /// A state-change row from a Redis record, for `JobStore.applyUpdate` (which keeps the identity
    /// fields recorded at acceptance and any times the record leaves empty).
    init(record r: JobRecord, updatedAt: Double) {
        self.init(id: r.id, kind: r.kind, lane: r.lane.rawValue, state: r.state.rawValue, attempts: r.attempts,
                  owner: r.owner, idempotencyKey: nil, imageSHA256: nil, imageBytes: nil, createdAt: r.createdAt ?? updatedAt,
                  startedAt: r.startedAt, finishedAt: r.finishedAt, worker: r.worker, resultJSON: r.resultJSON,
                  errorCode: r.errorCode, errorMessage: r.errorMessage, updatedAt: updatedAt)
    }
}

extension JobRecord {
    /// The record clients see for a row SQLite holds (after its Redis record expired or ended).
    init(row: JobRow) {
        self.init(id: row.id, kind: row.kind, lane: Lane(rawValue: row.lane) ?? .interactive,
                  state: JobState(rawValue: row.state) ?? .queued, attempts: row.attempts, createdAt: row.createdAt,
                  startedAt: row.startedAt, finishedAt: row.finishedAt, worker: row.worker, resultJSON: row.resultJSON,
                  errorCode: row.errorCode, errorMessage: row.errorMessage, owner: row.owner)
    }
}
