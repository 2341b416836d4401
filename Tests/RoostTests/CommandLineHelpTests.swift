import Foundation
import Testing
@testable import Shared

/// Every binary answers `--help` and `--version` without starting anything, and refuses unknown
/// arguments with exit status 2; the settings it lists are README's.
@Suite struct CommandLineHelpTests {
    /// Runs `binary` with `arguments` (and no Redis anywhere near: `ROOST_REDIS_URL` points at a
    /// closed port, so a binary that started its service would hang or fail, not answer).
    private func run(_ binary: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Cluster.binary(binary))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ROOST_REDIS_URL"] = "redis://127.0.0.1:1"
        environment["ROOST_HTTP_PORT"] = "1"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output, errors)
    }

    @Test(arguments: [("roost-gateway", "ROOST_HTTP_PORT"), ("roost-worker", "ROOST_WORKER_KINDS"), ("roost", "ROOST_SERVER")])
    func helpVersionAndUnknownArguments(binary: String, ownVariable: String) throws {
        let help = try run(binary, ["--help"])
        #expect(help.status == 0, "\(help.err)")
        #expect(help.out.contains("usage:") && help.out.contains(ownVariable), "\(help.out)")
        #expect(help.out.contains("ROOST_LOG_LEVEL") == (binary != "roost"), "settings of `all` are listed for the services")
        let version = try run(binary, ["--version"])
        #expect(version.status == 0 && version.out == "\(binary) \(RoostVersion.string)\n")
        let unknown = try run(binary, ["--frobnicate"])
        #expect(unknown.status == 2 && unknown.err.contains("--frobnicate") && unknown.out.isEmpty)
    }

    /// README's Configuration table and `ConfigurationVariables` agree, and every `ROOST_*` name
    /// the sources read is in both.
    @Test func readmeTableAndSourcesAgree() throws {
        let root = Cluster.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Configuration").map { readme[$0.lowerBound...] })
        var rows: [(String, String, String)] = []
        for line in section.split(separator: "\n") where line.hasPrefix("| `ROOST_") {
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
            let names = cells[0].components(separatedBy: " / ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
            let defaults = names.count > 1 ? cells[1].components(separatedBy: " / ") : [cells[1]]
            for (name, value) in zip(names, defaults) { rows.append((name, value, cells[2])) }
        }
        let listed = ConfigurationVariables.all.map { ($0.name, $0.defaultValue, $0.usedBy) }
        #expect(rows.map(\.0) == listed.map(\.0))
        #expect(rows.map(\.1) == listed.map(\.1))
        #expect(rows.map(\.2) == listed.map(\.2))

        var used: Set<String> = []
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" && file.lastPathComponent != "ConfigurationVariables.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            var rest = text[...]
            while let start = rest.range(of: "\"ROOST_") {
                let tail = rest[start.upperBound...]
                let name = "ROOST_" + tail.prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
                if tail.dropFirst(name.count - 6).first == "\"" { used.insert(name) }
                rest = tail
            }
        }
        let documented = Set(listed.map(\.0))
        #expect(used.subtracting(documented).isEmpty, "read but not documented: \(used.subtracting(documented).sorted())")
    }
}
