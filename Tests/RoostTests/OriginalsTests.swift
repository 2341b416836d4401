import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Accepted uploads are kept on disk, content-addressed, so a job Redis lost can run again.
@Suite(.serialized) struct OriginalsTests {
    @Test func savesContentAddressedFilesOnceAndLeavesNoTemporaries() throws {
        try withStoreDirectory { directory in
            let originals = try OriginalStore(directory: directory.appendingPathComponent("originals"))
            let photo = try Fixtures.bytes("dog")
            let sha = SHA256.hexDigest(photo)
            try originals.save(photo, sha256: sha)
            try originals.save(photo, sha256: sha)
            let path = try #require(originals.path(sha256: sha))
            #expect(path == directory.appendingPathComponent("originals/\(sha.prefix(2))/\(sha)").path)
            #expect(originals.load(sha256: sha) == photo)
            let folder = (path as NSString).deletingLastPathComponent
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [sha])
            #expect(throws: OriginalStoreError.self) { try originals.save(photo, sha256: "../../etc/passwd") }
            #expect(originals.load(sha256: String(repeating: "0", count: 64)) == nil)
        }
    }

    /// Redis loses every job after the gateway accepted them: they all still succeed, under their ids.
    @Test func jobsAcceptedBeforeRedisLostItsDataStillSucceed() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe", "ROOST_STALE_AFTER": "1", "ROOST_JANITOR_INTERVAL": "0.2"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let photo = try Fixtures.bytes("pixel-1x1")
        var ids: [String] = []
        for i in 0..<20 {
            let accepted = try client.upload("/jobs/probe", file: photo + Array("#\(i)".utf8),
                                             headers: [("Idempotency-Key", "flush-\(i)"), ("X-Api-Key", "flush")])
            #expect(accepted.status == 202)
            ids.append(try #require(accepted.jsonBody["id"]?.stringValue))
        }
        let originals = cluster.directory.appendingPathComponent("data/originals")
        let kept = FileManager.default.enumerator(atPath: originals.path)?.compactMap { $0 as? String }.filter { $0.count == 67 } ?? []
        #expect(kept.count == 20)
        try cluster.redis.connect().call(["FLUSHALL"])
        try cluster.startWorker()
        var states: [String: String] = [:]
        _ = waitUntil(timeout: 60, interval: 0.2) {
            for id in ids where states[id] != "succeeded" {
                states[id] = try? client.get("/jobs/\(id)", headers: [("X-Api-Key", "flush")]).jsonBody["state"]?.stringValue
            }
            return ids.allSatisfy { states[$0] == "succeeded" }
        }
        #expect(ids.allSatisfy { states[$0] == "succeeded" }, "\(states) \(cluster.log("gateway.log").suffix(2000))")
        // Retrying an upload after the loss still answers with its job, not a new one.
        let again = try client.upload("/jobs/probe", file: photo + Array("#0".utf8),
                                      headers: [("Idempotency-Key", "flush-0"), ("X-Api-Key", "flush")])
        #expect(again.jsonBody["id"]?.stringValue == ids[0])
    }
}
