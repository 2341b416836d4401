import Foundation
import Shared

/// The account's own view (features, quota, sub-ids), the admin overview, and public requests.
extension DogAPIRoutes {
    /// What every account may use (the seed's feature flags).
    static let features = ["images.upload", "images.search", "votes", "favourites", "breeds", "public-requests"]

    func registerAccounts(on router: Router) {
        add(router, "GET", "/v1/accounts/features", key: .required) { _, _ in .json(200, .array(Self.features.map { .string($0) })) }
        add(router, "GET", "/v1/accounts/quota", key: .required) { _, account in
            let usage = try service.store.imageCount(accountID: account!.id)
            return .json(200, ["quota": .int(service.uploadQuota), "usage": .int(usage), "remaining": .int(max(0, service.uploadQuota - usage))])
        }
        add(router, "GET", "/v1/accounts/{accountId}/overview", key: .required) { request, account in
            guard account!.isAdmin else { throw DogAPIError.forbidden("ADMIN_ONLY - this route needs an admin account's key") }
            guard let id = Int(request.pathParameters["accountId"] ?? ""), let totals = try service.store.overview(accountID: id) else {
                throw DogAPIError.notFound("Account not found")
            }
            return .json(200, ["account_id": .string(String(id)), "images": .int(totals.images), "public_images": .int(totals.publicImages),
                               "votes": .int(totals.votes), "favourites": .int(totals.favourites)])
        }
        add(router, "GET", "/v1/sub-ids", key: .required) { request, account in
            let limit = Int(request.queryValue("limit") ?? "").map { min(max($0, 1), 1000) } ?? 1000
            let page = Int(request.queryValue("page") ?? "").map { max($0, 0) } ?? 0
            let rows = try service.store.subIDs(accountID: account!.id, limit: limit, page: page)
            return .json(200, .array(rows.map { ["sub_id": .string($0.subID), "images": .int($0.images), "votes": .int($0.votes),
                                                 "favourites": .int($0.favourites)] }))
        }
        add(router, "POST", "/v1/images/{id}/public-requests", key: .required) { try requestPublic($0, $1!) }
        add(router, "DELETE", "/v1/images/{id}/public-requests", key: .required) { request, account in
            let image = try ownedImage(request, account!)
            guard try service.store.cancelPublicRequest(imageID: image.id) else { throw DogAPIError.notFound("No pending public request") }
            return .json(200, ["message": "SUCCESS"])
        }
        add(router, "GET", "/v1/images/{id}/public-requests/status", key: .required) { request, account in
            let image = try ownedImage(request, account!)
            guard let found = try service.store.publicRequest(imageID: image.id) else { return .json(200, ["status": "none"]) }
            return .json(200, try publicRequestDocument(found, image, request))
        }
        // Beyond the seed: an admin approves or rejects (`{"status": "approved"|"rejected", "admin_message"}`).
        add(router, "PATCH", "/v1/images/{id}/public-requests", key: .required) { request, account in
            guard account!.isAdmin else { throw DogAPIError.forbidden("ADMIN_ONLY - this route needs an admin account's key") }
            let body = try Self.body(request)
            guard let decision = body["status"]?.stringValue, ["approved", "rejected"].contains(decision) else {
                throw DogAPIError.badRequest("\"status\" must be \"approved\" or \"rejected\"")
            }
            let image = try ownedImage(request, account!)
            guard try service.store.decidePublicRequest(imageID: image.id, approve: decision == "approved",
                                                        adminMessage: body["admin_message"]?.stringValue, admin: account!.name) else {
                throw DogAPIError.notFound("No pending public request")
            }
            return .json(200, try publicRequestDocument(try service.store.publicRequest(imageID: image.id)!, image, request))
        }
    }

    private func requestPublic(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let image = try ownedImage(request, account)
        let message = try Self.body(request)["request_message"]?.stringValue
        if let message, message.count > 500 { throw DogAPIError.badRequest("\"request_message\" must be at most 500 characters") }
        guard image.status == "labelled" || image.status == "clean" else {
            throw DogAPIError.badRequest("Only reviewed, safe images can be made public (this one is \(image.status))")
        }
        guard try service.store.requestPublic(imageID: image.id, accountID: account.id, message: message) else {
            throw DogAPIError.badRequest("DUPLICATE_PUBLIC_REQUEST - this image already has a pending or approved request")
        }
        return .json(201, try publicRequestDocument(try service.store.publicRequest(imageID: image.id)!, image, request))
    }

    private func publicRequestDocument(_ r: DogPublicRequest, _ image: DogImage, _ request: HTTPRequest) throws -> JSON {
        ["id": .string(String(r.id)), "image_id": .string(r.imageID), "account_id": .string(String(r.accountID)), "status": .string(r.status),
         "request_message": r.requestMessage.map { .string($0) } ?? .null, "admin_message": r.adminMessage.map { .string($0) } ?? .null,
         "actioned_by_email": r.actionedBy.map { .string($0) } ?? .null, "actioned_at": r.actionedAt.map { .string(DogAPITime.format($0)) } ?? .null,
         "created_at": .string(DogAPITime.format(r.createdAt)), "updated_at": .string(DogAPITime.format(r.updatedAt)),
         "image": try document(image, request, links: false)]
    }
}
