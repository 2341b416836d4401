import Foundation
import Shared

/// Breed legislation: which countries have laws, a country's laws, and where a breed is named.
extension DogAPIRoutes {
    func registerBans(on router: Router) {
        add(router, "GET", "/v1/breeds/bans/countries", key: .optional) { _, _ in
            let countries = Dictionary(grouping: DogBreedBans.all, by: \.country).map { code, laws in
                (code, laws[0].countryName, laws.count)
            }.sorted { $0.0 < $1.0 }
            return .json(200, .array(countries.map { ["country_code": .string($0.0), "name": .string($0.1), "legislation_count": .int($0.2)] }))
        }
        add(router, "GET", "/v1/breeds/bans/country", key: .optional) { request, _ in
            guard let country = request.nonEmptyQuery("country")?.uppercased(), country.count == 2 else {
                throw DogAPIError.badRequest("\"country\" is required: an ISO 3166-1 alpha-2 code")
            }
            var laws = DogBreedBans.all.filter { $0.country == country }
            if let type = request.nonEmptyQuery("legislation_type") { laws = laws.filter { $0.legislationType == type } }
            if let approach = request.nonEmptyQuery("approach") { laws = laws.filter { $0.approach == approach } }
            let (limit, page) = Self.paging(request)
            let name = DogBreedBans.all.first { $0.country == country }?.countryName
            return .json(200, ["country": name.map { ["code": .string(country), "name": .string($0)] } ?? ["code": .string(country), "name": nil],
                               "legislation": .array(Self.page(laws, limit: limit, page: page).map(Self.lawDocument)),
                               "jurisdictions": []],
                         headers: Self.paginationHeaders(count: laws.count, page: page, limit: limit))
        }
        add(router, "GET", "/v1/breeds/bans/breed/{breedId}", key: .optional) { request, _ in
            guard let id = Int(request.pathParameters["breedId"] ?? ""), DogCatalogue.standard.breed(id: id) != nil else {
                throw DogAPIError.notFound("Breed not found")
            }
            return .json(200, .array(DogBreedBans.all.filter { $0.breedIDs.contains(id) }.map(Self.lawDocument)))
        }
    }

    /// A law's document.
    static func lawDocument(_ law: DogBreedBans.Law) -> JSON {
        ["id": .int(law.id), "country_code": .string(law.country), "country_name": .string(law.countryName), "title": .string(law.title),
         "year": .int(law.year), "legislation_type": .string(law.legislationType), "approach": .string(law.approach),
         "breeds": .array(law.breedIDs.compactMap { DogCatalogue.standard.breed(id: $0) }.map { ["id": .int($0.id), "name": .string($0.name)] }),
         "other_breeds": .array(law.otherBreeds.map { .string($0) }), "summary": .string(law.summary), "jurisdiction": nil]
    }
}
