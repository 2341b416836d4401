import Foundation
@testable import Gateway

/// A fresh directory under the system temp dir for one test's database files, removed afterwards
/// even when the test throws.
func withStoreDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("roost-store-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// A job row with every optional field filled, for round-trip tests.
func storeSampleJob(id: String, owner: String? = "account-7", key: String? = nil, createdAt: Double = 1_700_000_000.25) -> JobRow {
    JobRow(id: id, kind: "classify", lane: "interactive", owner: owner, idempotencyKey: key,
           imageSHA256: String(repeating: "ab", count: 32), imageBytes: 123_456, createdAt: createdAt)
}
