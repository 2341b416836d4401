import Foundation
import Shared

/// The BirdWeather API's durable state in the gateway's SQLite file: the species catalogue,
/// users, stations, detections, soundscapes and station photos.
///
/// Same discipline as `FaceIDStore`: its own connection to the file (WAL lets it work beside
/// `JobStore`), one lock, called from connection threads and the ingester, never from Swift's
/// cooperative pool.
final class BirdWeatherStore: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state is `connection`, used only inside `lock.withLock`.
    private let lock = NSLock()
    private let connection: SQLiteConnection

    /// Opens the gateway database at `path` and brings it up to date with `JobStore.migrations`.
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

    /// Makes the species table hold exactly `catalogue` (ids are label line numbers, so a row's
    /// id never changes meaning); a no-op when it already does.
    func syncSpecies(_ catalogue: SpeciesCatalogue) throws {
        try withConnection { db in
            let count = try db.scalarInt("SELECT COUNT(*) FROM bw_species") ?? 0
            let last = try db.scalarText("SELECT scientific_name || '_' || common_name FROM bw_species WHERE id = ?",
                                         [.integer(Int64(catalogue.all.count))])
            if count == catalogue.all.count, last == catalogue.all.last?.birdNETName { return }
            try db.transaction {
                _ = try db.run("DELETE FROM bw_species")
                for s in catalogue.all {
                    _ = try db.run("INSERT INTO bw_species (id, scientific_name, common_name, color) VALUES (?, ?, ?, ?)",
                                   [.integer(Int64(s.id)), .text(s.scientificName), .text(s.commonName), .text(s.color)])
                }
            }
        }
    }
}
