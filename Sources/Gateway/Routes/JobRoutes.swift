import Shared

/// Roost's own job API: `POST /jobs/{kind}`, `GET /jobs/{id}[?wait=s]`, `DELETE /jobs/{id}`.
struct JobRoutes {
    let jobs: JobService
    let configuration: GatewayConfiguration

    /// Adds the routes to `router`.
    func register(on router: Router) {
        router.add("POST", "/jobs/{kind}", name: "/jobs/{kind}", bodyLimit: configuration.maxUploadBytes,
                   GatewayError.guarded { request in try submit(request) })
        router.add("GET", "/jobs/{id}", name: "/jobs/{id}", GatewayError.guarded { request in try status(request) })
        router.add("DELETE", "/jobs/{id}", name: "/jobs/{id}", GatewayError.guarded { request in try cancel(request) })
    }

    private func submit(_ request: HTTPRequest) throws -> HTTPResponse {
        let kind = request.pathParameters["kind"] ?? ""
        guard jobs.kinds.contains(kind) else {
            throw HTTPError.notFound("unknown job kind '\(kind)'; known kinds: \(jobs.kinds.sorted().joined(separator: ", "))")
        }
        let lane = try RequestIdentity.lane(request)
        let key = try RequestIdentity.idempotencyKey(request)
        let upload: any UploadedFile = kind == JobKind.audio.rawValue
            ? try AudioUpload.from(request, maxSeconds: configuration.maxAudioSeconds)
            : try ImageUpload.from(request, maxPixels: configuration.maxImagePixels)
        let (record, created) = try jobs.submit(kind: kind, lane: lane, image: upload, params: try params(kind: kind, request),
                                                owner: RequestIdentity.owner(request), idempotencyKey: key)
        let link = "/jobs/\(record.id)"
        let body: JSON = ["id": .string(record.id), "state": .string(record.state.rawValue), "kind": .string(kind),
                          "lane": .string(record.lane.rawValue), "links": ["status": .string(link)]]
        return .json(created ? 202 : 200, body, headers: [("Location", link)])
    }

    /// Analysis options from the query: `faces` takes `embedding=true` to include each face's
    /// 128-D embedding in the result (left out by default: most clients do not need it); `birds`
    /// takes `mode=species|checked|persona` (`BirdsMode`, default `species`).
    private func params(kind: String, _ request: HTTPRequest) throws -> JSON {
        if kind == JobKind.audio.rawValue {
            // `overlap`, `min_confidence`, `top`, `sensitivity`, `start`, `end`, `lat`, `lon`, `week`,
            // `location_threshold` from the query (`AudioParams`).
            var members: [(String, JSON)] = []
            for name in ["start", "end", "overlap", "min_confidence", "top", "sensitivity", "lat", "lon", "week", "location_threshold"] {
                guard let text = request.queryValue(name) else { continue }
                guard let number = Double(text) else { throw HTTPError.badRequest("\(name) must be a number", code: "bad_params") }
                members.append((name, .double(number)))
            }
            do { return try AudioParams(params: .object(members)).json } catch {
                throw HTTPError.badRequest(error.description, code: "bad_params")
            }
        }
        if kind == JobKind.birds.rawValue {
            let name = request.queryValue("mode") ?? BirdsMode.species.rawValue
            guard let mode = BirdsMode(rawValue: name) else {
                throw HTTPError.badRequest("mode must be one of \(BirdsMode.allCases.map(\.rawValue).joined(separator: ", "))", code: "bad_mode")
            }
            return mode.params
        }
        guard kind == "faces", let value = request.queryValue("embedding") else { return .object([]) }
        switch value.lowercased() {
        case "true", "1": return ["embedding": true]
        case "false", "0": return .object([])
        default: throw HTTPError.badRequest("embedding must be true or false", code: "bad_embedding")
        }
    }

