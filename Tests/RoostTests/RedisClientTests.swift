import Foundation
import Testing
@testable import Shared

/// The hiredis wrapper against a real redis-server: reply decoding, binary safety, pipelining,
/// error replies, and connection failures.
@Suite struct RedisClientTests {
    @Test func decodesEveryReplyType() throws {
        let redis = try RedisServer()
        defer { withExtendedLifetime(redis) {} }  // optimised builds may end lifetimes early
        let c = try redis.connect()
        #expect(try c.command(["PING"]) == .status("PONG"))
        #expect(try c.command(["INCR", "n"]) == .integer(1))
        #expect(try c.command(["GET", "missing"]) == .null)
        let binary: [UInt8] = [0, 255, 13, 10, 0, 36]
        _ = try c.call(["SET", "bin", .bytes(binary)])
        #expect(try c.command(["GET", "bin"]).bytes == binary)
        _ = try c.call(["RPUSH", "list", "a", "b"])
        #expect(try c.command(["LRANGE", "list", "0", "-1"]) == .array([.string(Array("a".utf8)), .string(Array("b".utf8))]))
        if case .error(let message) = try c.command(["INCR", "list"]) { #expect(message.hasPrefix("WRONGTYPE")) } else { Issue.record("expected an error reply") }
        #expect(throws: RedisError.self) { try c.call(["NOSUCHCOMMAND"]) }
        // Nested arrays (streams) decode as nested arrays.
        _ = try c.call(["XADD", "s", "*", "id", "job-1"])
        let entries = try c.call(["XRANGE", "s", "-", "+"])
        #expect(entries.array?.first?.array?[1].fieldMap["id"]?.text == "job-1")
    }

    @Test func pipelineReturnsRepliesInOrder() throws {
        let redis = try RedisServer()
        defer { withExtendedLifetime(redis) {} }  // optimised builds may end lifetimes early
        let c = try redis.connect()
        let replies = try c.pipeline((0..<100).map { ["INCRBY", "counter", .text(String($0))] })
        #expect(replies.count == 100)
        #expect(replies.last?.int == (0..<100).reduce(0, +))
    }

    @Test func largeValuesSurvive() throws {
        let redis = try RedisServer()
        defer { withExtendedLifetime(redis) {} }  // optimised builds may end lifetimes early
        let c = try redis.connect()
        let blob = (0..<(10 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = try c.call(["SET", "big", .bytes(blob)])
        #expect(try c.command(["GET", "big"]).bytes == blob)
    }

    /// Large byte arguments go to the socket from their own arrays (`writev`), between small ones
    /// and across the commands of one pipeline; the connection goes on as usual after.
    @Test func pipelineMixesLargeAndSmallArguments() throws {
        let redis = try RedisServer()
        defer { withExtendedLifetime(redis) {} }  // optimised builds may end lifetimes early
        let c = try redis.connect()
        let a = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let b = [UInt8](repeating: 13, count: RedisConnection.directWriteBytes)
        let replies = try c.pipeline([["SET", "a", .bytes(a), "EX", "60"], ["INCR", "n"], ["MSET", "b", .bytes(b), "c", .bytes([13, 10])]])
        #expect(replies == [.status("OK"), .integer(1), .status("OK")])
        #expect(try c.pipeline([["GET", "a"], ["GET", "b"], ["GET", "c"]]).map(\.bytes) == [a, b, [13, 10]])
        #expect(try c.command(["TTL", "a"]).int ?? 0 > 0)
    }

    @Test func deadServerIsAConnectionFailure() throws {
        let redis = try RedisServer()
        defer { withExtendedLifetime(redis) {} }  // optimised builds may end lifetimes early
        let c = try redis.connect()
        redis.stop()
        do {
            _ = try c.command(["PING"])
            Issue.record("a stopped server must fail")
        } catch {
            #expect(error.isConnectionFailure)
            #expect(!c.isOpen)
        }
        let port = try FreePort.find()
        #expect(throws: RedisError.self) { try RedisConnection(endpoint: RedisEndpoint(port: port), connectTimeout: 0.5) }
    }

    @Test func parsesRedisURLs() throws {
        #expect(try RedisEndpoint(url: "redis://10.0.0.5:6380/2") == RedisEndpoint(host: "10.0.0.5", port: 6380, database: 2))
        #expect(try RedisEndpoint(url: "redis://:s3cret@queue") == RedisEndpoint(host: "queue", port: 6379, password: "s3cret"))
        #expect(try RedisEndpoint(url: "redis://[::1]:7000") == RedisEndpoint(host: "::1", port: 7000))
        #expect(try RedisEndpoint(url: "redis://:pw@h:1").redacted == "redis://:***@h:1/0")
        for bad in ["http://x", "redis://", "redis://h:99999", "redis://h:1/x"] {
            #expect(throws: RedisError.self) { try RedisEndpoint(url: bad) }
        }
    }
}

/// Key layout, ids and histogram buckets.
@Suite struct QueueLayoutTests {
    @Test func everyKeyOfAPartitionSharesOneHashTagAndShardZeroKeepsTheOneShardKeys() {
        let layout = QueueLayout(prefix: "roost", shards: 3)
        var tags: [QueuePartition: String] = [:]
        for p in layout.partitions {
            // An id of this partition's shard (ids spread over shards by their last character).
            var id = JobID.make()
            while layout.partition(p.lane, id: id) != p { id = JobID.make() }
            let keys = layout.streams(p) + [layout.job(p.lane, id), layout.staging(p.lane, id: id), layout.blob(p, sha256: "ab"),
                                            layout.delayed(p), layout.dead(p), layout.events(p), layout.stats(p), layout.depth(p),
                                            layout.cancelled(p), layout.idempotency(p, owner: "o", key: "k"), layout.noIdempotency(p)]
            let found = Set(keys.map { key -> String in
                let open = key.firstIndex(of: "{")!, close = key.firstIndex(of: "}")!
                return String(key[open...close])
            })
            #expect(found.count == 1)
            tags[p] = found.first
        }
        #expect(Set(tags.values).count == 6, "two lanes × three shards, each its own tag")
        #expect(tags[.interactive] == "{roost:interactive}" && tags[QueuePartition(.batch, shard: 2)] == "{roost:batch:2}")
        let one = QueueLayout(prefix: "roost")
        #expect(one.partitions == [.interactive, .batch])
        #expect(one.stream(.interactive, .probe) == "roost:{roost:interactive}:jobs:probe", "one shard: the keys of before sharding")
        #expect(one.job(.batch, JobID.make()).hasPrefix("roost:{roost:batch}:job:"))
        #expect(layout.stream(.interactive, .probe) != layout.stream(.batch, .probe))
        #expect(layout.stream(.interactive, .probe) != layout.stream(.interactive, .classify))
        #expect(QueueLayout(prefix: "other").stream(.batch, .noop).hasPrefix("other:"))
    }

    @Test func idsSpreadOverShardsAndAnIdempotentRequestsIdsShareOne() {
        var counts = [Int](repeating: 0, count: 4)
        for _ in 0..<4_000 { counts[JobID.shard(of: JobID.make(), shards: 4)] += 1 }
        #expect(counts.allSatisfy { (800...1_200).contains($0) }, "\(counts)")
        let first = EnqueueRequest(kind: "probe", lane: .batch, blob: [], blobSHA256: "", owner: "alice", idempotencyKey: "k-1")
        let again = EnqueueRequest(kind: "probe", lane: .batch, blob: [], blobSHA256: "", owner: "alice", idempotencyKey: "k-1")
        #expect(first.id != again.id && JobID.isValid(first.id) && JobID.isValid(again.id))
        for shards in 1...JobID.maxShards {
            #expect(JobID.shard(of: first.id, shards: shards) == JobID.shard(of: again.id, shards: shards))
        }
        // Other keys land elsewhere.
        let shards = Set((0..<64).map { key in
            JobID.shard(of: EnqueueRequest(kind: "probe", lane: .batch, blob: [], blobSHA256: "", owner: "alice", idempotencyKey: "k\(key)").id,
                        shards: 8)
        })
        #expect(shards.count > 4)
    }

    @Test func jobIDsAreValidUniqueAndTimeOrdered() {
        let early = JobID.make(now: 1_700_000_000)
        let late = JobID.make(now: 1_700_000_001)
        #expect(JobID.isValid(early) && JobID.isValid(late))
        #expect(early < late)
        #expect(Set((0..<1000).map { _ in JobID.make() }).count == 1000)
        #expect(!JobID.isValid("../../etc/passwd"))
        #expect(!JobID.isValid(early.lowercased()))
    }

    @Test func durationBucketsPickTheSmallestBoundHolding() {
        #expect(DurationBuckets.label(for: 0.0004) == "0.001")
        #expect(DurationBuckets.label(for: 0.001) == "0.001")
        #expect(DurationBuckets.label(for: 0.3) == "0.5")
        #expect(DurationBuckets.label(for: 2) == "2.5")
        #expect(DurationBuckets.label(for: 1000) == "+Inf")
    }

    @Test func retryDelaysGrowExponentiallyWithJitterAndACap() {
        var settings = QueueSettings()
        settings.retryBase = 1
        settings.retryMax = 30
        for attempt in 1...10 {
            let delay = settings.retryDelay(afterAttempt: attempt)
            let nominal = min(30, pow(2, Double(attempt - 1)))
            #expect(delay >= nominal * 0.5 && delay <= min(30, nominal * 1.5))
        }
    }
}
