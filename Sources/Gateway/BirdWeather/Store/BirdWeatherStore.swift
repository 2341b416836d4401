import Foundation
import Shared

/// The BirdWeather API's durable state in the gateway's SQLite file: the species catalogue,
/// users, stations, detections, soundscapes and station photos (see `APIStore`).
final class BirdWeatherStore: APIStore, @unchecked Sendable {

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
