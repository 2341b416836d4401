import Foundation
import Shared

/// Breeds, facts, categories and health tips: public reference data (a key is optional), with
/// admin keys able to add facts, categories and health tips.
extension DogAPIRoutes {
    func registerCatalogue(on router: Router) {
        let catalogue = DogCatalogue.standard
        add(router, "GET", "/v1/breeds", key: .optional) { request, _ in
            let groups = request.queryList("breed_groups")
            var breeds = groups.isEmpty ? catalogue.breeds : catalogue.breeds(inGroups: groups)
            let excluded = Set(catalogue.breeds(inGroups: request.queryList("exclude_breed_groups")).map(\.id))
            breeds.removeAll { excluded.contains($0.id) }
            breeds = Self.ordered(breeds, request.nonEmptyQuery("order"))
            // Without `limit` the real service answers every breed; with it, a page.
            guard request.nonEmptyQuery("limit") != nil else {
                return .json(200, .array(breeds.map(\.json)), headers: Self.paginationHeaders(count: breeds.count, page: 0, limit: breeds.count))
            }
            let (limit, page) = Self.paging(request)
            return .json(200, .array(Self.page(breeds, limit: limit, page: page).map(\.json)),
                         headers: Self.paginationHeaders(count: breeds.count, page: page, limit: limit))
        }
        add(router, "GET", "/v1/breeds/search", key: .optional) { request, _ in
            .json(200, .array(catalogue.search(name: request.nonEmptyQuery("q") ?? request.nonEmptyQuery("name") ?? "").map(\.json)))
        }
        add(router, "GET", "/v1/breeds/breed-groups", key: .optional) { _, _ in
            .json(200, .array(catalogue.breedGroups.map { group in
                ["name": .string(group), "breeds": .int(catalogue.breeds.filter { $0.breedGroup == group }.count)]
            }))
        }
        registerBans(on: router)
        add(router, "GET", "/v1/breeds/{id}", key: .optional) { request, _ in
            .json(200, try breed(request).json)
        }
        add(router, "GET", "/v1/breeds/{id}/facts", key: .optional) { request, _ in
            let id = try breed(request).id
            return .json(200, .array(try facts().filter { $0["breed_id"]?.intValue == id }))
        }
        registerFacts(on: router)
        add(router, "GET", "/v1/categories", key: .optional) { request, _ in
            let all = try categories()
            guard request.nonEmptyQuery("limit") != nil else { return .json(200, .array(all)) }
            let (limit, page) = Self.paging(request)
            return .json(200, .array(Self.page(all, limit: limit, page: page)), headers: Self.paginationHeaders(count: all.count, page: page, limit: limit))
        }
        add(router, "GET", "/v1/categories/{id}", key: .optional) { request, _ in
            guard let found = try categories().first(where: { $0["id"]?.intValue == Int(request.pathParameters["id"] ?? "") }) else {
                throw DogAPIError.notFound("Category not found")
            }
            return .json(200, found)
        }
        add(router, "POST", "/v1/categories", key: .required) { request, account in
            try requireAdmin(account)
            let body = try Self.body(request)
            guard let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 100 else {
                throw DogAPIError.badRequest("\"name\" is required (at most 100 characters)")
            }
            let created = try service.store.addEntry(kind: "category", makeID: { String(1000 + $0) }) { id in ["id": .int(Int(id)!), "name": .string(name)] }
            return .json(201, created)
        }
        add(router, "GET", "/v1/health-tips", key: .optional) { request, _ in
            var tips = try healthTips()
            if let breedID = request.nonEmptyQuery("breed_id").flatMap(Int.init) { tips = tips.filter { $0["breed_id"]?.intValue == breedID } }
            return .json(200, .array(Self.offsetPage(tips, request)), headers: [("pagination-count", String(tips.count))])
        }
        add(router, "GET", "/v1/health-tips/{id}", key: .optional) { request, _ in
            guard let found = try healthTips().first(where: { $0["id"]?.intValue == Int(request.pathParameters["id"] ?? "") }) else {
                throw DogAPIError.notFound("Health tip not found")
            }
            return .json(200, found)
        }
        add(router, "POST", "/v1/health-tips", key: .required) { request, account in
            try requireAdmin(account)
            let body = try Self.body(request)
            guard let title = body["title"]?.stringValue, let tip = body["tip"]?.stringValue, !title.isEmpty, !tip.isEmpty,
                  title.count <= 200, tip.count <= 2000 else { throw DogAPIError.badRequest("\"title\" and \"tip\" are required") }
            let breedID = try optionalBreedID(body)
            let created = try service.store.addEntry(kind: "health_tip", makeID: { String(1000 + $0) }) { id in
                ["id": .int(Int(id)!), "title": .string(title), "tip": .string(tip), "category": .string(body["category"]?.stringValue ?? "general"),
                 "species_id": 1, "breed_id": breedID.map { .int($0) } ?? .null]
            }
            return .json(201, created)
        }
    }

