import Foundation
import Shared

/// Facts, categories and health tips that admins added to the built-in ones.
extension DogAPIStore {
    /// The added entries of `kind` (`fact`, `category`, `health_tip`), oldest first.
    func entries(kind: String) throws -> [JSON] {
        try withConnection { db in
            try db.query("SELECT document FROM dog_entries WHERE kind = ? ORDER BY created_at, id", [.text(kind)]) {
                (try? JSON.parse($0.text(at: 0) ?? "")) ?? .null
            }.filter { $0 != .null }
        }
    }

    /// Stores an entry whose id `makeID` derives from how many entries of the kind exist.
    func addEntry(kind: String, makeID: (Int) -> String, document: (String) -> JSON, now: Double = Clock.now()) throws -> JSON {
        try withConnection { db in
            try db.transaction {
                let count = try db.scalarInt("SELECT COUNT(*) FROM dog_entries WHERE kind = ?", [.text(kind)]) ?? 0
                let id = makeID(count + 1)
                let json = document(id)
                _ = try db.run("INSERT INTO dog_entries (kind, id, document, created_at) VALUES (?, ?, ?, ?)",
                               [.text(kind), .text(id), .text(json.serialized()), .real(now)])
                return json
            }
        }
    }
}
