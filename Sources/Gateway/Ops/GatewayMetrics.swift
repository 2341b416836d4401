import Foundation
import Shared

/// HTTP request counters of this gateway, fed by the server's per-request records.
final class GatewayMetrics: @unchecked Sendable {
    // Safe: the dictionaries are only touched while holding `lock`.
    private let lock = NSLock()
    private var requests: [String: Int] = [:]        // "route|method|status"
    private var durations: [String: (sum: Double, count: Int)] = [:]   // route
    private var openConnections: (@Sendable () -> Int)?

    /// Where the open-connections gauge reads from (the server, once it exists).
    func gaugeConnections(_ read: @escaping @Sendable () -> Int) { lock.withLock { openConnections = read } }

    /// Counts one finished request.
    func record(_ record: RequestRecord) {
        lock.lock()
        defer { lock.unlock() }
        requests["\(record.route)|\(Self.methodLabel(record.method))|\(record.status)", default: 0] += 1
        let d = durations[record.route] ?? (0, 0)
        durations[record.route] = (d.sum + record.duration, d.count + 1)
    }

    /// Methods counted under their own name; any other becomes `other`, so a client inventing
    /// methods cannot grow the label set (and the gateway's memory) without bound.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The `method` label for `method`.
    static func methodLabel(_ method: String) -> String { knownMethods.contains(method) ? method : "other" }

    /// Prometheus text for the HTTP counters.
    func renderHTTP(into out: inout String) {
        lock.lock()
        let requests = self.requests
        let durations = self.durations
        let connections = openConnections
        lock.unlock()
        if let connections {
            out += "# HELP roost_http_connections Client connections open now (idle keep-alive and parked long-polls included).\n"
            out += "# TYPE roost_http_connections gauge\nroost_http_connections \(connections())\n"
        }
        out += "# HELP roost_http_requests_total HTTP requests answered by this gateway.\n# TYPE roost_http_requests_total counter\n"
        for (key, count) in requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            out += "roost_http_requests_total{route=\(Prometheus.quote(parts[0])),method=\(Prometheus.quote(parts[1])),status=\(Prometheus.quote(parts[2]))} \(count)\n"
        }
        out += "# HELP roost_http_request_duration_seconds Time to answer HTTP requests.\n# TYPE roost_http_request_duration_seconds summary\n"
        for (route, d) in durations.sorted(by: { $0.key < $1.key }) {
            out += "roost_http_request_duration_seconds_sum{route=\(Prometheus.quote(route))} \(d.sum)\n"
            out += "roost_http_request_duration_seconds_count{route=\(Prometheus.quote(route))} \(d.count)\n"
        }
    }
}

/// Prometheus text-format helpers.
enum Prometheus {
    /// A quoted, escaped label value.
    static func quote(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// Renders the queue figures: job counters by event, kind and lane; depth, in-flight, oldest
    /// age, delayed and dead per lane; the job duration histogram; live workers.
    static func renderQueues(_ lanes: [QueueInspector.LaneFigures], liveWorkers: Int, into out: inout String) {
        let events = [("enqueued", "Jobs accepted"), ("succeeded", "Jobs that succeeded"), ("failed", "Jobs that failed permanently"),
                      ("dead", "Jobs dead-lettered after their last attempt"), ("retried", "Job attempts scheduled for retry"),
                      ("cancelled", "Jobs cancelled by clients")]
        for (event, help) in events {
            out += "# HELP roost_jobs_\(event)_total \(help) (cluster-wide).\n# TYPE roost_jobs_\(event)_total counter\n"
            for figures in lanes {
                for (field, count) in figures.stats.sorted(by: { $0.key < $1.key }) where field.hasPrefix(event + ":") {
                    let kind = String(field.dropFirst(event.count + 1))
                    out += "roost_jobs_\(event)_total{kind=\(quote(kind)),lane=\(quote(figures.lane.rawValue))} \(count)\n"
                }
            }
        }
        let gauges: [(String, String, (QueueInspector.LaneFigures) -> String)] = [
            ("roost_queue_depth", "Jobs in the lane's stream, waiting or running.", { String($0.depth) }),
            ("roost_queue_in_flight", "Jobs delivered to workers and not yet acknowledged.", { String($0.inFlight) }),
            ("roost_queue_oldest_age_seconds", "Age of the oldest unfinished job in the lane.", { String(format: "%.3f", $0.oldestAge) }),
            ("roost_queue_delayed", "Retries waiting for their backoff.", { String($0.delayed) }),
            ("roost_queue_dead_letters", "Entries in the lane's dead-letter stream.", { String($0.dead) }),
        ]
        for (name, help, value) in gauges {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for figures in lanes { out += "\(name){lane=\(quote(figures.lane.rawValue))} \(value(figures))\n" }
        }
        out += "# HELP roost_job_duration_seconds Time from a job attempt's start to its result.\n# TYPE roost_job_duration_seconds histogram\n"
        for figures in lanes {
            let lane = quote(figures.lane.rawValue)
            for kind in figures.durationSums.keys.sorted() {
                var cumulative = 0
                for bound in DurationBuckets.bounds.map(DurationBuckets.format) + ["+Inf"] {
                    cumulative += figures.stats["duration_bucket:\(kind):\(bound)"] ?? 0
                    out += "roost_job_duration_seconds_bucket{kind=\(quote(kind)),lane=\(lane),le=\(quote(bound))} \(cumulative)\n"
                }
                out += "roost_job_duration_seconds_sum{kind=\(quote(kind)),lane=\(lane)} \(figures.durationSums[kind] ?? 0)\n"
                out += "roost_job_duration_seconds_count{kind=\(quote(kind)),lane=\(lane)} \(figures.stats["duration_count:\(kind)"] ?? 0)\n"
            }
        }
        out += "# HELP roost_workers_live Worker processes with a live heartbeat.\n# TYPE roost_workers_live gauge\nroost_workers_live \(liveWorkers)\n"
    }

    /// Renders each lane's event stream length and, per gateway's consumer group, its pending
    /// entries and lag: a lag that only grows is a stopped gateway holding back the trim (`EventTrim`).
    static func renderEventGroups(_ groups: [JobQueue.EventGroup], lengths: [Lane: Int], into out: inout String) {
        out += "# HELP roost_events_length Entries in the lane's event stream.\n# TYPE roost_events_length gauge\n"
        for (lane, length) in lengths.sorted(by: { $0.key < $1.key }) { out += "roost_events_length{lane=\(quote(lane.rawValue))} \(length)\n" }
        out += "# HELP roost_events_group_pending Events delivered to a gateway's ingester and not yet acknowledged.\n"
        out += "# TYPE roost_events_group_pending gauge\n"
        for group in groups {
            out += "roost_events_group_pending{lane=\(quote(group.lane.rawValue)),group=\(quote(group.name))} \(group.pending)\n"
        }
        out += "# HELP roost_events_group_lag Events a gateway's ingester has not read yet.\n# TYPE roost_events_group_lag gauge\n"
        for group in groups {
            guard let lag = group.lag else { continue }
            out += "roost_events_group_lag{lane=\(quote(group.lane.rawValue)),group=\(quote(group.name))} \(lag)\n"
        }
    }
}
