import Foundation
import Shared

/// `GET /v1/images/search`'s filters.
struct DogImageSearch: Sendable {
    /// The searching account (nil: anonymous, public images only).
    var accountID: Int?
    /// Images with any of these breeds.
    var breedIDs: [Int] = []
    /// `image/jpeg`, `image/png` (empty: any).
    var mimeTypes: [String] = []
    /// true: with breeds; false: without; nil: either.
    var hasBreeds: Bool?
    /// The account's own images with this sub_id only.
    var subID: String?
    /// `ASC`, `DESC` or `RANDOM`.
    var order = "RANDOM"
    var limit = 1
    var page = 0
}

/// Searching reviewed images: the account's own and the public ones.
extension DogAPIStore {
    /// One page of matches and the total number of matches.
    func search(_ q: DogImageSearch) throws -> (images: [DogImage], total: Int) {
        try withConnection { db in
            var conditions = ["i.status IN ('clean','labelled')"]
            var values: [SQLiteValue] = []
            if let account = q.accountID {
                conditions.append("(i.is_public = 1 OR i.account_id = ?)")
                values.append(.integer(Int64(account)))
            } else {
                conditions.append("i.is_public = 1")
            }
            if !q.breedIDs.isEmpty {
                conditions.append("EXISTS (SELECT 1 FROM dog_image_breeds b WHERE b.image_id = i.id AND b.breed_id IN (\(Array(repeating: "?", count: q.breedIDs.count).joined(separator: ","))))")
                values += q.breedIDs.map { .integer(Int64($0)) }
            }
            if !q.mimeTypes.isEmpty {
                conditions.append("i.mime_type IN (\(Array(repeating: "?", count: q.mimeTypes.count).joined(separator: ",")))")
                values += q.mimeTypes.map { .text($0) }
            }
            if let has = q.hasBreeds {
                conditions.append("\(has ? "" : "NOT ")EXISTS (SELECT 1 FROM dog_image_breeds b WHERE b.image_id = i.id)")
            }
            if let subID = q.subID {
                conditions.append("i.sub_id = ? AND i.account_id = ?")
                values += [.text(subID), SQLiteValue(q.accountID)]
            }
            let whereSQL = conditions.joined(separator: " AND ")
            let total = try db.scalarInt("SELECT COUNT(*) FROM dog_images i WHERE \(whereSQL)", values) ?? 0
            let order = q.order.uppercased() == "RANDOM" || q.order.uppercased() == "RAND"
                ? "random()" : "i.created_at \(q.order.uppercased() == "DESC" ? "DESC" : "ASC"), i.id \(q.order.uppercased() == "DESC" ? "DESC" : "ASC")"
            let rows = try db.query("SELECT \(Self.imageColumns) FROM dog_images i WHERE \(whereSQL) ORDER BY \(order) LIMIT ? OFFSET ?",
                                    values + [.integer(Int64(q.limit)), .integer(Int64(q.limit * q.page))]) { DogImage(statement: $0) }
            return (rows, total)
        }
    }
}
