import Foundation
import Shared

/// Votes and favourites: per account, optionally per `sub_id`, on images the account may see.
extension DogAPIRoutes {
    func registerCommunity(on router: Router) {
        add(router, "GET", "/v1/votes", key: .required) { try listVotes($0, $1!) }
        add(router, "POST", "/v1/votes", key: .required) { try createVote($0, $1!) }
        add(router, "GET", "/v1/votes/{id}", key: .required) { try showVote($0, $1!) }
        add(router, "DELETE", "/v1/votes/{id}", key: .required) { request, account in
            guard let id = Int(request.pathParameters["id"] ?? ""), try service.store.deleteVote(id: id, accountID: account!.id) else {
                throw DogAPIError.notFound("NO_VOTE_FOUND_MATCHING_ID")
            }
            return .json(200, ["message": "SUCCESS"])
        }
        add(router, "GET", "/v1/favourites", key: .required) { try listFavourites($0, $1!) }
        add(router, "POST", "/v1/favourites", key: .required) { try createFavourite($0, $1!) }
        add(router, "GET", "/v1/favourites/{id}", key: .required) { try showFavourite($0, $1!) }
        add(router, "DELETE", "/v1/favourites/{id}", key: .required) { request, account in
            guard let id = Int(request.pathParameters["id"] ?? ""), try service.store.deleteFavourite(id: id, accountID: account!.id) else {
                throw DogAPIError.notFound("NO_FAVOURITE_FOUND_MATCHING_ID")
            }
            return .json(200, ["message": "SUCCESS"])
        }
    }

    /// A JSON body's members (form fields are accepted too); 400 when it is not an object.
    static func body(_ request: HTTPRequest) throws -> [String: JSON] {
        let type = (request.headers["content-type"] ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return PercentDecoding.formFields(String(decoding: request.body, as: UTF8.self)).mapValues { .string($0) }
        }
        guard !request.body.isEmpty else { return [:] }
        guard let members = (try? JSON.parse(request.body))?.objectValue else { throw DogAPIError.badRequest("The body must be a JSON object.") }
        return Dictionary(members, uniquingKeysWith: { first, _ in first })
    }

    /// `{id, url}` of an image, for votes and favourites (an empty object once the image is gone).
    private func imageStub(_ id: String, _ request: HTTPRequest) throws -> JSON {
        guard let image = try service.store.image(id: id) else { return [:] }
        return ["id": .string(image.id), "url": .string(Self.imageURL(image, request))]
    }

    /// The image id of a vote or favourite body: present, and an image the account may see.
    private func visibleImageID(_ body: [String: JSON], _ account: DogAccount) throws -> String {
        guard let id = body["image_id"]?.stringValue ?? body["image_id"]?.intValue.map(String.init), !id.isEmpty else {
            throw DogAPIError.badRequest("\"image_id\" is required")
        }
        guard try service.store.imageVisible(id: id, accountID: account.id) else { throw DogAPIError.badRequest("INVALID_IMAGE_ID - no image with this id") }
        return id
    }

    private func subID(_ body: [String: JSON]) throws -> String? {
        guard let value = body["sub_id"], value != .null else { return nil }
        guard let text = value.stringValue ?? value.intValue.map(String.init), text.count <= 255 else {
            throw DogAPIError.badRequest("\"sub_id\" must be a string of at most 255 characters")
        }
        return text.isEmpty ? nil : text
    }

    // MARK: Votes

    private func voteDocument(_ v: DogVote, _ request: HTTPRequest) throws -> JSON {
        ["id": .int(v.id), "image_id": .string(v.imageID), "sub_id": v.subID.map { .string($0) } ?? .null,
         "created_at": .string(DogAPITime.format(v.createdAt)), "value": .int(v.value),
         "country_code": v.countryCode.map { .string($0) } ?? .null, "image": try imageStub(v.imageID, request)]
    }

    private func createVote(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let body = try Self.body(request)
        let imageID = try visibleImageID(body, account)
        guard let value = body["value"]?.intValue ?? body["value"]?.stringValue.flatMap({ Int($0) }), (-1...1).contains(value) else {
            throw DogAPIError.badRequest("\"value\" must be 1 (up), -1 (down) or 0")
        }
        let country = body["country_code"]?.stringValue?.uppercased()
        if let country, country.count != 2 || !country.allSatisfy(\.isLetter) { throw DogAPIError.badRequest("\"country_code\" must be two letters") }
        let vote = DogVote(id: 0, accountID: account.id, imageID: imageID, subID: try subID(body), value: value, countryCode: country,
                           createdAt: Clock.now())
        let id = try service.store.insertVote(vote)
        return .json(201, ["message": "SUCCESS", "id": .int(id), "image_id": .string(imageID), "sub_id": vote.subID.map { .string($0) } ?? .null,
                           "value": .int(value), "country_code": country.map { .string($0) } ?? .null])
    }

    private func showVote(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        guard let id = Int(request.pathParameters["id"] ?? ""), let vote = try service.store.vote(id: id, accountID: account.id) else {
            throw DogAPIError.notFound("NO_VOTE_FOUND_MATCHING_ID")
        }
        return .json(200, try voteDocument(vote, request))
    }

    private func listVotes(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let (limit, page) = Self.paging(request)
        let (votes, total) = try service.store.votes(accountID: account.id, subID: request.nonEmptyQuery("sub_id"), limit: limit, page: page,
                                                     order: request.nonEmptyQuery("order") ?? "ASC")
        return .json(200, .array(try votes.map { try voteDocument($0, request) }), headers: Self.paginationHeaders(count: total, page: page, limit: limit))
    }

    // MARK: Favourites

    private func favouriteDocument(_ f: DogFavourite, _ request: HTTPRequest) throws -> JSON {
        ["id": .int(f.id), "user_id": .string(String(f.accountID)), "image_id": .string(f.imageID), "sub_id": f.subID.map { .string($0) } ?? .null,
         "created_at": .string(DogAPITime.format(f.createdAt)), "image": try imageStub(f.imageID, request)]
    }

    private func createFavourite(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let body = try Self.body(request)
        let imageID = try visibleImageID(body, account)
        let favourite = DogFavourite(id: 0, accountID: account.id, imageID: imageID, subID: try subID(body), createdAt: Clock.now())
        guard let id = try service.store.insertFavourite(favourite) else {
            throw DogAPIError.badRequest("DUPLICATE_FAVOURITE - favourites are unique for account + image_id + sub_id")
        }
        return .json(200, ["message": "SUCCESS", "id": .int(id)])
    }

    private func showFavourite(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        guard let id = Int(request.pathParameters["id"] ?? ""), let favourite = try service.store.favourite(id: id, accountID: account.id) else {
            throw DogAPIError.notFound("NO_FAVOURITE_FOUND_MATCHING_ID")
        }
        return .json(200, try favouriteDocument(favourite, request))
    }

    private func listFavourites(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let (limit, page) = Self.paging(request, defaultLimit: 100)
        let (favourites, total) = try service.store.favourites(accountID: account.id, subID: request.nonEmptyQuery("sub_id"), limit: limit,
                                                               page: page, order: request.nonEmptyQuery("order") ?? "ASC")
        return .json(200, .array(try favourites.map { try favouriteDocument($0, request) }),
                     headers: Self.paginationHeaders(count: total, page: page, limit: limit))
    }
}