    private func registerFacts(on router: Router) {
        add(router, "GET", "/v1/facts", key: .optional) { request, _ in
            var all = try facts()
            if let breedID = request.nonEmptyQuery("breed_id").flatMap(Int.init) { all = all.filter { $0["breed_id"]?.intValue == breedID } }
            if let species = request.nonEmptyQuery("species_id").flatMap(Int.init) { all = all.filter { $0["species_id"]?.intValue == species } }
            return .json(200, .array(Self.offsetPage(all, request)), headers: [("pagination-count", String(all.count))])
        }
        add(router, "GET", "/v1/facts/random", key: .optional) { _, _ in try randomFact(try facts()) }
        add(router, "GET", "/v1/facts/breed/{breedId}", key: .optional) { request, _ in
            guard let id = Int(request.pathParameters["breedId"] ?? ""), DogCatalogue.standard.breed(id: id) != nil else {
                throw DogAPIError.notFound("Breed not found")
            }
            return .json(200, .array(Self.offsetPage(try facts().filter { $0["breed_id"]?.intValue == id }, request)))
        }
        add(router, "GET", "/v1/facts/breed/{breedId}/random", key: .optional) { request, _ in
            let id = Int(request.pathParameters["breedId"] ?? "")
            return try randomFact(try facts().filter { $0["breed_id"]?.intValue == id })
        }
        add(router, "GET", "/v1/facts/species/{speciesId}/random", key: .optional) { request, _ in
            let species = Int(request.pathParameters["speciesId"] ?? "")
            return try randomFact(try facts().filter { $0["species_id"]?.intValue == species })
        }
        add(router, "GET", "/v1/facts/{id}", key: .optional) { request, _ in
            guard let found = try facts().first(where: { $0["id"]?.stringValue == request.pathParameters["id"] }) else {
                throw DogAPIError.notFound("Fact not found")
            }
            return .json(200, found)
        }
        add(router, "POST", "/v1/facts", key: .required) { request, account in
            try requireAdmin(account)
            let body = try Self.body(request)
            guard let title = body["title"]?.stringValue, let text = body["fact"]?.stringValue, !title.isEmpty, !text.isEmpty,
                  title.count <= 200, text.count <= 2000 else { throw DogAPIError.badRequest("\"title\" and \"fact\" are required") }
            let breedID = try optionalBreedID(body)
            let created = try service.store.addEntry(kind: "fact", makeID: { "a\($0)" }) { id in
                Self.factDocument(id: id, breedID: breedID, title: title, fact: text)
            }
            return .json(201, created)
        }
    }

    // MARK: Data

    private func breed(_ request: HTTPRequest) throws -> DogBreed {
        guard let id = Int(request.pathParameters["id"] ?? ""), let breed = DogCatalogue.standard.breed(id: id) else {
            throw DogAPIError.notFound("Breed not found")
        }
        return breed
    }

    private func requireAdmin(_ account: DogAccount?) throws {
        guard account?.isAdmin == true else { throw DogAPIError.forbidden("ADMIN_ONLY - this route needs an admin account's key") }
    }

    private func optionalBreedID(_ body: [String: JSON]) throws -> Int? {
        guard let value = body["breed_id"], value != .null else { return nil }
        guard let id = value.intValue ?? value.stringValue.flatMap({ Int($0) }), DogCatalogue.standard.breed(id: id) != nil else {
            throw DogAPIError.badRequest("INVALID_BREED_ID - no breed with this id")
        }
        return id
    }

    /// The fact document (the seed's members, plus the breed it is about).
    static func factDocument(id: String, breedID: Int?, title: String, fact: String) -> JSON {
        ["id": .string(id), "title": .string(title), "fact": .string(fact), "slug": .string(DogFacts.slug(title)), "species_id": 1,
         "breed_id": breedID.map { .int($0) } ?? .null]
    }

    private func facts() throws -> [JSON] {
        DogFacts.all.map { Self.factDocument(id: $0.id, breedID: $0.breedID, title: $0.title, fact: $0.fact) } + (try service.store.entries(kind: "fact"))
    }

    private func categories() throws -> [JSON] {
        DogCategories.all.map { ["id": .int($0.id), "name": .string($0.name)] } + (try service.store.entries(kind: "category"))
    }

    private func healthTips() throws -> [JSON] {
        DogHealthTips.all.map {
            ["id": .int($0.id), "title": .string($0.title), "tip": .string($0.tip), "category": .string($0.category), "species_id": 1,
             "breed_id": $0.breedID.map { .int($0) } ?? .null]
        } + (try service.store.entries(kind: "health_tip"))
    }

    private func randomFact(_ candidates: [JSON]) throws -> HTTPResponse {
        guard let fact = candidates.randomElement() else { throw DogAPIError.notFound("No fact matches") }
        return .json(200, fact)
    }

    /// `limit` (1…100, default 10) and `offset` of a list, as the facts and health-tips routes page.
    static func offsetPage(_ items: [JSON], _ request: HTTPRequest) -> [JSON] {
        let limit = Int(request.queryValue("limit") ?? "").map { min(max($0, 1), 100) } ?? 10
        let offset = Int(request.queryValue("offset") ?? "").map { max($0, 0) } ?? 0
        return Array(items.dropFirst(offset).prefix(limit))
    }

    /// One page of `items`.
    static func page<T>(_ items: [T], limit: Int, page: Int) -> [T] { Array(items.dropFirst(limit * page).prefix(limit)) }

    /// Breeds in `order`: `ASC` (default, by name), `DESC`, or `RANDOM`.
    static func ordered(_ breeds: [DogBreed], _ order: String?) -> [DogBreed] {
        switch order?.uppercased() {
        case "DESC": return breeds.sorted { $0.name > $1.name }
        case "RANDOM", "RAND": return breeds.shuffled()
        default: return breeds.sorted { $0.name < $1.name }
        }
    }
}
