import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// Soundscapes and station photos against the real gateway (and, for photos, a real `birds` worker).
@Suite(.serialized) struct BirdWeatherSoundscapeTests {
    private func upload(_ api: BirdWeatherClient, _ station: String, _ bytes: [UInt8], query: String,
                        headers: [(String, String)] = []) throws -> RawHTTPResponse {
        try api.http.request("POST", "/api/v1/stations/\(station)/soundscapes?\(query)", headers: headers, body: bytes)
    }

    /// The path part of a soundscape URL.
    private func path(of url: String?) -> String {
        guard let url, let range = url.range(of: "/api/v1/soundscapes/") else { return "/missing" }
        return String(url[range.lowerBound...])
    }

    @Test func soundscapesAreStoredServedListedAndPurged() throws {
        let (cluster, api) = try Cluster.birdWeather(["ROOST_BIRDWEATHER_PUBLIC_URL": "https://birds.example.org/"])
        defer { withExtendedLifetime(cluster) {} }
        let station = try api.createUser("sound@user.com").station
        let flac = try Fixtures.bytes("audio/front_center.flac")
        let wav = try Fixtures.bytes("audio/noise.wav")

        let first = try upload(api, station, flac, query: "timestamp=2022-04-27T23:41:37.212-07:00&type=flac")
        #expect(first.status == 201, "\(first.text)")
        let s1 = try #require(first.jsonBody["soundscape"])
        #expect(s1.objectValue?.map(\.0) == ["id", "stationId", "timestamp", "url", "filesize", "extension", "duration", "mode", "analysis"])
        #expect(s1["timestamp"]?.stringValue == "2022-04-27T23:41:37.212-07:00")
        #expect(s1["filesize"]?.intValue == flac.count && s1["extension"]?.stringValue == "flac" && s1["mode"]?.stringValue == "mono")
        #expect(s1["duration"]?.doubleValue == (68_545.0 / 48_000 * 1000).rounded() / 1000)
        let url1 = try #require(s1["url"]?.stringValue)
        #expect(url1.hasPrefix("https://birds.example.org/api/v1/soundscapes/") && url1.hasSuffix(".flac"))

        // Gzip-encoded upload: stored as the audio, not the gzip.
        let gzip = try GzipFixture.encode(wav)
        let second = try upload(api, station, gzip, query: "timestamp=2022-04-29T00:30:00Z", headers: [("Content-Encoding", "gzip")])
        #expect(second.status == 201, "\(second.text)")
        let s2 = try #require(second.jsonBody["soundscape"])
        #expect(s2["filesize"]?.intValue == wav.count && s2["extension"]?.stringValue == "wav")

        // Roost serves the bytes at the URL, with their type and caching headers.
        let served = try api.http.get(path(of: url1))
        #expect(served.status == 200 && served.body == flac)
        #expect(served.headers["content-type"] == "audio/flac")
        #expect(served.headers["cache-control"]?.contains("immutable") == true)
        let etag = try #require(served.headers["etag"])
        #expect(try api.http.get(path(of: url1), headers: [("If-None-Match", etag)]).status == 304)
        #expect(try api.http.get(path(of: s2["url"]?.stringValue)).body == wav)
        #expect(try api.http.get("/api/v1/soundscapes/00000000000000000000000000000000.flac").status == 404)
        #expect(try api.http.get(path(of: url1).replacingOccurrences(of: ".flac", with: ".wav")).status == 404)

        // The same audio twice: two soundscapes, one file.
        let third = try upload(api, station, flac, query: "timestamp=2022-04-30T06:00:00Z")
        #expect(third.status == 201)
        let files = try FileManager.default.subpathsOfDirectory(atPath: cluster.directory.appendingPathComponent("data/soundscapes").path)
            .filter { !$0.contains("/.") && $0.contains("/") }
        #expect(files.count == 2, "\(files)")

        // Listing: newest first, cursor, filters; detections on request.
        let id1 = try #require(s1["id"]?.intValue), id2 = try #require(s2["id"]?.intValue), id3 = try #require(third.jsonBody["soundscape"]?["id"]?.intValue)
        func ids(_ query: String) throws -> [Int] {
            try api.send("GET", "/stations/\(station)/soundscapes?\(query)").jsonBody["soundscapes"]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
        }
        #expect(try ids("") == [id3, id2, id1])
        #expect(try ids("limit=1&cursor=\(id3)") == [id2])
        #expect(try ids("order=asc&cursor=\(id1)") == [id2, id3])
        #expect(try ids("from=2022-04-29T00:00:00Z&to=2022-04-29T23:59:59Z") == [id2])
        let detection = try api.postDetection(station: station, timestamp: "2022-04-29T00:30:01Z",
                                              extra: [("soundscapeId", .int(id2)), ("soundscapeStartTime", 1), ("soundscapeEndTime", 4)])
        #expect(detection.jsonBody["detection"]?["soundscape"]?["url"]?.stringValue == s2["url"]?.stringValue)
        #expect(detection.jsonBody["detection"]?["soundscape"]?["start_time"]?.doubleValue == 1)
        #expect(try ids("species_id=4246") == [id2])
        let withDetections = try api.send("GET", "/stations/\(station)/soundscapes/\(id2)?detections=true").jsonBody["soundscape"]
        #expect(withDetections?["detections"]?.arrayValue?.count == 1)
        #expect(try api.send("GET", "/stations/\(station)/soundscapes/\(id2)").jsonBody["soundscape"]?["detections"] == nil)

        // Purge one: its row goes, the shared file stays while the other soundscape uses it.
        #expect(try api.send("DELETE", "/stations/\(station)/soundscapes/\(id1)").jsonBody == ["success": true])
        #expect(try api.send("GET", "/stations/\(station)/soundscapes/\(id1)").status == 404)
        #expect(try api.http.get(path(of: url1)).status == 404)
        #expect(try api.http.get(path(of: third.jsonBody["soundscape"]?["url"]?.stringValue)).body == flac)
        // Purge a range (JSON body): the count, the files, and the detection keeps its record without the soundscape.
        let purged = try api.send("DELETE", "/stations/\(station)/soundscapes", json: ["from": "2022-04-29T00:00:00Z", "to": "2022-04-30T23:59:59Z"])
        #expect(purged.jsonBody == ["success": true, "count": 2])
        #expect(try ids("") == [])
        let leftFiles = try FileManager.default.subpathsOfDirectory(atPath: cluster.directory.appendingPathComponent("data/soundscapes").path)
            .filter { !$0.contains("/.") && $0.contains("/") }
        #expect(leftFiles.isEmpty, "\(leftFiles)")
        let kept = try api.send("GET", "/stations/\(station)/detections/\(detection.jsonBody["detection"]?["id"]?.intValue ?? 0)")
        #expect(kept.status == 200 && kept.jsonBody["detection"]?["soundscape"] == .null)
    }