    private func status(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        let requester = RequestIdentity.owner(request)
        var wait = 0.0
        if let text = request.queryValue("wait") {
            guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                throw HTTPError.badRequest("wait must be a number of seconds", code: "bad_wait")
            }
            wait = min(seconds, configuration.maxWait)
        }
        var untilEnded = false
        if let text = request.queryValue("until") {
            switch text {
            case "change": untilEnded = false
            case "ended": untilEnded = true
            default: throw HTTPError.badRequest("until must be change or ended", code: "bad_until")
            }
        }
        if wait > 0, let responder = request.responder {
            let deadline = MonotonicDeadline.now().seconds + wait
            return try Self.parkedStatus(jobs, id: id, requester: requester, until: deadline, untilEnded: untilEnded, responder: responder) ?? .parked
        }
        var record = wait > 0 ? try jobs.wait(id: id, requester: requester, timeout: wait, capped: true) : try jobs.find(id: id, requester: requester)
        if untilEnded, wait > 0, !record.state.isTerminal { record = try jobs.waitForResult(id: id, requester: requester, timeout: wait) }
        return .json(200, record.statusJSON)
    }

    /// A parked long-poll: no thread waits. When the job changes, the result ingester's thread reads
    /// it again and answers (or, `untilEnded` and the job has not ended, parks it again with the
    /// time left); when the deadline passes, a handler thread answers with the current state.
    /// Returns the answer when there is one at once, nil when parked.
    private static func parkedStatus(_ jobs: JobService, id: String, requester: String, until deadline: Double, untilEnded: Bool,
                                     responder: DeferredResponder) throws -> HTTPResponse? {
        let parked = try jobs.park(id: id, requester: requester, timeout: max(0, deadline - MonotonicDeadline.now().seconds)) { reason in
            let changed: Bool, recorded: JobRow?
            if case let .changed(row) = reason { (changed, recorded) = (true, row) } else { (changed, recorded) = (false, nil) }
            let answer: @Sendable () throws -> HTTPResponse? = {
                let record = try jobs.woken(id: id, requester: requester, recorded: recorded)
                if untilEnded, changed, !record.state.isTerminal, deadline > MonotonicDeadline.now().seconds {
                    return try parkedStatus(jobs, id: id, requester: requester, until: deadline, untilEnded: true, responder: responder)
                }
                return .json(200, record.statusJSON)
            }
            if changed { responder.computeHere(answer) } else { responder.compute(answer) }
        }
        return parked.map { .json(200, $0.statusJSON) }
    }

    private func cancel(_ request: HTTPRequest) throws -> HTTPResponse {
        let record = try jobs.cancel(id: request.pathParameters["id"] ?? "", requester: RequestIdentity.owner(request))
        return .json(200, record.statusJSON)
    }
}

/// Who is asking, and how: the owner identity, lane and idempotency key of a request.
enum RequestIdentity {
    /// `key:<sha256 of the API key>` when the client sends `X-Api-Key` (or `api_key`), else
    /// `ip:<host>` (the client's address without its port, so every connection from one host is
    /// the same anonymous owner and its `Idempotency-Key`s hold across connections). API keys are
    /// never stored in clear.
    static func owner(_ request: HTTPRequest) -> String {
        if let key = request.headers["x-api-key"] ?? request.queryValue("api_key"), !key.isEmpty {
            return "key:" + String(SHA256.hexDigest(Array(key.utf8)).prefix(32))
        }
        return "ip:" + host(ofRemoteAddress: request.remoteAddress)
    }

    /// The host of a `host:port` peer address as the listener writes it: `203.0.113.9:51234` →
    /// `203.0.113.9`, `2001:db8::1:51234` or `[2001:db8::1]:51234` → `2001:db8::1`.
    static func host(ofRemoteAddress address: String) -> String {
        guard let colon = address.lastIndex(of: ":") else { return address }
        var host = address[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return String(host)
    }

    /// The lane from `X-Roost-Lane` (default interactive).
    static func lane(_ request: HTTPRequest) throws -> Lane {
        guard let header = request.headers["x-roost-lane"] else { return .interactive }
        guard let lane = Lane(header: header) else {
            throw HTTPError.badRequest("X-Roost-Lane must be 'interactive' or 'batch'", code: "bad_lane")
        }
        return lane
    }

    /// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
    static func idempotencyKey(_ request: HTTPRequest) throws -> String? {
        guard let key = request.headers["idempotency-key"] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPError.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters", code: "bad_idempotency_key")
        }
        return key
    }
}
