/// One parsed request as a handler sees it: head, whole body and the values the router extracted.
struct HTTPRequest: Sendable {
    /// The method token, e.g. `GET`.
    let method: String
    /// The request target exactly as sent (origin- or absolute-form).
    let target: String
    /// The percent-decoded path without the query.
    let path: String
    /// Query parameters, form-decoded; the first value of a repeated name wins.
    let query: [String: String]
    /// The request headers.
    let headers: HTTPHeaders
    /// The whole body (empty when none was sent).
    var body: [UInt8]
    /// The peer address, `host:port`.
    let remoteAddress: String
    /// Values of the `{name}` segments of the matched route pattern.
    var pathParameters: [String: String]
    /// How to answer later without holding a thread (a parked long-poll), when the server offers it.
    var responder: DeferredResponder? = nil

    /// Creates a request; `path` and `query` are derived from `target` (throws 400 on a malformed target).
    init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
         remoteAddress: String = "", pathParameters: [String: String] = [:]) throws(HTTPError) {
        let parsed = try RequestTarget(target)
        self.init(method: method, target: target, path: parsed.path, query: parsed.query, headers: headers,
                  body: body, remoteAddress: remoteAddress, pathParameters: pathParameters)
    }

    /// Creates a request from already-decoded parts.
    init(method: String, target: String, path: String, query: [String: String], headers: HTTPHeaders,
         body: [UInt8], remoteAddress: String, pathParameters: [String: String] = [:]) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.pathParameters = pathParameters
    }

    /// The query parameter `name`, or nil.
    func queryValue(_ name: String) -> String? { query[name] }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive, surrounding blanks
    /// dropped), or nil when the header is missing, of another scheme, or empty.
    var bearerToken: String? {
        guard let header = headers["authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
