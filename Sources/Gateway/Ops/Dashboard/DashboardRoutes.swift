import Foundation
import Shared

/// The operations dashboard: `GET /ops/` (a page, its script and style: no data in them, so they
/// load without the token; the page asks for it), `GET /ops/dashboard.json` (lanes, rates,
/// workers, recent failures; long-polls with `?since=<version>&wait=<s>`), `GET /ops/jobs/{id}`
/// (any job, whoever owns it) and `POST /ops/jobs/{id}/retry` / `/discard`. The data routes need
/// the ops token (`OpsAccess`); the two actions also need `X-Requested-With: roost-dashboard`,
/// which no cross-site form can send.
struct DashboardRoutes {
    let pool: RedisPool
    let store: JobStore
    let originals: OriginalStore
    let sampler: LaneRateSampler
    let access: OpsAccess
    /// Dashboard long-polls waiting at once; beyond it they answer at once.
    let polls = DashboardPolls(limit: 8)

    /// Seconds without a heartbeat after which a worker shows as stale (two default intervals; its
    /// key expires after three, when it leaves the list).
    static let staleAfter = 10.0

    /// Adds the routes.
    func register(on router: Router) {
        for (path, asset) in [("/ops/", DashboardAssets.page), ("/ops/dashboard.js", DashboardAssets.script), ("/ops/dashboard.css", DashboardAssets.style)] {
            router.add("GET", path, lane: .inline) { _ in
                HTTPResponse(status: 200, headers: [("Content-Type", asset.type), ("Cache-Control", "no-cache"),
                                                    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
                                                    ("X-Content-Type-Options", "nosniff")], body: Array(asset.body.utf8))
            }
        }
        router.add("GET", "/ops/dashboard.json", access.guarded(GatewayError.guarded { request in try snapshotResponse(request) }))
        router.add("GET", "/ops/jobs/{id}", lane: .ops, access.guarded(GatewayError.guarded { request in
            guard let row = try store.job(id: request.pathParameters["id"] ?? "") else { throw HTTPError.notFound("no job with this id") }
            return .json(200, Self.jobDocument(row, params: try store.params(jobID: row.id)))
        }))
        router.add("POST", "/ops/jobs/{id}/retry", lane: .ops, access.guarded(GatewayError.guarded { request in try retry(request) }))
        router.add("POST", "/ops/jobs/{id}/discard", lane: .ops, access.guarded(GatewayError.guarded { request in
            try requireDashboard(request)
            guard let row = try store.job(id: request.pathParameters["id"] ?? "") else { throw HTTPError.notFound("no job with this id") }
            guard try store.discard(id: row.id) else {
                throw HTTPError(status: 409, code: "not_failed", message: "only failed and dead jobs can be discarded (this one is \(row.state))")
            }
            let removed = try pool.with { try $0.removeDeadLetters(lane: Lane(rawValue: row.lane) ?? .interactive, id: row.id) }
            return .json(200, ["id": .string(row.id), "discarded": true, "dead_letters_removed": .int(removed)])
        }))
    }

    private func requireDashboard(_ request: HTTPRequest) throws {
        guard request.headers["x-requested-with"] == "roost-dashboard" else {
            throw HTTPError(status: 403, code: "dashboard_header_required", message: "send X-Requested-With: roost-dashboard")
        }
    }

    /// Runs a failed or dead job again from its kept original, under the same id, with a fresh
    /// attempt budget: its clients' status links stay valid and show the new run.
    private func retry(_ request: HTTPRequest) throws -> HTTPResponse {
        try requireDashboard(request)
        guard let row = try store.job(id: request.pathParameters["id"] ?? "") else { throw HTTPError.notFound("no job with this id") }
        guard row.state == JobState.failed.rawValue || row.state == JobState.dead.rawValue else {
            throw HTTPError(status: 409, code: "not_failed", message: "only failed and dead jobs can be retried (this one is \(row.state))")
        }
        guard let sha = row.imageSHA256, let bytes = originals.load(sha256: sha), let params = try store.params(jobID: row.id) else {
            throw HTTPError(status: 409, code: "original_gone", message: "the job's upload is no longer kept: it cannot run again")
        }
        guard try store.reopenForRetry(id: row.id) else { throw HTTPError(status: 409, code: "not_failed", message: "the job changed meanwhile") }
        let lane = Lane(rawValue: row.lane) ?? .interactive
        let enqueue = EnqueueRequest(kind: row.kind, lane: lane, blob: bytes, blobSHA256: sha, params: (try? JSON.parse(params)) ?? .object([]),
                                     owner: row.owner ?? "", idempotencyKey: nil, id: row.id, createdAt: row.createdAt)
        switch try pool.with({ try $0.retry(enqueue) }) {
        case .created, .existing:
            return .json(202, ["id": .string(row.id), "state": "queued", "links": ["status": .string("/ops/jobs/\(row.id)")]])
        case .busy:
            // The row stays queued: the store janitor enqueues it once the lane has room.
            throw HTTPError.serviceUnavailable(retryAfter: 5, message: "the lane is full; the janitor will queue the job when it has room")
        }
    }

