/// The `jobs` schema and the SQL JobStore runs, kept together so column order is defined once.
extension JobStore {
    /// Migrations of the gateway database, oldest first. Append; never edit a released entry.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "create jobs", sql: """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                lane TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','dead','cancelled')),
                attempts INTEGER NOT NULL DEFAULT 0,
                owner TEXT,
                idempotency_key TEXT,
                image_sha256 TEXT,
                image_bytes INTEGER,
                created_at REAL NOT NULL,
                started_at REAL,
                finished_at REAL,
                worker TEXT,
                result_json TEXT,
                error_code TEXT,
                error_message TEXT,
                updated_at REAL NOT NULL
            );
            CREATE INDEX jobs_state_created ON jobs (state, created_at);
            -- NULLs are distinct in a UNIQUE index, so anonymous jobs (owner NULL) are folded to ''
            -- to keep their idempotency keys unique too. Lookups use the same expression.
            CREATE UNIQUE INDEX jobs_owner_idempotency ON jobs (COALESCE(owner, ''), idempotency_key)
                WHERE idempotency_key IS NOT NULL;
            """),
        FaceIDStore.migration,
        JobStore.inputsMigration,
        JobStore.cacheMigration,
        BirdWeatherStore.migration,
        JobStore.opsMigration,
        DogAPIStore.migration,
        BirdWeatherStore.partsMigration,
        DogAPIStore.petsMigration,
    ]

    /// Every column, in the order `JobRow(statement:)` reads and `JobRow.values` binds them.
    static let columns = """
        id, kind, lane, state, attempts, owner, idempotency_key, image_sha256, image_bytes, created_at, \
        started_at, finished_at, worker, result_json, error_code, error_message, updated_at
        """

    /// How many columns `columns` lists.
    static let columnCount = columns.split(separator: ",").count

    /// Inserts one row; values bound in `columns` order.
    static let insertSQL = "INSERT INTO jobs (\(columns)) VALUES (\(Array(repeating: "?", count: columnCount).joined(separator: ", ")))"

    /// Finds a job by (owner, idempotency key), with the same expression as the unique index so the lookup uses it.
    static let selectByIdempotencyKeySQL =
        "SELECT \(columns) FROM jobs WHERE COALESCE(owner, '') = COALESCE(?, '') AND idempotency_key = ?"

    /// `'succeeded','failed','dead','cancelled'` for SQL `IN (…)`; built from constants, never from input.
    static let terminalList = JobRow.states.filter { JobRow.terminalStates.contains($0) }
        .map { "'\($0)'" }.joined(separator: ",")
}

extension JobRow {
    /// Reads a row selected with `JobStore.columns`.
    init(statement s: SQLiteStatement) {
        self.init(id: s.text(at: 0) ?? "", kind: s.text(at: 1) ?? "", lane: s.text(at: 2) ?? "",
                  state: s.text(at: 3) ?? "", attempts: Int(s.int64(at: 4)), owner: s.text(at: 5),
                  idempotencyKey: s.text(at: 6), imageSHA256: s.text(at: 7), imageBytes: s.optionalInt(at: 8),
                  createdAt: s.double(at: 9), startedAt: s.optionalDouble(at: 10), finishedAt: s.optionalDouble(at: 11),
                  worker: s.text(at: 12), resultJSON: s.text(at: 13), errorCode: s.text(at: 14),
                  errorMessage: s.text(at: 15), updatedAt: s.double(at: 16))
    }

    /// The values in `JobStore.columns` order.
    var values: [SQLiteValue] {
        [.text(id), .text(kind), .text(lane), .text(state), .integer(Int64(attempts)), SQLiteValue(owner),
         SQLiteValue(idempotencyKey), SQLiteValue(imageSHA256), SQLiteValue(imageBytes), .real(createdAt),
         SQLiteValue(startedAt), SQLiteValue(finishedAt), SQLiteValue(worker), SQLiteValue(resultJSON),
         SQLiteValue(errorCode), SQLiteValue(errorMessage), .real(updatedAt)]
    }
}
