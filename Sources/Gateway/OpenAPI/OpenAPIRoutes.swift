import Shared

/// Every OpenAPI document Roost serves, by name.
enum OpenAPIDocuments {
    /// The documents, in the order the index lists them.
    static let all: [OpenAPIDocument] = [RoostOpenAPI.document, BirdsOpenAPI.document, BirdWeatherOpenAPI.document,
                                         DogAPIOpenAPI.document, PanelOpenAPI.document]

    /// Their names (`roost`, `birds`, …).
    static var names: [String] { ["roost", "birds", "birdweather", "dogapi", "panel"] }
}

/// `GET /openapi/{name}.json`: each document rendered once, served to anybody (they describe, they hold no data).
struct OpenAPIRoutes {
    /// Adds the route.
    func register(on router: Router) {
        let rendered = Dictionary(uniqueKeysWithValues: OpenAPIDocuments.all.map { ($0.name + ".json", $0.json.bytes()) })
        router.add("GET", "/openapi/{document}", lane: .inline, GatewayError.guarded { request in
            guard let body = rendered[request.pathParameters["document"] ?? ""] else {
                throw HTTPError.notFound("no such document; there are " + OpenAPIDocuments.names.map { "/openapi/\($0).json" }.joined(separator: ", "))
            }
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=300")], body: body)
        })
    }
}
