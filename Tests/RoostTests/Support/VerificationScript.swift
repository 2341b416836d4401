import Foundation
import Testing
import Shared

/// Runs a script of `scripts/` with the verification venv's Python (`make fixtures` creates it)
/// and returns its exit status, its combined output, and its last line parsed as JSON (the
/// scripts' report; `.null` when it is not JSON).
enum VerificationScript {
    /// Runs `scripts/<script>` with `arguments`; fails the test when the venv is missing.
    static func run(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String, report: JSON) {
        let root = Cluster.repositoryRoot
        let python = root.appendingPathComponent(".venv-verify/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "run `make fixtures` (it creates the verification venv)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("scripts/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let report = (try? JSON.parse(text.split(separator: "\n").last.map(String.init) ?? "")) ?? .null
        return (process.terminationStatus, text, report)
    }
}
