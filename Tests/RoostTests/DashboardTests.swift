import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// The operations dashboard's routes against the real gateway, worker and Redis: what it shows,
/// retry of a failed job from its kept original, discard, the page and its protection.
@Suite(.serialized) struct DashboardTests {
    /// A probe job whose blob Redis lost before a worker ran it: it fails `image_expired`.
    private func failedJob(_ cluster: Cluster, _ client: TestClient, photo: [UInt8]) throws -> String {
        let accepted = try client.upload("/jobs/probe", file: photo)
        let id = try #require(accepted.jsonBody["id"]?.stringValue, "\(accepted.text)")
        let queue = try cluster.queue()
        _ = try queue.connection.call(["DEL", .text(queue.layout.blob(.interactive, sha256: SHA256.hexDigest(photo)))])
        return id
    }

    @Test func aFailedJobShowsWithItsErrorAndRetryRunsItAgainFromItsOriginal() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let photo = try Fixtures.bytes("eagle"), other = try Fixtures.bytes("dog")
        let id = try failedJob(cluster, client, photo: photo)
        let second = try failedJob(cluster, client, photo: other)
        try cluster.startWorker()
        for job in [id, second] {
            #expect(try client.terminalStatus(of: job, timeout: 60)["error"]?["code"]?.stringValue == "image_expired")
        }

        var snapshot = JSON.null
        #expect(waitUntil(timeout: 30) {
            snapshot = (try? client.get("/ops/dashboard.json").jsonBody) ?? .null
            // The worker's counters arrive with its next heartbeat.
            return (snapshot["failures"]?.arrayValue?.count ?? 0) == 2 && (snapshot["workers"]?[0]?["failed"]?.intValue ?? 0) >= 2
        }, "\(snapshot)")
        let failure = try #require(snapshot["failures"]?.arrayValue?.first { $0["id"]?.stringValue == id })
        #expect(failure["state"]?.stringValue == "failed" && failure["error_code"]?.stringValue == "image_expired" && failure["kind"]?.stringValue == "probe")
        let interactive = try #require(snapshot["lanes"]?.arrayValue?.first { $0["lane"]?.stringValue == "interactive" })
        #expect(interactive["depth"]?.intValue == 0 && interactive["enqueued_per_min"]?.arrayValue?.count == 15)
        let worker = try #require(snapshot["workers"]?[0])
        #expect(worker["kinds"]?.arrayValue == ["probe"] && worker["stale"]?.boolValue == false)
        #expect(try client.get("/ops/jobs/\(id)").jsonBody["params"] != nil)

        // Retry: refused without the dashboard's header (no cross-site form can send it), then run
        // again under the same id from the kept original, and it succeeds.
        #expect(try client.request("POST", "/ops/jobs/\(id)/retry").status == 403)
        let retried = try client.request("POST", "/ops/jobs/\(id)/retry", headers: [("X-Requested-With", "roost-dashboard")])
        #expect(retried.status == 202, "\(retried.text)")
        let done = try client.terminalStatus(of: id, timeout: 60)
        #expect(done["state"]?.stringValue == "succeeded", "\(done)")
        #expect((done["result"]?["width"]?.intValue ?? 0) > 0, "the photo was decoded: \(done)")
        #expect(try client.request("POST", "/ops/jobs/\(id)/retry", headers: [("X-Requested-With", "roost-dashboard")]).status == 409)

        // Discard: the other failure leaves the list, and stays failed.
        let discarded = try client.request("POST", "/ops/jobs/\(second)/discard", headers: [("X-Requested-With", "roost-dashboard")])
        #expect(discarded.status == 200, "\(discarded.text)")
        #expect(waitUntil(timeout: 30) { (try? client.get("/ops/dashboard.json").jsonBody["failures"]?.arrayValue?.isEmpty) == true })
        #expect(try client.get("/jobs/\(second)").jsonBody["state"]?.stringValue == "failed")

        // Long-poll: an unchanged snapshot comes back with the same version.
        let version = try #require(try client.get("/ops/dashboard.json").jsonBody["version"]?.stringValue)
        #expect(try client.get("/ops/dashboard.json?since=\(version)&wait=1").jsonBody["version"]?.stringValue == version)
    }

    @Test func thePageLoadsWithoutTheTokenAndTheDataNeedsIt() throws {
        let cluster = try Cluster(environment: ["ROOST_OPS_TOKEN": "s3cret-ops"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let page = try client.get("/ops/")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        #expect(page.text.contains("/ops/dashboard.js") && !page.text.contains("http"), "no external URL")
        #expect(try client.get("/ops/dashboard.js").headers["content-type"]?.hasPrefix("text/javascript") == true)
        #expect(try client.get("/ops/dashboard.json").status == 401)
        #expect(try client.request("POST", "/ops/jobs/x/retry", headers: [("X-Requested-With", "roost-dashboard")]).status == 401)
        let data = try client.get("/ops/dashboard.json", headers: [("Authorization", "Bearer s3cret-ops")])
        #expect(data.status == 200 && data.jsonBody["lanes"]?.arrayValue?.count == 2)
    }

    /// In a real headless browser (Debian chromium, driven by selenium from the verification venv):
    /// the page shows the failed job and the worker, Retry runs it again, the lookup shows it succeeded.
    @Test func anOperatorRetriesAFailedJobFromTheDashboardInABrowser() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "chromium-driver is missing: run scripts/install-deps.sh")
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let id = try failedJob(cluster, client, photo: try Fixtures.bytes("chelsea"))
        try cluster.startWorker(name: "dashboard-worker")
        #expect(try client.terminalStatus(of: id, timeout: 60)["state"]?.stringValue == "failed")

        let screenshot = cluster.directory.appendingPathComponent("dashboard.png").path
        let (status, text, report) = try VerificationScript.run("dashboard_check.py", ["http://127.0.0.1:\(cluster.httpPort)", id,
                                                                                   "dashboard-worker", screenshot])
        #expect(status == 0, "\(text)")
        #expect(report["ok"]?.boolValue == true && report["state_after"]?.stringValue == "succeeded", "\(text)")
        #expect(FileManager.default.fileExists(atPath: screenshot))
        #expect(try client.get("/jobs/\(id)").jsonBody["state"]?.stringValue == "succeeded")
    }
}