    @Test func badAudioGetsAClearErrorAndIsNotStored() throws {
        let (cluster, api) = try Cluster.birdWeather(["ROOST_SOUNDSCAPE_MAX_BYTES": "1000000", "ROOST_SOUNDSCAPE_MAX_SECONDS": "2"])
        defer { withExtendedLifetime(cluster) {} }
        let station = try api.createUser("bad@user.com").station
        let wav = try Fixtures.bytes("audio/noise.wav")
        let flac = try Fixtures.bytes("audio/front_center.flac")
        let stamp = "timestamp=2022-04-28T06:00:00Z"
        var cases: [(String, [UInt8], String, [(String, String)], Int)] = [
            ("no timestamp", flac, "type=flac", [], 422),
            ("bad timestamp", flac, "timestamp=tomorrow", [], 422),
            ("mp3 by type", flac, stamp + "&type=mp3", [], 415),
            ("mp3 by content", [0xFF, 0xFB, 0x90, 0x64] + Array(repeating: 0, count: 500), stamp, [], 415),
            ("not audio", try Fixtures.bytes("eagle"), stamp, [], 415),
            ("type mismatch", flac, stamp + "&type=wav", [], 422),
            ("unknown type", flac, stamp + "&type=ogg", [], 422),
            ("truncated header", Array(wav.prefix(30)), stamp, [], 422),
            ("data cut short", Array(wav.prefix(wav.count / 2)), stamp, [], 422),
            ("too long", wav + Array(repeating: 0, count: 96_000 * 2), stamp, [], 422),
            ("empty", [], stamp, [], 422),
            ("corrupt gzip", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF], stamp, [("Content-Encoding", "gzip")], 422),
            ("brotli", flac, stamp, [("Content-Encoding", "br")], 415),
        ]
        // Too long: patch the data size so the header says 2 s and the bytes are there.
        var long = cases[9].1
        let dataSize = long.count - 44
        long.replaceSubrange(40..<44, with: [UInt8(dataSize & 0xFF), UInt8((dataSize >> 8) & 0xFF), UInt8((dataSize >> 16) & 0xFF), UInt8(dataSize >> 24)])
        cases[9].1 = long
        for (name, body, query, headers, status) in cases {
            let refused = try upload(api, station, body, query: query, headers: headers)
            #expect(refused.status == status, "\(name): \(refused.text)")
            #expect(refused.jsonBody["success"]?.boolValue == false, "\(name): \(refused.text)")
            #expect(refused.headers["content-type"]?.hasPrefix("application/json") == true, "\(name)")
        }
        // A gzip bomb: 40 MB of silence in a few KB is refused as too large once it passes the limit.
        let bomb = try GzipFixture.encode(Array(wav.prefix(44)) + Array(repeating: 0, count: 40_000_000))
        #expect(bomb.count < 200_000)
        let exploded = try upload(api, station, bomb, query: stamp, headers: [("Content-Encoding", "gzip")])
        #expect(exploded.status == 413, "\(exploded.text)")
        // A body over the limit is refused before it is read.
        let huge = try upload(api, station, Array(repeating: 0, count: 1_500_000), query: stamp)
        #expect(huge.status == 413)
        // Nothing was stored, and the gateway still answers.
        #expect(try api.send("GET", "/stations/\(station)/soundscapes").jsonBody["soundscapes"]?.arrayValue?.isEmpty == true)
        #expect(try upload(api, station, flac, query: stamp).status == 201)
    }

    @Test func aStationPhotoOfABirdBecomesADetection() throws {
        let (cluster, api) = try Cluster.birdWeather(["ROOST_WORKER_KINDS": "birds", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startWorker()
        let (user, station) = try api.createUser("photos@user.com")
        let eagle = try api.http.upload("/api/v1/stations/\(station)/photos?timestamp=2026-06-01T08:30:00-04:00", file: try Fixtures.bytes("eagle"))
        #expect(eagle.status == 201, "\(eagle.text)")
        let photoID = try #require(eagle.jsonBody["photo"]?["id"]?.intValue)
        var photo = JSON.null
        let done = waitUntil(timeout: 120, interval: 0.05) {
            photo = (try? api.send("GET", "/stations/\(station)/photos/\(photoID)?wait=5").jsonBody["photo"]) ?? .null
            return photo["status"]?.stringValue != "processing"
        }
        #expect(done, "\(photo) \(cluster.log("test-worker-1.log"))")
        #expect(photo["status"]?.stringValue == "detected", "\(photo)")
        let detection = try #require(photo["detection"])
        #expect(detection["species"]?["common_name"]?.stringValue == "Bald Eagle")
        #expect(detection["algorithm"]?.stringValue?.hasPrefix("roost-photo/mobilenet_v2") == true)
        #expect(detection["timestamp"]?.stringValue == "2026-06-01T08:30:00.000-04:00")
        #expect(detection["metadata"]?["label"]?.stringValue == "bald eagle")
        #expect((detection["confidence"]?.doubleValue ?? 0) > 0.5)
        // It is one of the station's detections, for the user token too.
        let listed = try api.send("GET", "/stations/\(user)/detections").jsonBody["detections"]?.arrayValue ?? []
        #expect(listed.map { $0["id"] } == [detection["id"]])

        // A dog is not a bird: no detection, and the reason.
        let dog = try api.http.upload("/api/v1/stations/\(station)/photos", file: try Fixtures.bytes("dog"), field: "image")
        let dogID = try #require(dog.jsonBody["photo"]?["id"]?.intValue)
        var dogPhoto = JSON.null
        #expect(waitUntil(timeout: 60, interval: 0.05) {
            dogPhoto = (try? api.send("GET", "/stations/\(station)/photos/\(dogID)?wait=5").jsonBody["photo"]) ?? .null
            return dogPhoto["status"]?.stringValue != "processing"
        })
        #expect(dogPhoto["status"]?.stringValue == "no_bird" && dogPhoto["detection"] == .null, "\(dogPhoto)")
        #expect(dogPhoto["message"]?.stringValue?.contains("dog") == true)

        // The same eagle again is answered from the result cache, at once, with a detection of its own.
        // (The cache needs the worker's published result version, which the gateway re-reads every
        // 2 s: the first repeats may still go to the worker; each one still ends as a detection.)
        var eagles = 1
        let cachedAtOnce = waitUntil(timeout: 60, interval: 0.2) {
            eagles += 1
            let again = try? api.http.upload("/api/v1/stations/\(station)/photos", file: try Fixtures.bytes("eagle"))
            return again?.jsonBody["photo"]?["status"]?.stringValue == "detected"
        }
        #expect(cachedAtOnce)
        #expect(waitUntil(timeout: 60) {
            (try? api.send("GET", "/stations/\(station)/detections").jsonBody["detections"]?.arrayValue?.count) == eagles
        }, "one detection per eagle photo")
        // Not an image; another station's photo.
        let junk = try api.http.upload("/api/v1/stations/\(station)/photos", file: Array("not a photo".utf8))
        #expect(junk.status == 415 && junk.jsonBody["success"]?.boolValue == false, "\(junk.text)")
        let other = try api.createUser("other@user.com").station
        #expect(try api.send("GET", "/stations/\(other)/photos/\(photoID)").status == 404)
    }
}

/// Gzip bodies for tests, made by the system's `gzip` (the reference implementation).
enum GzipFixture {
    static func encode(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("roost-gzip-\(UUID().uuidString)")
        try Data(bytes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(atPath: input.path + ".gz") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-9", "-n", input.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureMissing(description: "gzip failed") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: input.path + ".gz")))
    }
}
