import Foundation
import Testing
@testable import Shared

/// The test harness itself: parallel tests must never share a server by accident.
@Suite struct TestSupportTests {
    @Test func aRedisServerWhosePortIsTakenMovesToItsOwnPort() throws {
        let first = try RedisServer()
        // The second server is first started on the port the first one holds, as when two tests
        // pick the same free port: its process exits, and it must not adopt the other's server.
        let second = try RedisServer(preferredPort: first.port)
        #expect(second.port != first.port)
        let a = try first.connect(), b = try second.connect()
        try a.call(["SET", "owner", "first"])
        #expect(try b.call(["GET", "owner"]).text == nil)
    }

    @Test func serverProcessIDIsReadFromInfo() {
        #expect(RedisServer.serverProcessID("# Server\r\nredis_version:7.0.15\r\nprocess_id:4242\r\nrun_id:x\r\n") == 4242)
        #expect(RedisServer.serverProcessID("# Server\r\n") == nil)
    }
}
