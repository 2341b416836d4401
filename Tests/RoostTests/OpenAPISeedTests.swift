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
        let at = try #require(url.range(of: "/api/v1/soundscapes/"))
        let path = String(url[at.lowerBound...])
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

    @Test func dogAPIAnswersMatchTheirDocument() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify,sizes,pet", "ROOST_WORKER_THREADS": "1", "ROOST_SYNC_TIMEOUT": "120"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let api = ExchangeRecorder(client: try TestClient(port: cluster.httpPort))
        func account(_ name: String, admin: Bool) throws -> [(String, String)] {
            let created = try api.request("POST", "/v1/admin/accounts", json: ["name": .string(name), "admin": .bool(admin)])
            return [("x-api-key", try #require(created.jsonBody["api_key"]?.stringValue, "\(created.text)"))]
        }
        let key = try account("breeder", admin: false), admin = try account("moderator", admin: true)
        try api.request("POST", "/v1/admin/accounts", json: ["admin": true])

        let dog = try Fixtures.bytes("dog")
        let uploaded = try api.multipart("/v1/images/upload", parts: [("file", "dog.jpg", dog), ("sub_id", nil, Array("kennel-7".utf8))], headers: key)
        let id = try #require(uploaded.jsonBody["id"]?.stringValue, "\(uploaded.text)")
        let base64 = Data(try Fixtures.bytes("chicky_512")).base64EncodedString()
        try api.request("POST", "/v1/images/upload-sync", headers: key, json: ["type": "base64", "image": .string(base64)])
        try api.multipart("/v1/images/upload", parts: [("file", "notes.txt", Array("plain text".utf8))], headers: key)
        try api.multipart("/v1/images/upload", parts: [("file", "dog.jpg", dog)])
        let deadline = MonotonicDeadline.after(60)
        var status = ""
        repeat {
            status = try api.get("/v1/images/\(id)/status", headers: key).jsonBody["status"]?.stringValue ?? ""
        } while status == "to_be_reviewed" && !deadline.hasPassed
        #expect(status == "labelled" || status == "clean", "review ended as \(status)")
        let synced = try api.multipart("/v1/images/upload-sync", parts: [("file", "dog.jpg", dog)], headers: key)
        #expect(synced.status == 201, "\(synced.text)")

        try api.get("/v1/images?limit=5&page=0&order=DESC", headers: key)
        try api.get("/v1/images/\(id)", headers: key)
        try api.get("/v1/images/nothing-here", headers: key)
        try api.get("/v1/images/\(id)/analysis", headers: key)
        try api.get("/v1/images/\(id)/labels", headers: key)
        try api.get("/v1/images/\(id)/breeds", headers: key)
        try api.request("POST", "/v1/images/\(id)/breeds", headers: key, json: ["breed_id": 1])
        try api.request("POST", "/v1/images/\(id)/breeds", headers: key, json: ["breed_id": 999999])
        try api.request("DELETE", "/v1/images/\(id)/breeds/1", headers: key)
        try api.request("DELETE", "/v1/images/\(id)/breeds/1", headers: key)
        try api.get("/v1/images/search?limit=3&has_breeds=1&size=thumb", headers: key)
        try api.get("/v1/images/search?format=src", headers: key)
        let image = try api.get("/v1/images/\(id)", headers: key).jsonBody
        let url = try #require(image["url"]?.stringValue)
        let at = try #require(url.range(of: "/images/"))
        let file = try api.get(String(url[at.lowerBound...]))
        try api.get(String(url[at.lowerBound...]), headers: [("If-None-Match", file.headers["etag"] ?? "")])
        var thumb = 0
        repeat { thumb = try api.get("/images/thumb/\(id).jpg").status } while thumb == 302 && !deadline.hasPassed
        #expect(thumb == 200, "the thumb was never generated")
        try api.get("/images/huge/\(id).jpg")

        try api.request("POST", "/v1/images/\(id)/public-requests", headers: key, json: ["request_message": "a fine dog"])
        try api.get("/v1/images/\(id)/public-requests/status", headers: key)
        try api.request("DELETE", "/v1/images/\(id)/public-requests", headers: key)
        try api.request("POST", "/v1/images/\(id)/public-requests", headers: key)
        try api.request("PATCH", "/v1/images/\(id)/public-requests", headers: key, json: ["status": "approved"])
        try api.request("PATCH", "/v1/images/\(id)/public-requests", headers: admin, json: ["status": "approved", "admin_message": "lovely"])
        #expect(try api.get("/v1/images/\(id)/breeds").status == 200, "a public image's breeds are anybody's to read")

        let vote = try api.request("POST", "/v1/votes", headers: key, json: ["image_id": .string(id), "value": 1, "sub_id": "kennel-7", "country_code": "GB"])
        let voteID = try #require(vote.jsonBody["id"]?.intValue, "\(vote.text)")
        try api.request("POST", "/v1/votes", headers: key, json: ["image_id": .string(id), "value": 5])
        try api.get("/v1/votes?limit=10", headers: key)
        try api.get("/v1/votes/\(voteID)", headers: key)
        try api.request("DELETE", "/v1/votes/\(voteID)", headers: key)
        try api.get("/v1/votes/\(voteID)", headers: key)
        let favourite = try api.request("POST", "/v1/favourites", headers: key, json: ["image_id": .string(id)])
        let favouriteID = try #require(favourite.jsonBody["id"]?.intValue, "\(favourite.text)")
        try api.request("POST", "/v1/favourites", headers: key, json: ["image_id": .string(id)])
        try api.get("/v1/favourites", headers: key)
        try api.get("/v1/favourites/\(favouriteID)", headers: key)
        try api.request("DELETE", "/v1/favourites/\(favouriteID)", headers: key)
        try api.request("DELETE", "/v1/favourites/\(favouriteID)", headers: key)

        try api.get("/v1/accounts/features", headers: key)
        try api.get("/v1/accounts/quota", headers: key)
        try api.get("/v1/accounts/1/overview", headers: admin)
        try api.get("/v1/accounts/1/overview", headers: key)
        try api.get("/v1/sub-ids", headers: key)
        try api.get("/v1/sub-ids", headers: [("x-api-key", "not-a-key")])

        try api.get("/v1/breeds?limit=5&page=1")
        try api.get("/v1/breeds/search?q=terrier")
        try api.get("/v1/breeds/breed-groups")
        try api.get("/v1/breeds/1")
        try api.get("/v1/breeds/999999")
        try api.get("/v1/breeds/1/facts")
        try api.get("/v1/breeds/bans/countries")
        try api.get("/v1/breeds/bans/country?country=GB")
        try api.get("/v1/breeds/bans/country")
        let banned = try #require(try api.get("/v1/breeds/bans/country?country=GB").jsonBody["legislation"]?[0]?["breeds"]?[0]?["id"]?.intValue)
        try api.get("/v1/breeds/bans/breed/\(banned)")
        try api.get("/v1/categories")
        try api.get("/v1/categories/1")
        try api.get("/v1/categories/999999")
        try api.request("POST", "/v1/categories", headers: admin, json: ["name": "agility"])
        try api.request("POST", "/v1/categories", headers: key, json: ["name": "agility"])
        try api.get("/v1/health-tips?limit=3")
        let tips = try api.get("/v1/health-tips").jsonBody
        try api.get("/v1/health-tips/\(try #require(tips[0]?["id"]?.intValue))")
        try api.request("POST", "/v1/health-tips", headers: admin, json: ["title": "Water", "tip": "Fresh water every day.", "breed_id": 1])
        try api.request("POST", "/v1/health-tips", headers: admin, json: ["title": "Nothing"])
        let facts = try api.get("/v1/facts?limit=3&offset=1").jsonBody
        try api.get("/v1/facts/random")
        let breedFact = try #require(try api.get("/v1/facts?limit=100").jsonBody.arrayValue?.compactMap { $0["breed_id"]?.intValue }.first)
        try api.get("/v1/facts/breed/\(breedFact)")
        try api.get("/v1/facts/breed/\(breedFact)/random")
        try api.get("/v1/facts/species/1/random")
        try api.get("/v1/facts/\(try #require(facts[0]?["id"]?.stringValue))")
        try api.get("/v1/facts/nothing")
        try api.request("POST", "/v1/facts", headers: admin, json: ["title": "Noses", "fact": "Every nose print is unique."])

        func text(_ value: String) -> [UInt8] { Array(value.utf8) }
        let pet = try api.multipart("/v1/pets", parts: [("name", nil, text("Buddy")), ("breed_id", nil, text("1")), ("date_of_birth", nil, text("2022-06-15")),
                                                        ("poses", nil, text(#"{"0":"front"}"#)), ("images", "dog.jpg", dog)], headers: key)
        let petID = try #require(pet.jsonBody["id"]?.stringValue, "\(pet.text)")
        try api.multipart("/v1/pets", parts: [("species_id", nil, text("3"))], headers: key)
        try api.get("/v1/pets?limit=5&order=DESC&species_id=1", headers: key)
        try api.get("/v1/pets/portrait-styles", headers: key)
        try api.get("/v1/pets/\(petID)", headers: key)
        try api.get("/v1/pets/nothing-here", headers: key)
        try api.request("PATCH", "/v1/pets/\(petID)", headers: key, json: ["name": "Max", "age_years": 2, "description": .null])
        try api.request("PATCH", "/v1/pets/\(petID)", headers: key, json: ["species_id": 7])
        let photos = try api.multipart("/v1/pets/\(petID)/images", parts: [("age_months", nil, text("4")), ("images", "chicky.jpg", try Fixtures.bytes("chicky_512"))],
                                       headers: key)
        let photoURL = try #require(photos.jsonBody[0]?["url"]?.stringValue, "\(photos.text)")
        try api.get(String(photoURL[try #require(photoURL.range(of: "/images/")).lowerBound...]))
        try api.multipart("/v1/pets/\(petID)/images", parts: [("images", "notes.txt", text("plain text"))], headers: key)
        for analysis in ["genealogy", "body-condition-score", "muscle-condition-score", "estimated-age"] {
            try api.request("POST", "/v1/pets/\(petID)/\(analysis)", headers: key)
        }
        try api.request("POST", "/v1/pets/\(petID)/portrait", headers: key, json: ["style": "studio"])
        try api.request("POST", "/v1/pets/\(petID)/portrait", headers: key, json: ["style": "cubist"])
        try api.request("POST", "/v1/pets/nothing-here/genealogy", headers: key)
        try api.request("DELETE", "/v1/pets/\(petID)", headers: key)
        try api.request("DELETE", "/v1/pets/\(petID)", headers: key)

        try api.request("DELETE", "/v1/images/\(id)", headers: key)
        try api.request("DELETE", "/v1/images/\(id)", headers: key)
        let problems = try api.check(document: "dogapi")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
