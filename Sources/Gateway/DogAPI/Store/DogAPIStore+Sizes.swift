import Foundation
import Shared

/// One made size of an original.
struct DogImageSize: Sendable, Equatable {
    /// `thumb`, `small` or `med`.
    var name: String
    /// The JPEG file's SHA-256 (its name in the image file store).
    var fileSHA256: String
    /// Pixels.
    var width: Int, height: Int
}

/// The web sizes of originals, and the `sizes` jobs making them.
extension DogAPIStore {
    /// The sizes made of the original `sha256`, by name.
    func sizes(originalSHA256 sha256: String) throws -> [String: DogImageSize] {
        try withConnection { db in
            let rows = try db.query("SELECT size, file_sha256, width, height FROM dog_sizes WHERE original_sha256 = ?", [.text(sha256)]) {
                DogImageSize(name: $0.text(at: 0) ?? "", fileSHA256: $0.text(at: 1) ?? "", width: Int($0.int64(at: 2)), height: Int($0.int64(at: 3)))
            }
            return Dictionary(rows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The sizes of several originals at once (one query for a page of images), by original then name.
    func sizes(originalSHA256s shas: [String]) throws -> [String: [String: DogImageSize]] {
        let unique = Array(Set(shas))
        guard !unique.isEmpty else { return [:] }
        return try withConnection { db in
            var found: [String: [String: DogImageSize]] = [:]
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                let rows = try db.query("""
                    SELECT original_sha256, size, file_sha256, width, height FROM dog_sizes
                    WHERE original_sha256 IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))
                    """, chunk.map { .text($0) }) {
                    ($0.text(at: 0) ?? "", DogImageSize(name: $0.text(at: 1) ?? "", fileSHA256: $0.text(at: 2) ?? "",
                                                        width: Int($0.int64(at: 3)), height: Int($0.int64(at: 4))))
                }
                for (sha, size) in rows { found[sha, default: [:]][size.name] = size }
            }
            return found
        }
    }

    /// Whether sizes of `sha256` exist or are being made.
    func sizesMadeOrPending(originalSHA256 sha256: String) throws -> Bool {
        try withConnection { db in
            try db.scalarInt("SELECT 1 FROM dog_sizes WHERE original_sha256 = ? UNION ALL SELECT 1 FROM dog_size_jobs WHERE original_sha256 = ? LIMIT 1",
                             [.text(sha256), .text(sha256)]) != nil
        }
    }

    /// Records that job `jobID` makes the sizes of `sha256`.
    func insertSizeJob(jobID: String, originalSHA256 sha256: String) throws {
        try withConnection { db in
            _ = try db.run("INSERT OR IGNORE INTO dog_size_jobs (job_id, original_sha256) VALUES (?, ?)", [.text(jobID), .text(sha256)])
        }
    }

    /// The original each of `jobIDs` (that is a sizes job) makes sizes of.
    func sizeJobs(jobIDs: [String]) throws -> [(jobID: String, originalSHA256: String)] {
        guard !jobIDs.isEmpty else { return [] }
        return try withConnection { db in
            var found: [(String, String)] = []
            for start in stride(from: 0, to: jobIDs.count, by: 500) {
                let chunk = Array(jobIDs[start..<min(start + 500, jobIDs.count)])
                found += try db.query("SELECT job_id, original_sha256 FROM dog_size_jobs WHERE job_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))",
                                      chunk.map { .text($0) }) { ($0.text(at: 0) ?? "", $0.text(at: 1) ?? "") }
            }
            return found
        }
    }

    /// Records a finished sizes job's sizes (or none, when it failed) and forgets the job.
    func finishSizeJob(jobID: String, originalSHA256 sha256: String, sizes: [DogImageSize]) throws {
        try withConnection { db in
            try db.transaction {
                for size in sizes {
                    _ = try db.run("INSERT OR REPLACE INTO dog_sizes (original_sha256, size, file_sha256, width, height) VALUES (?, ?, ?, ?, ?)",
                                   [.text(sha256), .text(size.name), .text(size.fileSHA256), .integer(Int64(size.width)), .integer(Int64(size.height))])
                }
                _ = try db.run("DELETE FROM dog_size_jobs WHERE job_id = ?", [.text(jobID)])
            }
        }
    }

    /// Drops the sizes of `sha256` when no image uses that original any more; returns their file digests.
    func forgetSizesIfUnused(originalSHA256 sha256: String) throws -> [String] {
        try withConnection { db in
            try db.transaction {
                guard try db.scalarInt("SELECT 1 FROM dog_images WHERE sha256 = ? LIMIT 1", [.text(sha256)]) == nil else { return [] }
                let files = try db.query("SELECT file_sha256 FROM dog_sizes WHERE original_sha256 = ?", [.text(sha256)]) { $0.text(at: 0) ?? "" }
                _ = try db.run("DELETE FROM dog_sizes WHERE original_sha256 = ?", [.text(sha256)])
                return files
            }
        }
    }

    /// Whether a size file is still used by some original's sizes.
    func sizeFileInUse(sha256: String) throws -> Bool {
        try withConnection { db in try db.scalarInt("SELECT 1 FROM dog_sizes WHERE file_sha256 = ? LIMIT 1", [.text(sha256)]) != nil }
    }
}
