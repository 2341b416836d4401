import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// Detections, stats, station species and the species catalogue against the real gateway.
@Suite(.serialized) struct BirdWeatherDetectionTests {
    @Test func cursorPagingVisitsEveryListedDetectionOnceInOrder() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let station = try api.createUser("pager@user.com").station
        var generator = SeededGenerator(seed: 20261203)
        let species = [("Passer domesticus", "House Sparrow"), ("Turdus migratorius", "American Robin"), ("Cathartes aura", "Turkey Vulture")]
        // 300 detections over four days, several sharing a timestamp (ties are ordered by id);
        // one in six below the listing thresholds (stored, not listed).
        var listed: [(id: Int, epoch: Double, species: Int)] = []
        let base = BirdWeatherTime(iso8601: "2026-11-20T00:00:00Z")!.epoch
        for i in 0..<300 {
            let epoch = base + Double(Int.random(in: 0..<96, using: &generator)) * 3600
            let hidden = i % 6 == 5
            let which = i % 3
            let time = BirdWeatherTime(epoch: epoch, offset: [-5 * 3600, 0, 3600][which]).formatted
            let posted = try api.postDetection(station: station, timestamp: time, confidence: hidden ? 0.2 : 0.8, species: species[which])
            #expect(posted.status == 201, "\(posted.text)")
            if !hidden { listed.append((posted.jsonBody["detection"]?["id"]?.intValue ?? 0, epoch, which)) }
        }
        let newestFirst = listed.sorted { ($0.epoch, $0.id) > ($1.epoch, $1.id) }.map(\.id)
        let oldestFirst = newestFirst.reversed().map { $0 }

