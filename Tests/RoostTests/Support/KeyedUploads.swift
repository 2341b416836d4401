import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The client side of a fault-injection run (`ChaosTests`, `RedisClusterTests`): photos uploaded
/// from three client threads with `Idempotency-Key`s, every error retried with the same key; then
/// the checks such a run must pass — every key got one job id and one SQLite row, every job
/// succeeded, and no result changes once a client has seen it.
final class KeyedUploads: @unchecked Sendable {
    // Safe: `ids` and `conflicting` are only touched under `lock`; the rest is immutable.
    private let lock = NSLock()
    private var ids: [String: String] = [:]
    private var conflicting = 0
    private let group = DispatchGroup()
    /// The `X-Api-Key` every upload sends.
    let apiKey: String
    /// How many uploads.
    let total: Int

    /// Starts uploading `total` distinct photos (`photo` with a suffix after its end) to `port`,
    /// keys `<apiKey>-<i>`; `headers` adds headers per upload (a lane, say).
    init(port: Int, photo: [UInt8], total: Int, apiKey: String, headers: @escaping @Sendable (Int) -> [(String, String)] = { _ in [] }) {
        self.apiKey = apiKey
        self.total = total
        for client in 0..<3 {
            DispatchQueue.global().async(group: group) { [self] in
                for i in stride(from: client, to: total, by: 3) {
                    let key = "\(apiKey)-\(i)"
                    let deadline = Date().addingTimeInterval(120)
                    while Date() < deadline {
                        if let answer = try? TestClient(port: port).upload("/jobs/probe", file: photo + Array("#\(i)".utf8),
                                                                           headers: [("Idempotency-Key", key), ("X-Api-Key", apiKey)] + headers(i)),
                           answer.status == 200 || answer.status == 202, let id = answer.jsonBody["id"]?.stringValue {
                            record(key: key, id: id)
                            break
                        }
                        Thread.sleep(forTimeInterval: 0.02)  // back-off between retries, not a wait for an event
                    }
                }
            }
        }
    }

    private func record(key: String, id: String) {
        lock.withLock {
            if let earlier = ids[key], earlier != id { conflicting += 1 }
            ids[key] = id
        }
    }

    /// The ids accepted so far, by key, and how many keys were answered with a second id.
    var snapshot: (ids: [String: String], conflicting: Int) { lock.withLock { (ids, conflicting) } }

    /// Waits for the client threads to finish, then checks every job through the gateway's API and
    /// its SQLite store (`failureContext` is appended to the message about jobs that did not succeed).
    func verify(cluster: Cluster, failureContext: @autoclosure () -> String) throws {
        #expect(group.wait(timeout: .now() + 180) == .success)
        let (ids, conflicting) = snapshot
        #expect(ids.count == total)
        #expect(conflicting == 0, "a key answered with two job ids")
        let client = try TestClient(port: cluster.httpPort)
        let auth = [("X-Api-Key", apiKey)]
        var states: [String: String] = [:]
        var results: [String: JSON] = [:]
        _ = waitUntil(timeout: 120, interval: 0.2) {
            for id in ids.values where !(states[id].flatMap { JobState(rawValue: $0) }?.isTerminal ?? false) {
                let status = try? client.get("/jobs/\(id)", headers: auth).jsonBody
                states[id] = status?["state"]?.stringValue
                results[id] = status?["result"]
            }
            return ids.values.allSatisfy { states[$0] == "succeeded" }
        }
        let lost = ids.values.filter { states[$0] != "succeeded" }
        #expect(lost.isEmpty, "\(lost.count) jobs not succeeded: \(lost.prefix(5).map { "\($0)=\(states[$0] ?? "?")" }) \(failureContext())")
        // One row per key in SQLite, and a finished job's result never changes.
        let store = try JobStore(path: cluster.directory.appendingPathComponent("data/roost.sqlite").path)
        defer { store.close() }
        let owner = "key:" + String(SHA256.hexDigest(Array(apiKey.utf8)).prefix(32))
        for (key, id) in ids {
            #expect(try store.job(owner: owner, idempotencyKey: key)?.id == id)
        }
        // The status API may answer from Redis a moment before the ingester has written the last
        // events to SQLite (it may have been killed and restarted with the gateway): wait for the durable store.
        #expect(waitUntil(timeout: 60, interval: 0.1) { ((try? store.counts()["succeeded"]) ?? 0) == total },
                "\((try? store.counts()) ?? [:])")
        for id in ids.values.prefix(50) {
            #expect(try client.get("/jobs/\(id)", headers: auth).jsonBody["result"] == results[id])
        }
    }
}
