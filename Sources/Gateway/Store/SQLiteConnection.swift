import CSQLite

/// One SQLite database connection, owned by this object: `close()` releases it and `deinit` closes it.
///
/// Opened with `SQLITE_OPEN_NOMUTEX` (multi-thread mode): SQLite takes no per-connection lock,
/// so the connection must be used by one thread at a time. Roost guarantees that from outside —
/// `JobStore` wraps its connection in a lock — instead of paying for SQLite's own mutex on
/// every call. The type is deliberately not `Sendable`.
///
/// Every connection runs with `journal_mode=WAL` (readers never block the writer),
/// `synchronous=NORMAL` (durable at each checkpoint; safe against corruption, a power loss may
/// lose only the last transactions), `foreign_keys=ON` and a busy timeout so another process
/// holding the write lock makes us wait rather than fail at once.
final class SQLiteConnection {
    /// The file this connection opened.
    let path: String
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text, reused by `cached(_:)`; finalized on close.
    private var statementCache: [String: SQLiteStatement] = [:]
    private var savepointDepth = 0

    /// Opens (creating if needed) the database at `path` and applies the connection pragmas.
    /// - Parameters:
    ///   - path: file path, or `:memory:` for a private in-memory database.
    ///   - busyTimeoutMilliseconds: how long to wait for another connection's lock before `sqlite_busy`.
    /// A handle that opened but failed its set-up (for example a file that is not a database) is
    /// closed before the error is thrown.
    init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError.sqlite(rc, db: db, sql: nil)
            sqlite3_close_v2(db) // sqlite3_open_v2 may allocate a handle even when it fails
            throw error
        }
        handle = db
        do {
            try SQLiteError.check(sqlite3_extended_result_codes(db, 1), db: db)
            try SQLiteError.check(sqlite3_busy_timeout(db, busyTimeoutMilliseconds), db: db)
            // journal_mode answers with the mode in force; anything but WAL on a file means the
            // file system refused it, and readers would then block the writer.
            let mode = try scalarText("PRAGMA journal_mode=WAL")
            if path != ":memory:", !path.isEmpty, mode?.lowercased() != "wal" {
                throw SQLiteError.misuse("could not enable WAL (journal mode is \(mode ?? "unknown"))", sql: "PRAGMA journal_mode=WAL")
            }
            try execute("PRAGMA synchronous=NORMAL")
            try execute("PRAGMA foreign_keys=ON")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Finalizes cached statements and closes the handle; later calls throw `sqlite_closed`.
    /// `sqlite3_close_v2` defers the real close until any statement still held elsewhere is finalized.
    func close() {
        guard let db = handle else { return }
        statementCache.removeAll()
        // Lets SQLite refresh query-planner statistics it found missing; cheap, and errors are harmless.
        sqlite3_exec(db, "PRAGMA optimize", nil, nil, nil)
        sqlite3_close_v2(db)
        handle = nil
    }

    /// True until `close()`.
    var isOpen: Bool { handle != nil }

    private func live(_ sql: String? = nil) throws -> OpaquePointer {
        guard let handle else { throw SQLiteError.closed(sql: sql) }
        return handle
    }

    /// Runs one or more statements without results (DDL, pragmas, BEGIN/COMMIT). Never pass values in the text.
    func execute(_ sql: String) throws {
        let db = try live(sql)
        try SQLiteError.check(sqlite3_exec(db, sql, nil, nil, nil), db: db, sql: sql)
    }

    /// Prepares a new statement that the caller owns.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(db: try live(sql), sql: sql)
    }

    /// A statement for `sql` from the cache (prepared on first use), reset; `bind(_:)` replaces all old bindings.
    func cached(_ sql: String) throws -> SQLiteStatement {
        let db = try live(sql)
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try SQLiteStatement(db: db, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs a cached statement with `values` to completion and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
        return changes
    }

    /// Runs a cached query with `values` and maps every row with `row`.
    func query<Row>(_ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Row) throws -> [Row] {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [Row] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    /// The first column of the first row as text (nil when there is no row or it is NULL).
    func scalarText(_ sql: String, _ values: [SQLiteValue] = []) throws -> String? {
        try query(sql, values) { $0.text(at: 0) }.first ?? nil
    }

    /// The first column of the first row as an integer (nil when there is no row or it is NULL).
    func scalarInt(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int? {
        try query(sql, values) { $0.optionalInt(at: 0) }.first ?? nil
    }

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` takes the write lock up front (so a
    /// read-then-write body cannot hit a busy upgrade half-way), `COMMIT` on return, `ROLLBACK`
    /// on a thrown error. Nested calls become savepoints. Throws whatever `body` throws, or a
    /// `SQLiteError` when BEGIN/COMMIT fail — which is why this is `throws` rather than `rethrows`.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        let db = try live()
        if sqlite3_get_autocommit(db) == 0 {
            savepointDepth += 1
            defer { savepointDepth -= 1 }
            let name = "roost_savepoint_\(savepointDepth)"
            try execute("SAVEPOINT \(name)")
            do {
                let result = try body()
                try execute("RELEASE \(name)")
                return result
            } catch {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
                throw error
            }
        }
        // Cached statements: `execute` would prepare BEGIN and COMMIT again for every transaction
        // (2 % of the gateway's CPU per classify job, which runs up to three transactions).
        _ = try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            _ = try run("COMMIT")
            return result
        } catch {
            // A failed COMMIT (e.g. busy) leaves the transaction open; end it so the connection is reusable.
            if sqlite3_get_autocommit(db) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Row id of the most recent successful INSERT on this connection.
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// The journal mode in force (`wal` for Roost's files).
    func journalMode() throws -> String { try scalarText("PRAGMA journal_mode") ?? "" }
}
