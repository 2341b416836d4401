import Foundation
import Shared

/// `GET /v1/images/search`: reviewed images, the public ones for anybody and the account's own
/// for its key; random by default, or ordered and paged without repeats.
extension DogAPIRoutes {
    func registerSearch(on router: Router) {
        add(router, "GET", "/v1/images/search", key: .optional) { try search($0, $1) }
    }

    private func search(_ request: HTTPRequest, _ account: DogAccount?) throws -> HTTPResponse {
        var q = DogImageSearch(accountID: account?.id)
        q.breedIDs = request.queryList("breed_ids").compactMap(Int.init) + request.queryList("breed_id").compactMap(Int.init)
        if !request.queryList("breed_ids").isEmpty || !request.queryList("breed_id").isEmpty, q.breedIDs.isEmpty {
            return .json(200, [], headers: Self.paginationHeaders(count: 0, page: 0, limit: q.limit))
        }
        let mimes = request.queryList("mime_types")
        q.mimeTypes = mimes.flatMap { type -> [String] in
            switch type.lowercased() {
            case "jpg", "jpeg", "image/jpeg": return ["image/jpeg"]
            case "png", "image/png": return ["image/png"]
            default: return ["unsupported/\(type)"]  // gif and others: Roost stores none
            }
        }
        if let has = request.nonEmptyQuery("has_breeds")?.lowercased() {
            q.hasBreeds = ["1", "true", "yes"].contains(has) ? true : ["0", "false", "no"].contains(has) ? false : nil
        }
        // Categories: Roost's images carry none yet, so a category filter matches nothing.
        if !request.queryList("category_ids").isEmpty { return .json(200, [], headers: Self.paginationHeaders(count: 0, page: 0, limit: q.limit)) }
        q.subID = account == nil ? nil : request.nonEmptyQuery("sub_id")
        q.order = request.nonEmptyQuery("order") ?? "RANDOM"
        let (limit, page) = Self.paging(request, defaultLimit: 1)
        q.limit = limit
        q.page = page
        let (images, total) = try service.store.search(q)
        if request.nonEmptyQuery("format")?.lowercased() == "src" {
            guard let first = images.first else { throw DogAPIError.notFound("No image matches the search") }
            return HTTPResponse(status: 302, headers: [("Location", Self.imageURL(first, request))])
        }
        let size = request.nonEmptyQuery("size")?.lowercased()
        let sizes = try service.store.sizes(originalSHA256s: images.map(\.sha256))
        return .json(200, .array(try images.map {
            try document($0, request, links: false, size: size == "thumbnail" ? "thumb" : size, knownSizes: sizes[$0.sha256] ?? [:])
        }),
                     headers: Self.paginationHeaders(count: total, page: page, limit: limit))
    }

    /// Where an image's bytes are served.
    static func imageURL(_ image: DogImage, _ request: HTTPRequest) -> String {
        fileURL(id: image.id, fileExtension: image.fileExtension, request)
    }
}
