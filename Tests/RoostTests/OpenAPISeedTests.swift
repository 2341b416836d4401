import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Real answers of the BirdWeather and TheDogAPI routes against `birdweather.json` and
/// `dogapi.json`: every documented operation answered 2xx at least once, every answer (errors
/// included) matching its documented schema.
@Suite struct OpenAPISeedTests {
    @Test func birdWeatherAnswersMatchTheirDocument() throws {
        let cluster = try Cluster(environment: ["ROOST_BIRDWEATHER_PASSWORD_ITERATIONS": "1000", "ROOST_WORKER_KINDS": "birds",
                                                "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let api = ExchangeRecorder(client: try TestClient(port: cluster.httpPort))
        let v1 = "/api/v1"

        let created = try api.request("POST", "\(v1)/user", json: ["email": "ada@example.org", "password": "analytical", "displayName": "Ada"])
        let user = try #require(created.jsonBody["user"]?["authToken"]?.stringValue, "\(created.text)")
        try api.request("POST", "\(v1)/user", json: ["email": "not-an-email", "password": "x"])
        try api.request("POST", "\(v1)/authenticate", json: ["email": "ada@example.org", "password": "analytical"])
        try api.request("POST", "\(v1)/authenticate", json: ["email": "ada@example.org", "password": "wrong-one"])
        let auth = [("Authorization", "Bearer \(user)")]
        try api.get("\(v1)/user", headers: auth)
        try api.get("\(v1)/user")
        try api.request("PATCH", "\(v1)/user", headers: auth, json: ["firstName": "Ada", "lastName": "Lovelace"])
        let stationAnswer = try api.request("POST", "\(v1)/stations", headers: auth, json: ["name": "Garden", "lat": 51.5, "lon": -0.12])
        let station = try #require(stationAnswer.jsonBody["station"]?["authToken"]?.stringValue, "\(stationAnswer.text)")
        try api.request("POST", "\(v1)/stations", headers: auth, json: ["name": "Nowhere", "lat": 123])
        try api.request("POST", "\(v1)/guest")
        let s = "\(v1)/stations/\(station)"

        let audio = try Fixtures.bytes("audio/front_center.flac")
        let uploaded = try api.request("POST", "\(s)/soundscapes?timestamp=2026-05-01T06:00:00Z&type=flac",
                                       headers: [("Content-Type", "audio/flac")], body: audio)
        let soundscape = try #require(uploaded.jsonBody["soundscape"]?["id"]?.intValue, "\(uploaded.text)")
        let url = try #require(uploaded.jsonBody["soundscape"]?["url"]?.stringValue)
        try api.request("POST", "\(s)/soundscapes?timestamp=2026-05-01T06:00:00Z", headers: [("Content-Type", "audio/flac")],
                        body: Array("not audio at all".utf8))
        let detectionAnswer = try api.request("POST", "\(s)/detections", json: [
            "timestamp": "2026-05-01T06:00:01Z", "commonName": "House Sparrow", "scientificName": "Passer domesticus",
            "confidence": 0.9, "probability": 0.6, "algorithm": "2.4", "soundscapeId": .int(soundscape),
            "soundscapeStartTime": 0.5, "soundscapeEndTime": 1.5,
        ])
        let detection = try #require(detectionAnswer.jsonBody["detection"]?["id"]?.intValue, "\(detectionAnswer.text)")
        try api.request("POST", "\(s)/detections", json: ["timestamp": "yesterday", "confidence": 3])
        try api.get("\(s)/detections?limit=10&order=asc")
        try api.get("\(s)/detections?limit=0")
        try api.get("\(s)/detections/\(detection)")
        try api.get("\(s)/detections/999999")
        try api.get("\(s)/stats?period=all")
        try api.get("\(s)/species?period=all&sort=common_name")
        try api.get("\(v1)/stations/not-a-token/stats")
        try api.get("\(s)/soundscapes?detections=true")
        try api.get("\(s)/soundscapes/\(soundscape)?detections=true")
        let path = String(url[try #require(url.range(of: "/api/v1/soundscapes/"))!.lowerBound...])
        let file = try api.get(path)
        #expect(file.body == audio)
        try api.get(path, headers: [("If-None-Match", file.headers["etag"] ?? "")])

        let photo = try api.multipart("\(s)/photos", parts: [("file", "eagle.jpg", try Fixtures.bytes("eagle")), ("timestamp", nil, Array("2026-05-01T07:00:00Z".utf8))])
        let photoID = try #require(photo.jsonBody["photo"]?["id"]?.intValue, "\(photo.text)")
        let deadline = MonotonicDeadline.after(60)
        while try api.get("\(s)/photos/\(photoID)?wait=5").jsonBody["photo"]?["status"]?.stringValue == "processing", !deadline.hasPassed {}
        try api.get("\(s)/photos/999999")

        try api.get("\(v1)/species/\(try #require(detectionAnswer.jsonBody["detection"]?["species"]?["id"]?.intValue))")
        try api.get("\(v1)/species/0")
        try api.request("POST", "\(v1)/species/lookup", json: ["species": ["Passer domesticus_House Sparrow", "Nothing_Nothing"]])
        try api.request("POST", "\(v1)/species/lookup", json: ["fields": ["color"]])
        try api.get("\(v1)/configuration")

        try api.request("DELETE", "\(s)/soundscapes/\(soundscape)")
        try api.request("DELETE", "\(s)/soundscapes/\(soundscape)")
        try api.request("DELETE", "\(s)/soundscapes?from=2020-01-01T00:00:00Z")
        try api.request("DELETE", "\(v1)/user", headers: auth)

        let problems = try api.check(document: "birdweather")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
