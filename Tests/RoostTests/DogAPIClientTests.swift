import Foundation
import Testing
@testable import Shared

/// An unmodified third-party client from PyPI against Roost's TheDogAPI: `catapi.py` 0.4.0 (a
/// TheCatAPI wrapper on aiohttp; TheDogAPI has the same API), pinned in the verification venv,
/// with only its base URL pointed at the gateway. `scripts/dogapi_client_check.py` drives it
/// through upload, search, get, votes, favourites, uploads, analysis and deletes.
@Suite struct DogAPIClientTests {
    @Test func catapiPyWorksAgainstRoostUnchanged() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let key = try #require(try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                                                  body: Array(#"{"name": "catapi.py"}"#.utf8)).jsonBody["api_key"]?.stringValue)

        let (status, text, report) = try VerificationScript.run("dogapi_client_check.py", ["http://127.0.0.1:\(cluster.httpPort)", key,
                                                                                         Fixtures.url("dog").path])
        #expect(status == 0, "\(text)\n\(cluster.log("gateway.log").suffix(3000))")
        #expect(report["ok"]?.boolValue == true, "\(text)")
        #expect(report["labels"]?[0]?.stringValue == "malamute", "\(text)")
    }
}
