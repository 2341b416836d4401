import Shared

/// Operations endpoints: `/heartbeat` (public), and behind `OpsAccess`: `/metrics` (Prometheus
/// text), `/ops/workers`, `/ops/queues`. None of them shows a job id: those are their owners' business.
struct OpsRoutes {
    let pool: RedisPool
    let metrics: GatewayMetrics
    let store: JobStore
    let access: OpsAccess
    let waiters: JobWaiters

    /// Adds the routes to `router`.
    func register(on router: Router) {
        router.add("GET", "/heartbeat", lane: .inline) { _ in .json(200, ["health": "ok"]) }
        router.add("GET", "/metrics", lane: .ops, access.guarded(GatewayError.guarded { _ in
            var text = ""
            metrics.renderHTTP(into: &text)
            let polls = waiters.figures
            text += "# HELP roost_http_long_polls Long-polls (GET /jobs/{id}?wait=) parked now.\n# TYPE roost_http_long_polls gauge\n"
            text += "roost_http_long_polls \(polls.active)\n"
            text += "# HELP roost_http_long_polls_refused_total Long-polls answered at once because ROOST_MAX_LONG_POLLS were waiting.\n"
            text += "# TYPE roost_http_long_polls_refused_total counter\nroost_http_long_polls_refused_total \(polls.refused)\n"
            let (lanes, workers, events) = try pool.with { queue in
                let inspector = QueueInspector(queue: queue)
                return (try inspector.lanes(), try inspector.workers(), try queue.eventGroups())
            }
            Prometheus.renderQueues(lanes, liveWorkers: workers.count, into: &text)
            Prometheus.renderEventGroups(events.groups, lengths: events.lengths, into: &text)
            text += "# HELP roost_store_jobs Jobs recorded in the gateway's SQLite store, by state.\n# TYPE roost_store_jobs gauge\n"
            for (state, count) in try store.counts().sorted(by: { $0.key < $1.key }) {
                text += "roost_store_jobs{state=\(Prometheus.quote(state))} \(count)\n"
            }
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
        }))
        router.add("GET", "/ops/workers", lane: .ops, access.guarded(GatewayError.guarded { _ in
            let workers = try pool.with { try QueueInspector(queue: $0).workers() }
            return .json(200, ["count": .int(workers.count), "workers": .array(workers.map(Self.withoutJobIDs))])
        }))
        router.add("GET", "/ops/queues", lane: .ops, access.guarded(GatewayError.guarded { _ in
            let lanes = try pool.with { try QueueInspector(queue: $0).lanes() }
            return .json(200, ["lanes": .array(lanes.map { figures in
                let counters = JSON.object(figures.stats.filter { !$0.key.hasPrefix("duration_") }.sorted(by: { $0.key < $1.key })
                    .map { ($0.key, JSON.int($0.value)) })
                return ["lane": .string(figures.lane.rawValue), "depth": .int(figures.depth), "in_flight": .int(figures.inFlight),
                        "oldest_age_s": .double((figures.oldestAge * 1000).rounded() / 1000), "delayed": .int(figures.delayed),
                        "dead": .int(figures.dead), "counters": counters]
            })])
        }))
    }

    /// A heartbeat document without job ids (workers of older versions listed theirs as `current_jobs`).
    static func withoutJobIDs(_ worker: JSON) -> JSON {
        guard case let .object(fields) = worker else { return worker }
        return .object(fields.map { key, value in
            key == "current_jobs" ? ("in_flight", .int(value.arrayValue?.count ?? 0)) : (key, value)
        })
    }
}
