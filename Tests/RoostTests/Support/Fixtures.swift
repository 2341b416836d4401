import Foundation
import Testing

/// Real test photos fetched by `make fixtures` (scripts/fetch-fixtures.sh) into `.cache/fixtures/`.
///
/// A missing fixture is a test failure with a message saying how to fetch it, never a skip:
/// a suite that silently passes without its photos proves nothing.
enum Fixtures {
    /// The `.cache/fixtures` folder of this checkout, found from this source file's location.
    static var directory: URL {
        URL(fileURLWithPath: #filePath)           // Tests/RoostTests/Support/Fixtures.swift
            .deletingLastPathComponent()          // Support
            .deletingLastPathComponent()          // RoostTests
            .deletingLastPathComponent()          // Tests
            .deletingLastPathComponent()          // repository root
            .appendingPathComponent(".cache/fixtures", isDirectory: true)
    }

    /// The file of fixture `name` ("eagle.jpg"; a name without an extension means ".jpg").
    /// Records a test failure when the file is missing.
    static func url(_ name: String) -> URL {
        let file = directory.appendingPathComponent(name.contains(".") ? name : name + ".jpg")
        if !FileManager.default.fileExists(atPath: file.path) {
            Issue.record(Comment(rawValue: missingMessage(file)))
        }
        return file
    }

    /// The bytes of fixture `name`; throws (failing the test) with a fetch hint when it is missing.
    static func bytes(_ name: String) throws -> [UInt8] {
        let file = directory.appendingPathComponent(name.contains(".") ? name : name + ".jpg")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw FixtureMissing(description: missingMessage(file))
        }
        return [UInt8](data)
    }

    private static func missingMessage(_ file: URL) -> String {
        "fixture \(file.lastPathComponent) is missing from \(directory.path): run `make fixtures` (scripts/fetch-fixtures.sh)"
    }
}

/// Thrown by `Fixtures.bytes` when a fixture file is not on disk.
struct FixtureMissing: Error, CustomStringConvertible {
    /// What is missing and how to fetch it.
    let description: String
}
