import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// A BirdWeather client for the end-to-end tests: JSON in, JSON out, over the real gateway.
struct BirdWeatherClient {
    let http: TestClient

    /// Sends `body` as JSON (nil: no body) with `headers`.
    func send(_ method: String, _ path: String, json body: JSON? = nil, headers: [(String, String)] = []) throws -> RawHTTPResponse {
        let bytes = body.map { Array($0.serialized().utf8) } ?? []
        let type: [(String, String)] = body == nil ? [] : [("Content-Type", "application/json")]
        return try http.request(method, "/api/v1" + path, headers: type + headers, body: bytes)
    }

    /// Sends `fields` as a form.
    func form(_ method: String, _ path: String, _ fields: [(String, String)]) throws -> RawHTTPResponse {
        let text = fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        return try http.request(method, "/api/v1" + path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(text.utf8))
    }

    private func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// Creates a user; returns (user token, default station token).
    func createUser(_ email: String, password: String = "password", displayName: String = "Example") throws -> (user: String, station: String) {
        let created = try send("POST", "/user", json: ["email": .string(email), "password": .string(password), "displayName": .string(displayName)])
        #expect(created.status == 201, "\(created.text)")
        let user = created.jsonBody["user"]
        return (user?["authToken"]?.stringValue ?? "", user?["stations"]?[0]?["authToken"]?.stringValue ?? "")
    }

    /// Posts a detection of House Sparrow (or `species`) at `timestamp`; returns the response.
    func postDetection(station: String, timestamp: String, confidence: Double = 0.8, probability: Double? = 0.5,
                       species: (String, String) = ("Passer domesticus", "House Sparrow"), extra: [(String, JSON)] = []) throws -> RawHTTPResponse {
        var body: [(String, JSON)] = [("timestamp", .string(timestamp)), ("lat", 45.5), ("lon", -122.6), ("scientificName", .string(species.0)),
                                      ("commonName", .string(species.1)), ("algorithm", "2.4"), ("confidence", .double(confidence))]
        if let probability { body.append(("probability", .double(probability))) }
        return try send("POST", "/stations/\(station)/detections", json: .object(body + extra))
    }
}

extension Cluster {
    /// A cluster whose gateway runs the BirdWeather API with cheap password hashing (tests only).
    static func birdWeather(_ environment: [String: String] = [:]) throws -> (Cluster, BirdWeatherClient) {
        let cluster = try Cluster(environment: ["ROOST_BIRDWEATHER_PASSWORD_ITERATIONS": "1000"].merging(environment) { $1 })
        try cluster.startGateway()
        return (cluster, BirdWeatherClient(http: try TestClient(port: cluster.httpPort)))
    }
}
