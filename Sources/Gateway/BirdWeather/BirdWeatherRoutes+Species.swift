import Foundation
import Shared

/// The species catalogue and the detection configuration: public, no token needed.
extension BirdWeatherRoutes {
    /// Most identifiers one lookup may ask for.
    static let maxLookup = 1_000

    func registerSpecies(on router: Router) {
        router.add("GET", "/api/v1/species/{id}") { request in try BirdWeatherError.answering { try species(request) } }
        router.add("POST", "/api/v1/species/lookup") { request in try BirdWeatherError.answering { try lookup(request) } }
        router.add("GET", "/api/v1/configuration") { _ in
            .json(200, ["success": true, "configuration": service.settings.detection.json])
        }
    }

    private func species(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let id = Int(request.pathParameters["id"] ?? ""), let found = service.catalogue.species(id: id) else {
            throw BirdWeatherError.notFound("Species not found")
        }
        return .json(200, ["success": true, "species": found.extendedJSON])
    }

    /// `species`: BirdNET identifiers (`Scientific_Common`); `fields`: which members to return
    /// (all when blank). Unknown identifiers map to null.
    private func lookup(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try BirdWeatherParameters(request)
        guard let names = p.strings("species"), !names.isEmpty else { throw BirdWeatherError.blank("species") }
        guard names.count <= Self.maxLookup else { throw BirdWeatherError.invalid("species", "is too long (maximum is \(Self.maxLookup) entries)") }
        let fields = Set(p.strings("fields") ?? [])
        var result: [(String, JSON)] = []
        for name in names where !result.contains(where: { $0.0 == name }) {
            guard let found = service.catalogue.species(birdNETName: name), case let .object(members) = found.extendedJSON else {
                result.append((name, .null))
                continue
            }
            result.append((name, .object(fields.isEmpty ? members : members.filter { fields.contains($0.0) })))
        }
        return .json(200, ["success": true, "species": .object(result)])
    }
}
