import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The queue on a real Redis Cluster (three masters, three replicas, started by the tests):
/// key slots as Redis computes them, redirections, jobs across shards through the real binaries,
/// and a master killed with SIGKILL mid-run. Deadlines only, no timing asserts.
@Suite(.serialized) struct RedisClusterTests {
    /// A key prefix whose two lanes hash to slots of different masters in a three-master cluster
    /// made by `redis-cli --cluster create` (interactive 6036, batch 12524), so every test here
    /// runs across shards. The default prefix puts both lanes on one master; the test checks this
    /// one does not.
    static let prefix = "shard"

    static var settings: QueueSettings {
        var settings = QueueSettings()
        settings.layout = QueueLayout(prefix: prefix)
        return settings
    }

    // MARK: slots, URLs, replies

    @Test func keySlotsMatchClusterKeyslot() throws {
        let redis = try RedisServer(extraArguments: try RedisTestCluster.nodeArguments())
        let connection = try redis.connect()
        #expect(RedisKeySlot.of("123456789") == 0x31C3 % 16_384)  // the CRC16/XMODEM check value
        let layout = QueueLayout()
        var keys = ["", "a", "foo", "{}", "{}x", "x{}", "a{b}c", "{a}{b}", "a{", "a}", "}{a}", "{{a}}", "{a", "ключ{тег}",
                    "{user1000}.following", layout.stream(.interactive, .probe), layout.job(.batch, JobID.make()), layout.worker("w-1")]
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<200 {
            let length = Int.random(in: 0..<24, using: &generator)
            keys.append(String((0..<length).map { _ in "ab{}:x0".randomElement(using: &generator)! }))
        }
        for key in keys {
            #expect(try connection.call(["CLUSTER", "KEYSLOT", key]).int == RedisKeySlot.of(key), "\(key)")
        }
        for _ in 0..<100 {
            let bytes = (0..<Int.random(in: 1..<16, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(try connection.call(["CLUSTER", "KEYSLOT", .bytes(bytes)]).int == RedisKeySlot.of(bytes), "\(bytes)")
        }
        // Every key of a partition shares its slot.
        for p in layout.partitions {
            let slots = Set([layout.stream(p, .probe), layout.job(p.lane, "x"), layout.events(p), layout.blob(p, sha256: "00"),
                             layout.held(p, .noop), layout.stats(p)].map { RedisKeySlot.of($0) })
            #expect(slots.count == 1)
        }
    }

    @Test func clusterURLsRedirectionsAndSlotMapsParse() throws {
        let endpoint = try RedisEndpoint(url: "redis+cluster://:s%40cret@10.0.0.1:7000,10.0.0.2,[::1]:7002")
        #expect(endpoint.isCluster)
        #expect(endpoint.clusterSeeds == [RedisNodeAddress(host: "10.0.0.1", port: 7000), RedisNodeAddress(host: "10.0.0.2", port: 6379),
                                          RedisNodeAddress(host: "::1", port: 7002)])
        #expect(endpoint.password == "s@cret")
        #expect(endpoint.redacted == "redis+cluster://:***@10.0.0.1:7000,10.0.0.2:6379,[::1]:7002")
        #expect(throws: RedisError.self) { try RedisEndpoint(url: "redis+cluster://h:1/2") }
        #expect(throws: RedisError.self) { try RedisEndpoint(url: "redis+cluster://") }
        #expect(try !RedisEndpoint(url: "redis://h:1").isCluster)

        #expect(RedisRedirection("MOVED 3999 127.0.0.1:6381") == .moved(slot: 3999, address: RedisNodeAddress(host: "127.0.0.1", port: 6381)))
        #expect(RedisRedirection("ASK 12 h:7") == .ask(slot: 12, address: RedisNodeAddress(host: "h", port: 7)))
        #expect(RedisRedirection("ERR MOVED") == nil)
        #expect(RedisRedirection("MOVED 99999 h:1") == nil)

        let reply = RedisReply.array([
            .array([.integer(0), .integer(99), .array([.string(Array("10.0.0.1".utf8)), .integer(7000), .string([])])]),
            .array([.integer(100), .integer(16_383), .array([.string([]), .integer(7001)]), .array([.string([]), .integer(7002)])]),
        ])
        var map = try RedisClusterMap(slotsReply: reply, answeredBy: RedisNodeAddress(host: "seed", port: 1))
        #expect(map.master(of: 0) == RedisNodeAddress(host: "10.0.0.1", port: 7000))
        #expect(map.master(of: 16_383) == RedisNodeAddress(host: "seed", port: 7001))
        #expect(map.coversAllSlots)
        map.assign(0...99, to: RedisNodeAddress(host: "seed", port: 7001))
        #expect(map.servingMasters == [RedisNodeAddress(host: "seed", port: 7001)])

        #expect(RedisCommandRoute(["EVALSHA", "abc", "2", "{t}k", "{t}j"]) == .slot(RedisKeySlot.of("t")))
        #expect(RedisCommandRoute(["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"]) == .slot(RedisKeySlot.of("s")))
        #expect(RedisCommandRoute(["XGROUP", "CREATE", "s", "g", "0"]) == .slot(RedisKeySlot.of("s")))
        #expect(RedisCommandRoute(["SCRIPT", "LOAD", "return 1"]) == .allMasters)
        #expect(RedisCommandRoute(["EVAL", "return 1", "0"]) == .anyNode)
    }

