import Foundation
import Shared

/// TheDogAPI v1 (seed `thedogapi-1.6.4.txt`) under `/v1`: so far accounts and keys, and images
/// through the review pipeline (upload, upload-sync, status, get, list, delete, analysis,
/// labels), with the files served at `/images/{id}.{ext}` as the real service's CDN serves them.
///
/// Keys: `x-api-key` or `api_key`, issued by `POST /v1/admin/accounts` (ops token) and stored as
/// SHA-256 only. One account never sees another's images (another account's image is `404`).
struct DogAPIRoutes {
    let service: DogAPIService
    let configuration: GatewayConfiguration
    let access: OpsAccess

    /// Adds the routes to `router`.
    func register(on router: Router) {
        router.add("POST", "/v1/admin/accounts", access.guarded(GatewayError.guarded { request in try createAccount(request) }))
        registerImages(on: router)
    }

    /// `{name, admin?}` → `201 {id, name, is_admin, api_key}`; the key is shown only here.
    private func createAccount(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = request.body.isEmpty ? JSON.object([]) : try JSON.parse(request.body)
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
