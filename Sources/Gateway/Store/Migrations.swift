import CSQLite
import Foundation

/// One schema change, numbered in code.
struct Migration: Sendable {
    /// Strictly increasing, starting at 1; never renumber a released migration.
    let version: Int
    /// Short description, recorded in `schema_migrations`.
    let name: String
    /// The DDL to run; may hold several statements.
    let sql: String
}

/// Applies numbered migrations, each in its own transaction, and records them in `schema_migrations`
/// (version, name, applied_at) so an operator can see what ran and when.
///
/// Re-running is a no-op. A database whose highest recorded version is above the newest one in
/// code was written by a newer Roost, and opening it fails with `schema_too_new` instead of
/// guessing at a schema this build does not know.
enum Migrator {
    /// Brings `connection` up to the last of `migrations`; returns the versions applied now.
    @discardableResult
    static func migrate(_ connection: SQLiteConnection, to migrations: [Migration]) throws -> [Int] {
        try validate(migrations)
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at REAL NOT NULL
            )
            """)
        let newestKnown = migrations.last?.version ?? 0
        var applied: [Int] = []
        for migration in migrations {
            // Read the version inside the write transaction, so two processes opening the same
            // file at once cannot both apply a migration.
            let ran = try connection.transaction { () throws -> Bool in
                let current = try currentVersion(connection)
                if current > newestKnown { throw SQLiteError.schemaTooNew(found: current, known: newestKnown) }
                guard migration.version > current else { return false }
                try connection.execute(migration.sql)
                try connection.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                   [.integer(Int64(migration.version)), .text(migration.name),
                                    .real(Date().timeIntervalSince1970)])
                return true
            }
            if ran { applied.append(migration.version) }
        }
        let final = try currentVersion(connection)
        if final > newestKnown { throw SQLiteError.schemaTooNew(found: final, known: newestKnown) }
        return applied
    }

    /// The highest applied version (0 for a fresh database).
    static func currentVersion(_ connection: SQLiteConnection) throws -> Int {
        try connection.scalarInt("SELECT MAX(version) FROM schema_migrations") ?? 0
    }

    private static func validate(_ migrations: [Migration]) throws {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw SQLiteError.invalidMigrations("migration \(migration.version) (\(migration.name)) is not above \(previous)")
            }
            previous = migration.version
        }
    }
}
