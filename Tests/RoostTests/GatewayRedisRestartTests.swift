import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// After Redis drops every connection (a restart, a failover, `CLIENT KILL`), the gateway's next
/// requests succeed: pooled connections the server closed are replaced instead of failing a client.
@Suite("Gateway after a Redis restart")
struct GatewayRedisRestartTests {
    @Test func pooledConnectionsClosedByRedisCostNoClient503() throws {
        let panel = try FaceIDTestGateway()
        let client = try TestClient(port: panel.port)
        let photo = try Fixtures.bytes("eagle")
        // Several requests at once leave several connections in the pool.
        let ids = try (0..<4).map { _ in try #require(try client.upload("/jobs/probe", file: photo).jsonBody["id"]?.stringValue) }
        let admin = try panel.redis.connect()
        let killed = try admin.call(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]).int ?? 0
        #expect(killed >= 1)
        for id in ids { #expect(try client.get("/jobs/\(id)").status == 200) }
        #expect(try client.upload("/jobs/probe", file: photo).status == 202)
    }
}