        func walk(_ query: String, limit: Int) throws -> [Int] {
            var seen: [Int] = []
            var cursor: Int?
            for _ in 0..<100 {
                let path = "/stations/\(station)/detections?limit=\(limit)\(query)" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try #require(try api.send("GET", path).jsonBody["detections"]?.arrayValue)
                #expect(page.count <= limit)
                if page.isEmpty { break }
                seen += page.compactMap { $0["id"]?.intValue }
                cursor = seen.last
            }
            return seen
        }
        #expect(try walk("", limit: 37) == newestFirst)
        #expect(try walk("&order=asc", limit: 41) == oldestFirst)
        #expect(try walk("&order=desc&species_id=4246", limit: 13) == listed.filter { $0.species == 0 }
            .sorted { ($0.epoch, $0.id) > ($1.epoch, $1.id) }.map(\.id))
        // from/to are inclusive.
        let from = base + 24 * 3600, to = base + 48 * 3600
        let fromText = BirdWeatherTime(epoch: from).formatted, toText = BirdWeatherTime(epoch: to, offset: 7200).formatted
        let window = try walk("&from=\(fromText)&to=\(toText)".replacingOccurrences(of: "+", with: "%2B"), limit: 100)
        #expect(window == listed.filter { $0.epoch >= from && $0.epoch <= to }.sorted { ($0.epoch, $0.id) > ($1.epoch, $1.id) }.map(\.id))
        // Limits: default and most 100; a cursor that is not the station's is an error.
        #expect(try api.send("GET", "/stations/\(station)/detections").jsonBody["detections"]?.arrayValue?.count == 100)
        #expect(try api.send("GET", "/stations/\(station)/detections?limit=1000").jsonBody["detections"]?.arrayValue?.count == 100)
        #expect(try api.send("GET", "/stations/\(station)/detections?limit=0").status == 422)
        #expect(try api.send("GET", "/stations/\(station)/detections?cursor=999999").status == 422)
        #expect(try api.send("GET", "/stations/\(station)/detections?order=sideways").status == 422)
        #expect(try api.send("GET", "/stations/\(station)/detections?from=yesterday").status == 422)

        // Stats and species tallies count listed detections only.
        let stats = try api.send("GET", "/stations/\(station)/stats?period=all").jsonBody
        #expect(stats == ["success": true, "detections": .int(listed.count), "species": 3])
        #expect(try api.send("GET", "/stations/\(station)/stats").jsonBody["detections"]?.intValue == 0, "period=day: nothing from November")
        #expect(try api.send("GET", "/stations/\(station)/stats?period=fortnight").status == 422)
        let tallies = try #require(try api.send("GET", "/stations/\(station)/species?period=all").jsonBody["species"]?.arrayValue)
        let counts = (0..<3).map { s in listed.filter { $0.species == s }.count }
        #expect(tallies.map { $0["detections"]?["total"]?.intValue ?? 0 } == counts.sorted(by: >))
        #expect(tallies.allSatisfy { $0["detections"]?["almostCertain"] == $0["detections"]?["total"] })
        let robin = try #require(tallies.first { $0["commonName"]?.stringValue == "American Robin" })
        let newestRobin = listed.filter { $0.species == 1 }.max { ($0.epoch, $0.id) < ($1.epoch, $1.id) }!
        #expect(robin["latestDetectionAt"]?.stringValue == BirdWeatherTime(epoch: newestRobin.epoch, offset: 0).formatted)
        #expect(robin.objectValue?.map(\.0) == ["id", "commonName", "scientificName", "color", "imageUrl", "thumbnailUrl", "detections", "latestDetectionAt"])
        let byName = try api.send("GET", "/stations/\(station)/species?period=all&sort=common_name").jsonBody["species"]?.arrayValue ?? []
        #expect(byName.compactMap { $0["commonName"]?.stringValue } == ["American Robin", "House Sparrow", "Turkey Vulture"])
        let paged = try api.send("GET", "/stations/\(station)/species?period=all&sort=scientific_name&order=desc&limit=1&page=2").jsonBody["species"]
        #expect(paged?.arrayValue?.compactMap { $0["scientificName"]?.stringValue } == ["Passer domesticus"])
        let since = try api.send("GET", "/stations/\(station)/species?since=2026-11-23T00:00:00Z").jsonBody["species"]?.arrayValue ?? []
        #expect(since.reduce(0) { $0 + ($1["detections"]?["total"]?.intValue ?? 0) } == listed.filter { $0.epoch >= base + 72 * 3600 }.count)
        #expect(try api.send("GET", "/stations/\(station)/species?sort=colour").status == 422)
    }

    @Test func aPostedDetectionIsScoredBucketedAndValidated() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let station = try api.createUser("scores@user.com").station
        let posted = try api.send("POST", "/stations/\(station)/detections", json: [
            "timestamp": "2022-11-21T19:01:46.000-05:00", "lat": 39.3634, "lon": -84.2269, "commonName": "Turkey Vulture",
            "scientificName": "Cathartes aura", "algorithm": "alpha", "confidence": 0.7595082, "probability": 0.215,
        ])
        #expect(posted.status == 201, "\(posted.text)")
        let d = try #require(posted.jsonBody["detection"])
        #expect(d.objectValue?.map(\.0) == ["id", "station_id", "timestamp", "species", "lat", "lon", "confidence", "probability", "score",
                                            "certainty", "algorithm", "metadata", "soundscape"])
        #expect(d["timestamp"]?.stringValue == "2022-11-21T19:01:46.000-05:00")
        #expect(d["species"]?["scientific_name"]?.stringValue == "Cathartes aura")
        let score = try #require(d["score"]?.doubleValue)
        #expect(abs(score - 10 * 0.7595082 * (0.95 + 0.05 * 0.215)) < 1e-9)
        #expect(d["certainty"]?.stringValue == "almost_certain")
        let id = try #require(d["id"]?.intValue)
        #expect(try api.send("GET", "/stations/\(station)/detections/\(id)").jsonBody["detection"] == d)
        // Buckets follow the configuration's thresholds; low scores are stored but not listed.
        for (confidence, certainty, listed) in [(0.33, "very_likely", false), (0.25, "uncertain", false), (0.1, "unlikely", false),
                                               (0.39, "very_likely", true)] {
            let r = try api.postDetection(station: station, timestamp: "2022-11-21T19:02:00Z", confidence: confidence, probability: 0)
            #expect(r.jsonBody["detection"]?["certainty"]?.stringValue == certainty, "\(confidence)")
            let rid = r.jsonBody["detection"]?["id"]?.intValue ?? 0
            let inList = try api.send("GET", "/stations/\(station)/detections").jsonBody["detections"]?.arrayValue?.contains { $0["id"]?.intValue == rid }
            #expect(inList == listed, "\(confidence)")
        }
        // Rejected classes are stored but never listed.
        let human = try api.postDetection(station: station, timestamp: "2022-11-21T19:03:00Z", confidence: 0.99,
                                          species: ("Human vocal", "Human vocal"))
        #expect(human.status == 201)
        #expect(try api.send("GET", "/stations/\(station)/detections").jsonBody["detections"]?.arrayValue?
            .contains { $0["species"]?["common_name"]?.stringValue == "Human vocal" } == false)

        // Validation: each field's own message, nothing stored.
        let before = try api.send("GET", "/stations/\(station)/stats?period=all").jsonBody["detections"]
        let cases: [(JSON, String)] = [
            (["confidence": 0.5, "commonName": "House Sparrow"], "timestamp"),
            (["timestamp": "2022-13-01T00:00:00Z", "confidence": 0.5, "commonName": "House Sparrow"], "timestamp"),
            (["timestamp": "2022-11-21T19:01:46Z", "commonName": "House Sparrow"], "confidence"),
            (["timestamp": "2022-11-21T19:01:46Z", "confidence": 1.5, "commonName": "House Sparrow"], "confidence"),
            (["timestamp": "2022-11-21T19:01:46Z", "confidence": 0.5, "commonName": "Dodo"], "species"),
            (["timestamp": "2022-11-21T19:01:46Z", "confidence": 0.5, "commonName": "House Sparrow", "scientificName": "Cathartes aura"], "species"),
            (["timestamp": "2022-11-21T19:01:46Z", "confidence": 0.5, "commonName": "House Sparrow", "lat": 123], "lat"),
            (["timestamp": "2022-11-21T19:01:46Z", "confidence": 0.5, "commonName": "House Sparrow", "soundscapeId": 424242], "soundscapeId"),
        ]
        for (body, field) in cases {
            let refused = try api.send("POST", "/stations/\(station)/detections", json: body)
            #expect(refused.status == 422, "\(body)")
            #expect(refused.jsonBody["success"]?.boolValue == false)
            #expect(refused.jsonBody["errors"]?[field]?.arrayValue?.isEmpty == false, "\(body): \(refused.text)")
        }
        #expect(try api.send("GET", "/stations/\(station)/stats?period=all").jsonBody["detections"] == before)
        #expect(try api.send("GET", "/stations/\(station)/detections/0").status == 404)
        #expect(try api.send("GET", "/stations/\(station)/detections/abc").status == 404)
    }

    @Test func theSpeciesCatalogueIsBirdNETsAndTheConfigurationIsPublished() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let labels = String(decoding: try Data(contentsOf: Cluster.repositoryRoot.appendingPathComponent("models/birdnet/BirdNET_GLOBAL_6K_V2.4_Labels.txt")),
                            as: UTF8.self).split(whereSeparator: \.isNewline)
        #expect(labels.count == 6_522)
        for id in [1, 4246, 6522] {
            let species = try #require(try api.send("GET", "/species/\(id)").jsonBody["species"])
            #expect("\(species["scientificName"]?.stringValue ?? "")_\(species["commonName"]?.stringValue ?? "")" == labels[id - 1])
            #expect(species["color"]?.stringValue?.range(of: "^#[0-9a-f]{6}$", options: .regularExpression) != nil)
            #expect(species["wikipediaSummary"] == .null && species["imageUrl"] == .null && species["ebirdCode"] == .null)
        }
        // Colours are derived from the name: the lookup gives the same one.
        let colour = try api.send("GET", "/species/4246").jsonBody["species"]?["color"]
        for id in ["0", "6523", "abc", "-1"] { #expect(try api.send("GET", "/species/\(id)").status == 404, "\(id)") }

        let lookup = try api.send("POST", "/species/lookup", json: ["species": ["Passer domesticus_House Sparrow", "Nope_Nope"]])
        #expect(lookup.status == 200)
        #expect(lookup.jsonBody["species"]?["Passer domesticus_House Sparrow"]?["id"]?.intValue == 4246)
        #expect(lookup.jsonBody["species"]?["Passer domesticus_House Sparrow"]?["color"] == colour)
        #expect(lookup.jsonBody["species"]?["Nope_Nope"] == .null)
        let some = try api.send("POST", "/species/lookup", json: ["species": ["Passer domesticus_House Sparrow"], "fields": ["id", "commonName"]])
        #expect(some.jsonBody["species"]?["Passer domesticus_House Sparrow"] == ["id": 4246, "commonName": "House Sparrow"])
        #expect(try api.send("POST", "/species/lookup", json: [:]).status == 422)
        #expect(try api.send("POST", "/species/lookup", json: ["species": .array(Array(repeating: "x_y", count: 1001))]).status == 422)

        let configuration = try api.send("GET", "/configuration").jsonBody
        #expect(configuration == ["success": true, "configuration": [
            "confidenceGte": 0.35, "rejectedSpeciesList": ["Human non-vocal_Human non-vocal", "Human vocal_Human vocal",
                                                             "Human whistle_Human whistle", "Engine_Engine", "Gun_Gun"],
            "scoreGte": 3.6, "thresholdAlmostCertain": 4, "thresholdUncertain": 2, "thresholdVeryLikely": 3]])
    }
}
