import Shared

/// `birdweather.json`: the BirdWeather API v1 as Roost serves it.
enum BirdWeatherOpenAPI {
    /// The document.
    static let document = OpenAPIDocument(name: "birdweather", title: "BirdWeather", description: "")
}
