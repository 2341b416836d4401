import Shared

/// `dogapi.json`: TheDogAPI v1 as Roost serves it.
enum DogAPIOpenAPI {
    /// The document.
    static let document = OpenAPIDocument(name: "dogapi", title: "TheDogAPI", description: "")
}
