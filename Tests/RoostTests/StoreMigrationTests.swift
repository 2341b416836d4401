import Foundation
import Testing
@testable import Gateway

@Suite struct StoreMigrationTests {
    @Test func migrationsAreIdempotentAndSurviveReopen() throws {
        try withStoreDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let store = try JobStore(path: path)
            try store.insertAccepted(storeSampleJob(id: "job-1"))
            store.close()

            let db = try SQLiteConnection(path: path)
            #expect(try Migrator.migrate(db, to: JobStore.migrations) == [])
            #expect(try Migrator.currentVersion(db) == JobStore.migrations.last?.version)
            #expect(try db.scalarInt("SELECT COUNT(*) FROM schema_migrations") == JobStore.migrations.count)
            db.close()

            let reopened = try JobStore(path: path)
            #expect(try reopened.job(id: "job-1") == storeSampleJob(id: "job-1"))
        }
    }

    @Test func eachMigrationIsAtomic() throws {
        try withStoreDirectory { directory in
            let db = try SQLiteConnection(path: directory.appendingPathComponent("m.sqlite").path)
            let good = Migration(version: 1, name: "a", sql: "CREATE TABLE a (x)")
            let broken = Migration(version: 2, name: "b", sql: "CREATE TABLE b (x); INSERT INTO missing VALUES (1)")
            #expect(try Migrator.migrate(db, to: [good]) == [1])
            #expect(throws: SQLiteError.self) { try Migrator.migrate(db, to: [good, broken]) }
            #expect(try Migrator.currentVersion(db) == 1)
            #expect(try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'") == 0)
            let fixed = Migration(version: 2, name: "b", sql: "CREATE TABLE b (x)")
            #expect(try Migrator.migrate(db, to: [good, fixed]) == [2])
        }
    }

    @Test func databaseFromNewerVersionFailsClearly() throws {
        try withStoreDirectory { directory in
            let path = directory.appendingPathComponent("future.sqlite").path
            _ = try JobStore(path: path)
            let db = try SQLiteConnection(path: path)
            try db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)")
            db.close()
            let error = try #require(throws: SQLiteError.self) { try JobStore(path: path) }
            #expect(error.code == "schema_too_new")
            #expect(error.message.contains("99"))
        }
    }

    @Test func outOfOrderMigrationListIsRejected() throws {
        let db = try SQLiteConnection(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try Migrator.migrate(db, to: [Migration(version: 2, name: "x", sql: "SELECT 1"), Migration(version: 1, name: "y", sql: "SELECT 1")])
        }
        #expect(error.code == "invalid_migrations")
    }
}
