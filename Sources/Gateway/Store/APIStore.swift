import Foundation

/// The base of the API stores (BirdWeather, TheDogAPI): their own connection to the gateway's
/// SQLite file (WAL lets it work beside `JobStore`), brought up to date with `JobStore.migrations`,
/// and one lock around it. Calls block, so they run on connection threads and the ingester,
/// never on Swift's cooperative pool.
class APIStore: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state is `connection`, used only inside `lock.withLock`.
    private let lock = NSLock()
    private let connection: SQLiteConnection

    /// Opens the gateway database at `path` and runs the migrations not yet applied.
    init(path: String) throws {
        connection = try SQLiteConnection(path: path)
        try Migrator.migrate(connection, to: JobStore.migrations)
    }

    /// Closes the connection; later calls throw `sqlite_closed`.
    func close() { withConnection { $0.close() } }

    /// Runs `body` with the connection, under the lock.
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        try lock.withLock { try body(connection) }
    }
}