    // MARK: the queue across shards

    /// Jobs of both lanes, on two masters, go through enqueue → fetch → start → finish → events;
    /// then the interactive lane's slot is migrated to the third master by hand: a read of a key not
    /// yet moved is answered after `ASK`, and once the slot belongs to the new master the client
    /// follows `MOVED`, re-reads the map and the queue carries on there.
    @Test func queueRunsAcrossShardsAndFollowsAskAndMoved() throws {
        let redis = try RedisTestCluster()
        let client = try RedisClusterClient(endpoint: try redis.endpoint)
        let queue = JobQueue(connection: client, settings: Self.settings)
        try queue.ensureGroups()
        let layout = queue.layout
        let interactive = layout.stream(.interactive, .noop), batch = layout.stream(.batch, .noop)
        let source = try #require(client.master(of: interactive))
        #expect(source != client.master(of: batch), "the lanes should sit on two masters")

        var ids = try enqueue(queue, count: 20)
        try process(queue, ids, worker: "w1")
        try expectEvents(queue, ids: Set(ids.map(\.id)))

        // Migrate the interactive lane's slot to the master that holds neither lane.
        let slot = RedisKeySlot.of(interactive)
        let target = try #require(client.masters.first { $0 != source && $0 != client.master(of: batch) })
        let from = try RedisConnection(endpoint: RedisEndpoint(port: source.port))
        let to = try RedisConnection(endpoint: RedisEndpoint(port: target.port))
        let fromID = try #require(try from.call(["CLUSTER", "MYID"]).text), toID = try #require(try to.call(["CLUSTER", "MYID"]).text)
        try to.call(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", fromID])
        try from.call(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", toID])
        let refreshes = client.mapRefreshes
        // The source no longer has this key, so it answers ASK: the client asks the target (ASKING).
        #expect(try queue.record(lane: .interactive, id: "never-enqueued") == nil)
        #expect(client.mapRefreshes == refreshes, "ASK must not change the map")
        while true {
            let keys = try from.call(["CLUSTER", "GETKEYSINSLOT", String(slot), "100"]).array?.compactMap(\.text) ?? []
            if keys.isEmpty { break }
            try from.call(["MIGRATE", "127.0.0.1", String(target.port), "", "0", "5000", "KEYS"] + keys)
        }
        for node in redis.nodes where node.isRunning {
            _ = try? node.connect().call(["CLUSTER", "SETSLOT", String(slot), "NODE", toID])
        }
        // The next interactive command meets MOVED; the client follows it and re-reads the map.
        ids = try enqueue(queue, count: 10, from: 20)
        try process(queue, ids, worker: "w2")
        #expect(client.master(of: interactive) == target)
        #expect(client.mapRefreshes > refreshes)
        try expectEvents(queue, ids: Set(ids.map(\.id)))
    }

    /// The real gateway and worker on the cluster: jobs of both lanes (on two masters) run, their
    /// status is served, and the durable record is written once.
    @Test func probeJobsRunEndToEndAcrossShards() throws {
        let redis = try RedisTestCluster()
        let cluster = try Cluster(environment: ["ROOST_REDIS_URL": redis.url, "ROOST_REDIS_PREFIX": Self.prefix,
                                                "ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime((cluster, redis)) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let photo = try Fixtures.bytes("eagle")
        var ids: [String] = []
        for lane in ["interactive", "batch", "interactive", "batch"] {
            let accepted = try client.upload("/jobs/probe", file: photo, headers: [("X-Roost-Lane", lane)])
            #expect(accepted.status == 202, "\(accepted.jsonBody) \(cluster.log("gateway.log").suffix(2000))")
            ids.append(try #require(accepted.jsonBody["id"]?.stringValue))
        }
        for id in ids {
            let done = try client.terminalStatus(of: id)
            #expect(done["state"]?.stringValue == "succeeded", "\(done) \(cluster.log("test-worker-1.log").suffix(2000))")
            #expect(done["result"]?["width"]?.intValue == 773)
        }
        let store = try JobStore(path: cluster.directory.appendingPathComponent("data/roost.sqlite").path)
        defer { store.close() }
        #expect(waitUntil(timeout: 30) { ((try? store.counts()["succeeded"]) ?? 0) == ids.count })
        // The ops API (loopback needs no token): heartbeat keys sit in any slot and are read with
        // pipelined GETs; the lanes' counters come from their two masters.
        #expect(waitUntil(timeout: 10) { ((try? client.get("/ops/workers").jsonBody["workers"]?.arrayValue?.count) ?? 0) == 1 })
        let queues = try client.get("/ops/queues")
        #expect(queues.status == 200, "\(queues.jsonBody)")
    }

    /// `ROOST_QUEUE_SHARDS=4`: each lane's four shards sit on all three masters. The real gateway and
    /// worker run jobs from every shard, keyed repeats find their jobs, and `/ops/queues` sums the
    /// shards' counters.
    @Test func shardedLanesSpreadOverEveryMasterEndToEnd() throws {
        let redis = try RedisTestCluster()
        let map = try RedisClusterClient(endpoint: try redis.endpoint)
        let layout = QueueLayout(prefix: "roost", shards: 4)
        for lane in Lane.allCases {
            let masters = Set(layout.partitions(lane).compactMap { map.master(of: layout.stream($0, .probe)) })
            #expect(masters.count == 3, "the \(lane) lane's shards should use every master")
        }
        let cluster = try Cluster(environment: ["ROOST_REDIS_URL": redis.url, "ROOST_QUEUE_SHARDS": "4", "ROOST_WORKER_KINDS": "probe"])
        defer { withExtendedLifetime((cluster, redis)) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let photo = try Fixtures.bytes("eagle")
        var ids: [(id: String, lane: Lane)] = []
        for i in 0..<16 {
            let lane: Lane = i % 2 == 0 ? .interactive : .batch
            let headers = [("X-Roost-Lane", lane.rawValue), ("X-Api-Key", "alice"), ("Idempotency-Key", "import-\(i)")]
            let accepted = try client.upload("/jobs/probe", file: photo, headers: headers)
            #expect(accepted.status == 202, "\(accepted.jsonBody) \(cluster.log("gateway.log").suffix(2000))")
            let id = try #require(accepted.jsonBody["id"]?.stringValue)
            let again = try client.upload("/jobs/probe", file: photo, headers: headers)
            #expect(again.jsonBody["id"]?.stringValue == id, "a keyed repeat finds its job on its shard")
            ids.append((id, lane))
        }
        let masters = Set(ids.compactMap { job in map.master(of: layout.job(job.lane, job.id)) })
        #expect(masters.count >= 2, "16 jobs over 8 partitions on 3 masters")
        for job in ids {
            let done = try client.terminalStatus(of: job.id, headers: [("X-Api-Key", "alice")])
            #expect(done["state"]?.stringValue == "succeeded", "\(done) \(cluster.log("test-worker-1.log").suffix(2000))")
            #expect(done["result"]?["width"]?.intValue == 773)
        }
        let lanes = try client.get("/ops/queues").jsonBody["lanes"]?.arrayValue ?? []
        let succeeded = lanes.map { $0["counters"]?["succeeded:probe"]?.intValue ?? 0 }
        #expect(succeeded == [8, 8], "\(lanes)")
    }

    /// A master is killed with SIGKILL while uploads run; its replica takes over. Every accepted
    /// job still succeeds (what the dead master had not replicated is queued again from the kept
    /// upload), every Idempotency-Key has one job, and no result changes once seen. The lanes are
    /// split into 4 shards (with this prefix, 4 of the 8 on the killed master, the others on the two
    /// masters that live on).
    @Test func everyAcceptedJobEndsOnceWhenAMasterIsKilled() throws {
        let redis = try RedisTestCluster()
        let cluster = try Cluster(environment: ["ROOST_REDIS_URL": redis.url, "ROOST_REDIS_PREFIX": Self.prefix, "ROOST_QUEUE_SHARDS": "4",
                                                "ROOST_WORKER_KINDS": "probe", "ROOST_STALE_AFTER": "2", "ROOST_JANITOR_INTERVAL": "0.5",
                                                "ROOST_LOG_LEVEL": "warning"])
        defer { withExtendedLifetime((cluster, redis)) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        try cluster.startWorker()
        let total = 120
        let uploads = KeyedUploads(port: cluster.httpPort, photo: try Fixtures.bytes("pixel-1x1"), total: total, apiKey: "failover",
                                   headers: { i in [("X-Roost-Lane", i % 2 == 0 ? "interactive" : "batch")] })
        #expect(waitUntil(timeout: 120) { uploads.snapshot.ids.count >= total / 3 })
        let map = try RedisClusterClient(endpoint: try redis.endpoint)
        let master = try #require(map.master(of: Self.settings.layout.stream(.interactive, .probe)).flatMap { redis.node(at: $0) })
        let acceptedBeforeKill = uploads.snapshot.ids.count
        master.crash()
        #expect(waitUntil(timeout: 60, interval: 0.1) { redis.isHealthy() && !redis.mapNames(port: master.port) },
                "the replica was not promoted: \(redis.nodesText())")
        #expect(acceptedBeforeKill < total, "the master died after every upload was accepted")
        try uploads.verify(cluster: cluster, failureContext: "\(redis.nodesText()) killed \(master.port) \(cluster.log("gateway.log").suffix(3000))")
    }

    // MARK: helpers

    /// Enqueues `count` no-op jobs, alternating lanes.
    private func enqueue(_ queue: JobQueue, count: Int, from first: Int = 0) throws -> [(lane: Lane, id: String)] {
        try (first..<(first + count)).map { i in
            let lane: Lane = i % 2 == 0 || first > 0 ? .interactive : .batch
            let request = EnqueueRequest(kind: "noop", lane: lane, blob: [UInt8(i)], blobSHA256: "sha-\(i)", owner: "o")
            guard case let .created(id) = try queue.enqueue(request) else { throw RedisError.unexpected("not created") }
            return (lane, id)
        }
    }

    /// Fetches, starts and finishes jobs until every one of `ids` succeeded in Redis.
    private func process(_ queue: JobQueue, _ ids: [(lane: Lane, id: String)], worker: String) throws {
        var finished = 0
        let deadline = Date().addingTimeInterval(30)
        while finished < ids.count, Date() < deadline {
            let deliveries = try queue.fetch(consumer: worker, kinds: [.noop], count: 50, blockMillis: 100)
            let jobs = try queue.start(deliveries, worker: worker)
            finished += try queue.finish(jobs.map { ($0, JobOutcome.succeeded(["ok": true])) }, worker: worker).filter { $0 }.count
        }
        let records = try queue.records(ids)
        #expect(records.allSatisfy { $0?.state == .succeeded }, "\(records.map { $0?.state })")
    }

    /// Reads the lanes' event streams (split per slot) until every job's success was seen.
    private func expectEvents(_ queue: JobQueue, ids: Set<String>) throws {
        var succeeded: Set<String> = []
        let deadline = Date().addingTimeInterval(30)
        while !ids.isSubset(of: succeeded), Date() < deadline {
            let events = try queue.readEvents(consumer: "ingester", count: 500, blockMillis: 100)
            succeeded.formUnion(events.filter { $0.record.state == .succeeded }.map(\.record.id))
            try queue.acknowledgeEvents(events)
        }
        #expect(ids.isSubset(of: succeeded))
    }
}
