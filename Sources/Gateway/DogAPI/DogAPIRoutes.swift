import Foundation
import Shared

/// TheDogAPI v1 (seed `thedogapi-1.6.4.txt`) under `/v1`: accounts and keys, images through the
/// review pipeline (upload, upload-sync, status, get, list, delete, analysis, labels), pets and
/// their photos, with the files served at `/images/{id}.{ext}` as the real service's CDN serves them.
///
/// Keys: `x-api-key` or `api_key`, issued by `POST /v1/admin/accounts` (ops token) and stored as
/// SHA-256 only. One account never sees another's images (another account's image is `404`).
struct DogAPIRoutes {
    let service: DogAPIService
    let configuration: GatewayConfiguration
    let access: OpsAccess

    /// Whether a route needs an API key.
    enum KeyUse {
        /// 401 without one.
        case required
        /// Served without one too (public data only).
        case optional
    }

    /// Adds the routes to `router`.
    func register(on router: Router) {
        router.add("POST", "/v1/admin/accounts", access.guarded(GatewayError.guarded { request in try createAccount(request) }))
        registerSearch(on: router)  // before `/v1/images/{id}`, which would match `search`
        registerImages(on: router)
        registerImageBreeds(on: router)
        registerPets(on: router)
        registerPetAnalyses(on: router)
        registerCommunity(on: router)
        registerAccounts(on: router)
        registerCatalogue(on: router)
    }

    /// Registers a TheDogAPI route: resolves the key's account (401 when required and missing, or
    /// unknown), counts the request against the rate limit (429 past it), answers errors in the
    /// service's shapes and adds the rate-limit headers to every answer.
    func add(_ router: Router, _ method: String, _ path: String, key: KeyUse, bodyLimit: Int? = nil,
             _ handler: @escaping @Sendable (HTTPRequest, DogAccount?) throws -> HTTPResponse) {
        router.add(method, path, bodyLimit: bodyLimit) { request in
            var headers: [(String, String)] = []
            var response = try DogAPIError.answering {
                let account = try service.account(request)
                if key == .required, account == nil { throw DogAPIError.authentication }
                let counted = service.rateLimiter.take(account.map { "a:\($0.id)" } ?? "i:" + RequestIdentity.host(ofRemoteAddress: request.remoteAddress))
                headers = counted.headers
                guard counted.allowed else {
                    throw DogAPIError.rateLimited(headers: [], message: "RATE_LIMIT_EXCEEDED - too many requests, try again in \(counted.headers.first { $0.0 == "ratelimit-reset" }?.1 ?? "60") seconds")
                }
                return try handler(request, account)
            }
            response.headers += headers
            return response
        }
    }

    /// `{name, admin?}` → `201 {id, name, is_admin, api_key}`; the key is shown only here. A body
    /// that is not JSON (invalid UTF-8 included) is a 400 like a missing name.
    private func createAccount(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = request.body.isEmpty ? JSON.object([]) : (try? JSON.parse(request.body)) ?? .null
        guard let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 200 else {
            throw HTTPError.badRequest("send {\"name\": \"...\", \"admin\": false}: a name of 1 to 200 characters", code: "bad_account")
        }
        let (account, key) = try service.createAccount(name: name, isAdmin: body["admin"]?.boolValue ?? false)
        return .json(201, ["id": .int(account.id), "name": .string(account.name), "is_admin": .bool(account.isAdmin), "api_key": .string(key)])
    }

    /// `limit` (1…100, default `fallback`) and zero-based `page` of a list request.
    static func paging(_ request: HTTPRequest, defaultLimit: Int = 10) -> (limit: Int, page: Int) {
        let limit = Int(request.queryValue("limit") ?? "").map { min(max($0, 1), 100) } ?? defaultLimit
        let page = Int(request.queryValue("page") ?? "").map { max($0, 0) } ?? 0
        return (limit, page)
    }

    /// The pagination headers of a list answer.
    static func paginationHeaders(count: Int, page: Int, limit: Int) -> [(String, String)] {
        [("pagination-count", String(count)), ("pagination-page", String(page)), ("pagination-limit", String(limit))]
    }
}
