import CSQLite

/// Every failure of the SQLite layer: a snake_case `code`, a readable `message`, SQLite's
/// extended result code when one exists, and the SQL that failed.
///
/// All C return codes pass through `SQLiteError.check` so none is dropped on the floor.
struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// Stable machine-readable code, e.g. `sqlite_busy`, `sqlite_constraint`, `schema_too_new`.
    let code: String
    /// Human-readable explanation (from `sqlite3_errmsg` for C failures).
    let message: String
    /// SQLite's extended result code, or nil for errors raised by Roost itself.
    let resultCode: Int32?
    /// The statement being prepared or run, when there was one.
    let sql: String?

    /// One line for logs.
    var description: String {
        var text = "\(code): \(message)"
        if let resultCode { text += " (sqlite \(resultCode))" }
        if let sql { text += " in: \(sql.prefix(200))" }
        return text
    }

    /// True for UNIQUE / PRIMARY KEY / CHECK / NOT NULL / FOREIGN KEY violations.
    var isConstraintViolation: Bool { code == "sqlite_constraint" }

    /// A failure reported by the C library on connection `db` (nil when there is no handle yet).
    static func sqlite(_ resultCode: Int32, db: OpaquePointer?, sql: String? = nil) -> SQLiteError {
        let message: String
        if let db, let text = sqlite3_errmsg(db) {
            message = String(cString: text)
        } else {
            message = String(cString: sqlite3_errstr(resultCode))
        }
        return SQLiteError(code: codeName(resultCode), message: message, resultCode: resultCode, sql: sql)
    }

    /// The database was written by a newer Roost than this one.
    static func schemaTooNew(found: Int, known: Int) -> SQLiteError {
        SQLiteError(code: "schema_too_new",
                    message: "database schema is at version \(found) but this build knows only up to \(known); upgrade Roost",
                    resultCode: nil, sql: nil)
    }

    /// The migration list in code is malformed (a programming error caught at start-up).
    static func invalidMigrations(_ message: String) -> SQLiteError {
        SQLiteError(code: "invalid_migrations", message: message, resultCode: nil, sql: nil)
    }

    /// The connection was used after `close()`.
    static func closed(sql: String? = nil) -> SQLiteError {
        SQLiteError(code: "sqlite_closed", message: "the connection is closed", resultCode: nil, sql: sql)
    }

    /// A value could not be bound or read (e.g. an index outside the statement's parameters).
    static func misuse(_ message: String, sql: String?) -> SQLiteError {
        SQLiteError(code: "sqlite_misuse", message: message, resultCode: nil, sql: sql)
    }

    /// Throws unless `resultCode` is one of the `accepted` codes (SQLITE_OK by default).
    @discardableResult
    static func check(_ resultCode: Int32, db: OpaquePointer?, sql: String? = nil,
                      accepting accepted: Set<Int32> = [SQLITE_OK]) throws(SQLiteError) -> Int32 {
        guard accepted.contains(resultCode) else { throw sqlite(resultCode, db: db, sql: sql) }
        return resultCode
    }

    /// Names the primary result code (the low byte of an extended code).
    private static func codeName(_ resultCode: Int32) -> String {
        switch resultCode & 0xff {
        case SQLITE_BUSY: "sqlite_busy"
        case SQLITE_LOCKED: "sqlite_locked"
        case SQLITE_CONSTRAINT: "sqlite_constraint"
        case SQLITE_NOTADB: "sqlite_notadb"
        case SQLITE_CORRUPT: "sqlite_corrupt"
        case SQLITE_CANTOPEN: "sqlite_cantopen"
        case SQLITE_READONLY: "sqlite_readonly"
        case SQLITE_FULL: "sqlite_full"
        case SQLITE_IOERR: "sqlite_ioerr"
        case SQLITE_MISUSE: "sqlite_misuse"
        case SQLITE_RANGE: "sqlite_range"
        case SQLITE_TOOBIG: "sqlite_toobig"
        case SQLITE_NOMEM: "sqlite_nomem"
        case SQLITE_INTERRUPT: "sqlite_interrupt"
        default: "sqlite_error"
        }
    }
}
