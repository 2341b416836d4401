import Shared

/// Who may reach the operations endpoints (`/ops/*`, `/metrics`).
///
/// With `ROOST_OPS_TOKEN` set, a request must carry `Authorization: Bearer <token>` (compared in
/// constant time through SHA-256 digests; the token itself is not kept). Without it, only clients
/// on the loopback interface (127.0.0.0/8, ::1) are let in, so a gateway exposed to the internet
/// never shows its fleet and queues to strangers by default. `/heartbeat` stays public.
struct OpsAccess: Sendable {
    private let tokenDigest: [UInt8]?

    /// Reads the token from `ROOST_OPS_TOKEN` (empty or unset: loopback only).
    init(token: String?) {
        tokenDigest = token.flatMap { $0.isEmpty ? nil : SHA256.hash(Array($0.utf8)) }
    }

    /// Throws `401` (token set, missing or wrong) or `403` (no token set, remote client).
    func check(_ request: HTTPRequest) throws {
        if let tokenDigest {
            let given = request.bearerToken ?? ""
            guard SecretHash.constantTimeEquals(SHA256.hash(Array(given.utf8)), tokenDigest) else {
                throw HTTPError(status: 401, code: "ops_token_required", message: "this endpoint needs Authorization: Bearer <ROOST_OPS_TOKEN>",
                                headers: [("WWW-Authenticate", "Bearer realm=\"roost-ops\"")])
            }
            return
        }
        guard Self.isLoopback(host: RequestIdentity.host(ofRemoteAddress: request.remoteAddress)) else {
            throw HTTPError(status: 403, code: "ops_loopback_only",
                            message: "operations endpoints answer only on loopback unless ROOST_OPS_TOKEN is set")
        }
    }

    /// Wraps an ops handler with the check.
    func guarded(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) -> @Sendable (HTTPRequest) throws -> HTTPResponse {
        { request in
            try check(request)
            return try handler(request)
        }
    }

    /// 127.0.0.0/8, `::1` and IPv4-mapped loopback.
    static func isLoopback(host: String) -> Bool {
        host.hasPrefix("127.") || host == "::1" || host.hasPrefix("::ffff:127.")
    }
}