    // MARK: Snapshot

    private func snapshotResponse(_ request: HTTPRequest) throws -> HTTPResponse {
        var snapshot = try self.snapshot()
        let wait = min(max(0, Double(request.queryValue("wait") ?? "") ?? 0), 25)
        if let since = request.queryValue("since"), since == snapshot.version, wait > 0, polls.enter() {
            defer { polls.leave() }
            let deadline = Clock.now() + wait
            while Clock.now() < deadline {
                Thread.sleep(forTimeInterval: 0.5)
                snapshot = try self.snapshot()
                if snapshot.version != since { break }
            }
        }
        return .json(200, snapshot.json, headers: [("Cache-Control", "no-store")])
    }

    /// Everything the page shows, and a version that changes when any of it does (rates and
    /// heartbeat ages excluded, so an idle cluster's long-poll waits).
    func snapshot(now: Double = Clock.now()) throws -> (version: String, json: JSON) {
        let (lanes, workers) = try pool.with { queue in (try QueueInspector(queue: queue).lanes(), try QueueInspector(queue: queue).workers()) }
        let failures = try store.recentFailures(limit: 50)
        let laneDocs: [JSON] = lanes.map { figures in
            let rates = sampler.perMinute(lane: figures.lane, now: now)
            return ["lane": .string(figures.lane.rawValue), "depth": .int(figures.depth), "in_flight": .int(figures.inFlight),
                    "oldest_age_s": .double((figures.oldestAge * 10).rounded() / 10), "delayed": .int(figures.delayed), "dead": .int(figures.dead),
                    "enqueued_per_min": .array(rates.enqueued.map { $0.map { .double(($0 * 10).rounded() / 10) } ?? .null }),
                    "completed_per_min": .array(rates.completed.map { $0.map { .double(($0 * 10).rounded() / 10) } ?? .null })]
        }
        let workerDocs: [JSON] = workers.map { w in
            let seen = w["seen_at"]?.stringValue.flatMap { BirdWeatherTime(iso8601: $0)?.epoch } ?? now
            var members = w.objectValue ?? []
            members.append(("last_heartbeat_age_s", .double(((now - seen) * 10).rounded() / 10)))
            members.append(("stale", .bool(now - seen > Self.staleAfter)))
            return .object(members)
        }
        let failureDocs = failures.map { Self.jobDocument($0, params: nil) }
        var material = lanes.map { "\($0.lane.rawValue):\($0.depth):\($0.inFlight):\($0.delayed):\($0.dead)" }
        material += workers.map { "\($0["id"]?.stringValue ?? ""):\($0["processed"]?.intValue ?? 0):\($0["failed"]?.intValue ?? 0)" }
        material += failures.map { "\($0.id):\($0.state)" }
        let version = String(SHA256.hexDigest(Array(material.joined(separator: "|").utf8)).prefix(16))
        return (version, ["version": .string(version), "generated_at": .double(now), "lanes": .array(laneDocs), "workers": .array(workerDocs),
                          "failures": .array(failureDocs)])
    }

    /// A job as the dashboard shows it (any owner's: the dashboard is the operator's).
    static func jobDocument(_ row: JobRow, params: String?) -> JSON {
        var members: [(String, JSON)] = [
            ("id", .string(row.id)), ("kind", .string(row.kind)), ("lane", .string(row.lane)), ("state", .string(row.state)),
            ("attempts", .int(row.attempts)), ("owner", row.owner.map { .string($0) } ?? .null),
            ("created_at", .double(row.createdAt)), ("started_at", row.startedAt.map { .double($0) } ?? .null),
            ("finished_at", row.finishedAt.map { .double($0) } ?? .null), ("worker", row.worker.map { .string($0) } ?? .null),
            ("error_code", row.errorCode.map { .string($0) } ?? .null), ("error_message", row.errorMessage.map { .string($0) } ?? .null),
        ]
        if let params { members.append(("params", (try? JSON.parse(params)) ?? .null)) }
        return .object(members)
    }
}

/// Bounds the dashboard's long-polls (each holds a connection thread while it waits).
final class DashboardPolls: @unchecked Sendable {
    // Safe: `waiting` is only touched under `lock`.
    private let lock = NSLock()
    private var waiting = 0
    private let limit: Int

    /// At most `limit` at once.
    init(limit: Int) { self.limit = limit }

    /// Takes a place; false when all are taken (the poll answers at once).
    func enter() -> Bool { lock.withLock { guard waiting < limit else { return false }; waiting += 1; return true } }

    /// Gives the place back.
    func leave() { lock.withLock { waiting -= 1 } }
}
