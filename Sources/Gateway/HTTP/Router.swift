import Foundation

/// Routes requests by method and path pattern; patterns are literal segments and `{name}` captures.
///
/// ```swift
/// let router = Router()
/// router.add("GET", "/v1/jobs/{id}", name: "job_status") { request in
///     .json(200, ["id": .string(request.pathParameters["id"]!)])
/// }
/// ```
/// Unknown paths get 404; a known path asked with another method gets 405 with `Allow`.
/// `HEAD` is answered by the `GET` route when no `HEAD` route exists.
final class Router: @unchecked Sendable {
    // @unchecked Sendable: `routes` is only touched under `lock`, so adding routes after the server started is still safe.
    private let lock = NSLock()
    private var routes: [Route] = []

    /// A handler: a synchronous function that may block (Redis, SQLite, long-polls).
    typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    /// One registered route.
    struct Route: Sendable {
        /// The method this route answers.
        let method: String
        /// The pattern as registered, e.g. `/v1/jobs/{id}`.
        let pattern: String
        /// The label used in logs and metrics.
        let name: String
        /// This route's body limit, or nil for the server default.
        let bodyLimit: Int?
        /// Where the handler runs (see `Lane`).
        let lane: Lane
        /// The handler.
        let handler: Handler
        fileprivate let segments: [Segment]

        /// What the access log shows for a request to this route: its path, or the pattern when
        /// the path carries a secret (a parameter named in `Router.secretParameters`).
        func loggedPath(_ path: String) -> String {
            segments.contains { if case let .parameter(name) = $0 { return Router.secretParameters.contains(name) }; return false }
                ? pattern : path
        }
    }

    /// Path parameters that are credentials or capability names (BirdWeather station tokens,
    /// soundscape file keys): never written to logs.
    static let secretParameters: Set<String> = ["token", "file"]

    /// Where a route's handler runs.
    enum Lane: Sendable {
        /// On the event loop itself: only for handlers that never block (no Redis, SQLite or file
        /// I/O); they are answered even when every handler thread is busy (`/heartbeat`).
        case inline
        /// On the small operations pool, so that `/metrics` and `/ops/*` answer while the main
        /// pool is saturated.
        case ops
        /// On the main handler pool (`ROOST_HTTP_HANDLER_THREADS`).
        case standard
    }

    fileprivate enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// The outcome of matching a method and path.
    enum Match: Sendable {
        /// A route and the values of its `{name}` segments.
        case found(Route, parameters: [String: String])
        /// The path is routed, but not for this method; `allowed` lists the methods that are.
        case methodNotAllowed(allowed: [String])
        /// Nothing is routed at this path.
        case notFound
    }

    /// Creates an empty router.
    init() {}

    /// Registers `handler` for `method` and `pattern`; `name` labels it in logs (default: the pattern),
    /// `bodyLimit` overrides the server's default body limit for this route, `lane` says where it runs.
    func add(_ method: String, _ pattern: String, name: String? = nil, bodyLimit: Int? = nil, lane: Lane = .standard,
             _ handler: @escaping Handler) {
        let segments = Router.split(pattern).map { part -> Segment in
            if part.hasPrefix("{"), part.hasSuffix("}"), part.count > 2 { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(part)
        }
        let route = Route(method: method.uppercased(), pattern: pattern, name: name ?? pattern, bodyLimit: bodyLimit,
                          lane: lane, handler: handler, segments: segments)
        lock.withLock { routes.append(route) }
    }

    /// Every registered route as `(method, pattern)`, in registration order.
    var table: [(method: String, pattern: String)] { lock.withLock { routes.map { ($0.method, $0.pattern) } } }

    /// Finds the route for `method` and the decoded `path`.
    func match(method: String, path: String) -> Match {
        let parts = Router.split(path)
        let candidates = lock.withLock { routes }
        var allowed: [String] = []
        var getFallback: (Route, [String: String])?
        for route in candidates {
            guard let parameters = Router.bind(route.segments, to: parts) else { continue }
            if route.method == method { return .found(route, parameters: parameters) }
            if method == "HEAD", route.method == "GET", getFallback == nil { getFallback = (route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = getFallback { return .found(route, parameters: parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET"), !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed)
    }

    /// Path segments; empty segments (from `//` or a trailing `/`) are kept so `/a/` and `/a` stay distinct.
    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    private static func bind(_ segments: [Segment], to parts: [String]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case let .literal(text): guard text == part else { return nil }
            case let .parameter(name):
                guard !part.isEmpty else { return nil }
                parameters[name] = part
            }
        }
        return parameters
    }
}
