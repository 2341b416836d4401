import Foundation
import Synchronization
import Testing
@testable import Shared
@testable import Gateway
@testable import CLI

/// `roost import` (the real binary) against the real cluster and, for the retry rules, a scripted
/// HTTP server: every file once, resumable after a kill, nothing submitted twice.
@Suite(.serialized) struct ImporterTests {
    /// A folder of `copies` distinct photos (fixtures with a suffix after their end), 3 truncated
    /// JPEGs, 3 text files and a PNG, some in a subfolder; plus a hidden file that must be ignored.
    private func folder(copies: Int) throws -> (URL, images: Int) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("roost-import-\(UUID().uuidString)")
        let sub = root.appendingPathComponent("photos/more")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let sources = ["eagle", "dog", "chelsea", "grace_hopper_512x512", "pixel-1x1"]
        for index in 0..<copies {
            let bytes = try Fixtures.bytes(sources[index % sources.count]) + Array("copy \(index)".utf8)
            try Data(bytes).write(to: root.appendingPathComponent("photos/p\(String(format: "%04d", index)).jpg"))
        }
        let eagle = try Fixtures.bytes("eagle")
        for index in 0..<3 {
            try Data(eagle.prefix(2_000 + index)).write(to: sub.appendingPathComponent("broken\(index).jpg"))
            try Data("notes \(index)\n".utf8).write(to: sub.appendingPathComponent("notes\(index).txt"))
        }
        try Data(contentsOf: PNGDecoderTests.pngDirectory.appendingPathComponent("chelsea.png")).write(to: sub.appendingPathComponent("cat.png"))
        try Data(eagle).write(to: root.appendingPathComponent("photos/.hidden.jpg"))
        return (root, copies + 1)
    }

    private func runImport(_ arguments: [String], in directory: URL, log: String) throws -> ChildProcess {
        try ChildProcess(executable: try Cluster.binary("roost"), arguments: ["import"] + arguments,
                         environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path], logFile: directory.appendingPathComponent(log))
    }

    private func lines(_ url: URL) -> [JSON] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
    }

    @Test func importsAFolderResumesAfterAKillAndSubmitsNothingTwice() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let (root, images) = try folder(copies: 240)
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("results.jsonl")
        let arguments = [root.appendingPathComponent("photos").path, "--kind", "probe", "--server", "http://127.0.0.1:\(cluster.httpPort)",
                         "--concurrency", "4", "--out", out.path, "--api-key", "importer"]

        // Killed (SIGKILL: no chance to tidy up) once some results are written.
        let first = try runImport(arguments, in: root, log: "first.log")
        #expect(waitUntil(timeout: 120) { lines(out).count >= 40 || first.hasExited })
        first.kill(signal: SIGKILL)
        _ = first.wait(timeout: 10)
        let beforeResume = lines(out).count
        #expect(beforeResume < images + 6, "the kill came too late to test a resume")

        let second = try runImport(arguments, in: root, log: "second.log")
        _ = second.wait(timeout: 300)
        let status = second.exitCode
        let summary = (try? String(contentsOf: root.appendingPathComponent("second.log"), encoding: .utf8)) ?? ""
        #expect(status == 1, "exit status: failures are reported: \(summary)")
        #expect(summary.contains("done by an earlier run"))

        let results = lines(out)
        let paths = results.compactMap { $0["path"]?.stringValue }
        #expect(paths.count == images + 6, "one line per file")
        #expect(Set(paths).count == paths.count, "no file twice")
        #expect(!paths.contains { $0.contains(".hidden") })
        let states = Dictionary(grouping: results, by: { $0["state"]?.stringValue ?? "" }).mapValues(\.count)
        #expect(states["succeeded"] == images, "\(states)")
        #expect(states["rejected"] == 3 && states["skipped"] == 3, "\(states)")
        let png = results.first { $0["path"]?.stringValue?.hasSuffix("cat.png") == true }
        #expect(png?["result"]?["width"]?.intValue == 451)
        #expect(results.first { $0["state"]?.stringValue == "rejected" }?["error"]?["code"]?.stringValue == "truncated_jpeg")

        // Nothing was submitted twice: one job per image in the gateway's store, each line's job distinct.
        let jobIDs = results.compactMap { $0["job_id"]?.stringValue }
        #expect(Set(jobIDs).count == images)
        let db = try SQLiteConnection(path: cluster.directory.appendingPathComponent("data/roost.sqlite").path)
        #expect(try db.scalarInt("SELECT count(*) FROM jobs") == images)

        // Run again: everything is done, nothing is sent.
        let third = try runImport(arguments, in: root, log: "third.log")
        _ = third.wait(timeout: 60)
        #expect(third.exitCode == 1, "earlier failures still count")
        #expect(lines(out).count == images + 6)
        #expect(try db.scalarInt("SELECT count(*) FROM jobs") == images)
    }

    @Test func waitsOutRetryAfterAndWritesCSV() throws {
        let posts = Mutex(0)
        let router = Router()
        router.add("POST", "/jobs/{kind}") { request in
            let count = posts.withLock { $0 += 1; return $0 }
            if count <= 3 { return .json(503, ["error": ["code": "service_unavailable", "message": "full"]], headers: [("Retry-After", "1")]) }
            let key = request.headers["idempotency-key"] ?? ""
            return .json(202, ["id": .string("job-" + String(key.suffix(8))), "state": "queued"])
        }
        router.add("GET", "/jobs/{id}") { request in
            .json(200, ["id": .string(request.pathParameters["id"] ?? ""), "state": "succeeded", "result": ["note": "a, \"quoted\" value"]])
        }
        let server = try TestHTTPServer(router: router)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("roost-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(try Fixtures.bytes("eagle")).write(to: root.appendingPathComponent("a, b.jpg"))
        try Data(try Fixtures.bytes("dog")).write(to: root.appendingPathComponent("c.jpg"))
        try Data((root.appendingPathComponent("a, b.jpg").path + "\n" + root.appendingPathComponent("c.jpg").path + "\n").utf8)
            .write(to: root.appendingPathComponent("list.txt"))
        let out = root.appendingPathComponent("results.csv")
        let run = try runImport(["@" + root.appendingPathComponent("list.txt").path, "--kind", "classify", "--concurrency", "1",
                                 "--server", "http://127.0.0.1:\(server.port)", "--out", out.path], in: root, log: "run.log")
        _ = run.wait(timeout: 60)
        #expect(run.exitCode == 0, "\((try? String(contentsOf: root.appendingPathComponent("run.log"), encoding: .utf8)) ?? "")")
        #expect(posts.withLock { $0 } == 5, "three refusals waited out, then one submission per file")
        let text = try String(contentsOf: out, encoding: .utf8)
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.first == "path,job_id,state,result,error_code,error_message")
        #expect(rows.count == 3)
        #expect(rows.contains { $0.hasPrefix("\"\(root.path)/a, b.jpg\",job-") && $0.contains(",succeeded,\"{\"\"note\"\":") })
        #expect(ImportLedger.paths(inResults: text, csv: true) == [root.appendingPathComponent("a, b.jpg").path, root.appendingPathComponent("c.jpg").path])
    }
}
