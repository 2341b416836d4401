import Foundation
import Testing
import Shared
@testable import Gateway

/// A throughput figure for reports, not a pass/fail check: runs only with ROOST_HTTP_BENCH=1 and wrk installed.
/// `ROOST_HTTP_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter HTTPBenchmark`
/// (add `ROOST_LOG_LEVEL=info` and `2>/dev/null` to include the cost of the access log lines).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ROOST_HTTP_BENCH"] == "1"
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk"), "set ROOST_HTTP_BENCH=1 and install wrk"))
struct HTTPBenchmarkTests {
    @Test func keepAliveGetThroughput() throws {
        let router = Router()
        router.add("GET", "/v1/health") { _ in .json(200, ["status": "ok"]) }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.shutdownGrace = 5
        let server = HTTPServer(configuration: configuration, router: router, log: Log(component: "http-bench"))
        try server.start()
        defer { server.shutdown() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t2", "-c32", "-d5s", "http://127.0.0.1:\(server.boundPort)/v1/health"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(report)
        #expect(report.contains("Requests/sec"))
    }
}
