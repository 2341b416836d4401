import CSQLite

/// `SQLITE_TRANSIENT` is the C macro `((sqlite3_destructor_type)-1)`, which Swift cannot import:
/// it tells SQLite to copy bound text/blobs before the call returns, so Swift's temporary
/// buffers may go away afterwards.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement, owned by this object and finalized on `deinit`.
///
/// Parameters and columns are indexed from 1 and 0 respectively, as in SQLite's C API.
/// A statement belongs to its connection's thread discipline: use it only while holding
/// whatever serialises that connection.
final class SQLiteStatement {
    /// The SQL text, kept for error messages.
    let sql: String
    private var handle: OpaquePointer?
    /// The connection handle, for `sqlite3_errmsg`. It stays valid while this statement lives
    /// because connections close with `sqlite3_close_v2`, which waits for the last finalize.
    private let db: OpaquePointer

    /// Prepares `sql` on `db`; a statement that compiles to nothing (only a comment) is rejected.
    init(db: OpaquePointer, sql: String) throws {
        self.db = db
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw SQLiteError.sqlite(rc, db: db, sql: sql)
        }
        guard let statement else { throw SQLiteError.misuse("no SQL statement in text", sql: sql) }
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    private func live() throws -> OpaquePointer {
        guard let handle else { throw SQLiteError.misuse("statement already finalized", sql: sql) }
        return handle
    }

    /// Number of `?` parameters.
    var parameterCount: Int { handle.map { Int(sqlite3_bind_parameter_count($0)) } ?? 0 }

    /// Binds `value` to the 1-based parameter `index`.
    func bind(_ value: SQLiteValue, at index: Int) throws {
        let statement = try live()
        let position = Int32(index)
        let rc: Int32
        switch value {
        case .null:
            rc = sqlite3_bind_null(statement, position)
        case .integer(let integer):
            rc = sqlite3_bind_int64(statement, position, integer)
        case .real(let real):
            rc = sqlite3_bind_double(statement, position, real)
        case .text(var text):
            // withUTF8 passes the exact byte count, so embedded NULs survive; an empty string
            // has no base address, and a nil pointer would bind NULL instead of ''.
            rc = text.withUTF8 { utf8 in
                guard let base = utf8.baseAddress else { return sqlite3_bind_text(statement, position, "", 0, sqliteTransient) }
                return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_bind_text(statement, position, $0, Int32(utf8.count), sqliteTransient)
                }
            }
        case .blob(let bytes):
            rc = bytes.isEmpty
                ? sqlite3_bind_zeroblob(statement, position, 0)
                : bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), sqliteTransient) }
        }
        try SQLiteError.check(rc, db: db, sql: sql)
    }

    /// Clears old bindings and binds `values` to parameters 1…n; the count must match exactly.
    func bind(_ values: [SQLiteValue]) throws {
        let statement = try live()
        guard values.count == parameterCount else {
            throw SQLiteError.misuse("statement takes \(parameterCount) parameters, got \(values.count)", sql: sql)
        }
        try SQLiteError.check(sqlite3_clear_bindings(statement), db: db, sql: sql)
        for (offset, value) in values.enumerated() { try bind(value, at: offset + 1) }
    }

    /// Runs the statement one step: true when a row is available, false when done.
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(try live())
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError.sqlite(rc, db: db, sql: sql)
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    ///
    /// The error of a failed step is reported by that step, so `sqlite3_reset`'s repeat of it is ignored here.
    func reset() {
        guard let handle else { return }
        sqlite3_reset(handle)
    }

    /// Finalizes now instead of at `deinit`.
    func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }

    /// Number of columns in the result.
    var columnCount: Int { handle.map { Int(sqlite3_column_count($0)) } ?? 0 }

    /// Name of the 0-based column `index`.
    func columnName(at index: Int) -> String {
        guard let handle, let name = sqlite3_column_name(handle, Int32(index)) else { return "" }
        return String(cString: name)
    }

    /// True when column `index` of the current row is NULL.
    func isNull(at index: Int) -> Bool {
        guard let handle else { return true }
        return sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// Column `index` as an integer (0 for NULL, as SQLite converts).
    func int64(at index: Int) -> Int64 { handle.map { sqlite3_column_int64($0, Int32(index)) } ?? 0 }

    /// Column `index` as an integer, or nil for NULL.
    func optionalInt(at index: Int) -> Int? { isNull(at: index) ? nil : Int(int64(at: index)) }

    /// Column `index` as a Double (0 for NULL).
    func double(at index: Int) -> Double { handle.map { sqlite3_column_double($0, Int32(index)) } ?? 0 }

    /// Column `index` as a Double, or nil for NULL.
    func optionalDouble(at index: Int) -> Double? { isNull(at: index) ? nil : double(at: index) }

    /// Column `index` as text, or nil for NULL.
    func text(at index: Int) -> String? {
        guard let handle, !isNull(at: index), let bytes = sqlite3_column_text(handle, Int32(index)) else { return nil }
        // Read the length after the text call: sqlite3_column_bytes reports the size of the converted form.
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` as bytes, or nil for NULL.
    func blob(at index: Int) -> [UInt8]? {
        guard let handle, !isNull(at: index) else { return nil }
        let bytes = sqlite3_column_blob(handle, Int32(index))
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        guard count > 0, let bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Column `index` in its stored type.
    func value(at index: Int) -> SQLiteValue {
        guard let handle else { return .null }
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(at: index))
        case SQLITE_FLOAT: return .real(double(at: index))
        case SQLITE_TEXT: return .text(text(at: index) ?? "")
        case SQLITE_BLOB: return .blob(blob(at: index) ?? [])
        default: return .null
        }
    }
}
