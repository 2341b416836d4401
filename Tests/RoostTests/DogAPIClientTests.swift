import Foundation
import Testing
@testable import Shared

/// An unmodified third-party client from PyPI against Roost's TheDogAPI: `catapi.py` 0.4.0 (a
/// TheCatAPI wrapper on aiohttp; TheDogAPI has the same API), pinned in the verification venv,
/// with only its base URL pointed at the gateway. `scripts/dogapi_client_check.py` drives it
/// through upload, search, get, votes, favourites, uploads, analysis and deletes.
@Suite struct DogAPIClientTests {
    @Test func catapiPyWorksAgainstRoostUnchanged() throws {
        let root = Cluster.repositoryRoot
        let python = root.appendingPathComponent(".venv-verify/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "run `make fixtures` (it creates the verification venv)")
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let key = try #require(try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                                                  body: Array(#"{"name": "catapi.py"}"#.utf8)).jsonBody["api_key"]?.stringValue)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("scripts/dogapi_client_check.py").path, "http://127.0.0.1:\(cluster.httpPort)", key,
                             Fixtures.url("dog").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)\n\(cluster.log("gateway.log").suffix(3000))")
        let report = (try? JSON.parse(text.split(separator: "\n").last.map(String.init) ?? "")) ?? .null
        #expect(report["ok"]?.boolValue == true, "\(text)")
        #expect(report["labels"]?[0]?.stringValue == "malamute", "\(text)")
    }
}
