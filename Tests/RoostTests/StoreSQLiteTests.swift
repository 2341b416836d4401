import CSQLite
import Foundation
import Testing
@testable import Gateway

/// A deliberate failure thrown inside transactions.
private struct StoreAbort: Error {}

@Suite struct StoreSQLiteTests {
    @Test func valuesRoundTripExactly() throws {
        try withStoreDirectory { directory in
            let db = try SQLiteConnection(path: directory.appendingPathComponent("values.sqlite").path)
            try db.execute("CREATE TABLE t (v)")
            let values: [SQLiteValue] = [
                .null, .integer(Int64.min), .integer(Int64.max), .real(-0.125), .real(1e300),
                .text(""), .text("nul\u{0}inside"), .text("ünïcödé 🐦"), .blob([]), .blob([0, 255, 0, 7]),
            ]
            for value in values { try db.run("INSERT INTO t (v) VALUES (?)", [value]) }
            let read = try db.query("SELECT v FROM t ORDER BY rowid") { $0.value(at: 0) }
            #expect(read == values)
            #expect(try db.scalarInt("SELECT COUNT(*) FROM t WHERE v IS NULL") == 1) // '' and x'' are not NULL
        }
    }

    @Test func walModeIsOnAndFilesAppear() throws {
        try withStoreDirectory { directory in
            let path = directory.appendingPathComponent("wal.sqlite").path
            let db = try SQLiteConnection(path: path)
            #expect(try db.journalMode() == "wal")
            #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
            #expect(try db.scalarInt("PRAGMA synchronous") == 1) // NORMAL
            try db.execute("CREATE TABLE t (x INTEGER)")
            try db.run("INSERT INTO t VALUES (?)", [.integer(1)])
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func transactionCommitsOrRollsBack() throws {
        try withStoreDirectory { directory in
            let db = try SQLiteConnection(path: directory.appendingPathComponent("tx.sqlite").path)
            try db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
            do {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (1)")
                    throw StoreAbort()
                }
                Issue.record("the transaction body's error should escape")
            } catch is StoreAbort {}
            #expect(try db.scalarInt("SELECT COUNT(*) FROM t") == 0)
            try db.transaction {
                try db.run("INSERT INTO t VALUES (2)")
                // The inner failure rolls back to its savepoint only.
                _ = try? db.transaction { () throws -> Void in
                    try db.run("INSERT INTO t VALUES (3)")
                    throw StoreAbort()
                }
                try db.run("INSERT INTO t VALUES (4)")
            }
            #expect(try db.query("SELECT x FROM t ORDER BY x") { $0.int64(at: 0) } == [2, 4])
            #expect(db.lastInsertRowID == 4)
        }
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        try withStoreDirectory { directory in
            let db = try SQLiteConnection(path: directory.appendingPathComponent("errors.sqlite").path)
            let error = try #require(throws: SQLiteError.self) { try db.prepare("SELEC nonsense") }
            #expect(error.code == "sqlite_error")
            #expect(error.message.contains("syntax error"))
            #expect(error.sql == "SELEC nonsense")
            try db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
            try db.run("INSERT INTO t VALUES (1)")
            let duplicate = try #require(throws: SQLiteError.self) { try db.run("INSERT INTO t VALUES (1)") }
            #expect(duplicate.isConstraintViolation)
            #expect(duplicate.resultCode == SQLITE_CONSTRAINT | (6 << 8)) // SQLITE_CONSTRAINT_PRIMARYKEY, a macro Swift cannot import
            let arity = try #require(throws: SQLiteError.self) { try db.run("INSERT INTO t VALUES (?)", []) }
            #expect(arity.code == "sqlite_misuse")
            db.close()
            #expect(throws: SQLiteError.self) { try db.execute("SELECT 1") }
        }
    }

    @Test func fileThatIsNotADatabaseFailsCleanly() throws {
        try withStoreDirectory { directory in
            let path = directory.appendingPathComponent("photo.sqlite").path
            let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            try junk.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: SQLiteError.self) { try JobStore(path: path) }
            #expect(error.code == "sqlite_notadb")
            // The file is left as it was: nothing was written into it.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)

            let directoryError = try #require(throws: SQLiteError.self) { try SQLiteConnection(path: directory.path) }
            #expect(directoryError.code == "sqlite_cantopen")
        }
    }
}
