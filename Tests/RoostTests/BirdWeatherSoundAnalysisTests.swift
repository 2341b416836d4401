import Foundation
import Testing
@testable import Shared

/// Soundscapes into detections: a station uploads a recording through the BirdWeather API, the
/// gateway queues BirdNET `audio` jobs for its parts, two real workers share them, and the
/// detections appear in the detections and species listings, each once.
@Suite(.serialized) struct BirdWeatherSoundAnalysisTests {
    @Test func aSoundscapeBecomesDetectionsListedByTheDetectionsAndSpeciesEndpoints() throws {
        // Parts of 3 s: the 7.9-s blackbird recording is shared by the workers as three jobs.
        let (cluster, api) = try Cluster.birdWeather(["ROOST_AUDIO_PART_SECONDS": "3", "ROOST_WORKER_KINDS": "audio",
                                                      "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startWorker()
        try cluster.startWorker()
        let station = try api.createUser("sound.analysis@user.com").station
        let recording = try Fixtures.bytes("audio/birds/blackbird.flac")
        let posted = try api.http.request("POST", "/api/v1/stations/\(station)/soundscapes?timestamp=2024-05-01T06:00:00.000-04:00&type=flac",
                                          body: recording)
        #expect(posted.status == 201, "\(posted.text)")
        let soundscape = try #require(posted.jsonBody["soundscape"])
        let id = try #require(soundscape["id"]?.intValue)
        #expect(soundscape["analysis"]?["parts"]?.intValue == 3, "\(soundscape)")
        #expect(soundscape["analysis"]?["model"]?.stringValue == "birdnet-2.4")

        var analysis: JSON?
        let finished = waitUntil(timeout: 120, interval: 0.1) {
            analysis = try? api.send("GET", "/stations/\(station)/soundscapes/\(id)?detections=true").jsonBody["soundscape"]
            return analysis?["analysis"]?["status"]?.stringValue == "done"
        }
        #expect(finished, "\(analysis ?? .null) \(cluster.log("test-worker-1.log").suffix(1500)) \(cluster.log("gateway.log").suffix(1500))")
        let detections = try #require(analysis?["detections"]?.arrayValue)
        #expect(analysis?["analysis"]?["detections"]?.intValue == detections.count)
        #expect(analysis?["analysis"]?["partsDone"]?.intValue == 3)
        let blackbirds = detections.filter { $0["species"]?["common_name"]?.stringValue == "Red-winged Blackbird" }
        // BirdNET hears the blackbird in each of the three chunks (0.93, 0.93, 0.92 through TFLite).
        #expect(blackbirds.compactMap { $0["soundscape"]?["start_time"]?.doubleValue }.sorted() == [0, 3, 6], "\(detections)")
        for detection in blackbirds {
            #expect(detection["algorithm"]?.stringValue == "birdnet-2.4")
            #expect((detection["confidence"]?.doubleValue ?? 0) > 0.8)
            #expect(detection["soundscape"]?["url"]?.stringValue == soundscape["url"]?.stringValue)
            #expect(detection["metadata"]?["source"]?.stringValue == "soundscape")
        }
        // Each chunk's species once: no part was recorded twice.
        let keys = detections.map { "\($0["species"]?["id"]?.intValue ?? 0)@\($0["soundscape"]?["start_time"]?.doubleValue ?? -1)" }
        #expect(Set(keys).count == keys.count, "\(keys)")
        // The station's own listings show them: detections (listed ones) and the species tally.
        let listed = try api.send("GET", "/stations/\(station)/detections").jsonBody["detections"]?.arrayValue ?? []
        #expect(listed.filter { $0["species"]?["common_name"]?.stringValue == "Red-winged Blackbird" }.count == 3, "\(listed)")
        let species = try api.send("GET", "/stations/\(station)/species?period=all").jsonBody
        let tally = species["species"]?.arrayValue?.first { $0["commonName"]?.stringValue == "Red-winged Blackbird" }
        #expect(tally?["detections"]?["total"]?.intValue == 3, "\(species)")
        // The detections carry the soundscape's time plus the chunk's offset.
        let times = blackbirds.compactMap { $0["timestamp"]?.stringValue }.sorted()
        #expect(times.first == "2024-05-01T06:00:00.000-04:00" && times.last == "2024-05-01T06:00:06.000-04:00", "\(times)")
    }

    @Test func analysisOffStoresTheSoundscapeWithoutJobs() throws {
        let (cluster, api) = try Cluster.birdWeather(["ROOST_SOUNDSCAPE_ANALYSIS": "off"])
        defer { withExtendedLifetime(cluster) {} }
        let station = try api.createUser("quiet@user.com").station
        let posted = try api.http.request("POST", "/api/v1/stations/\(station)/soundscapes?timestamp=2024-05-01T06:00:00Z",
                                          body: try Fixtures.bytes("audio/birds/tucan.flac"))
        #expect(posted.status == 201)
        #expect(posted.jsonBody["soundscape"]?["analysis"]?["status"]?.stringValue == "off")
        #expect(try TestClient(port: cluster.httpPort).get("/metrics").text.contains("kind=\"audio\"") == false)
    }
}

/// A worker killed with SIGKILL in the middle of a long soundscape: another worker takes over its
/// part after the visibility timeout, every part ends, and no detection is stored twice.
@Suite(.serialized) struct SoundscapeWorkerKillTests {
    @Test func aWorkerKilledMidFileLosesNothingAndDuplicatesNothing() throws {
        let (cluster, api) = try Cluster.birdWeather(["ROOST_AUDIO_PART_SECONDS": "30", "ROOST_WORKER_KINDS": "audio",
                                                      "ROOST_WORKER_THREADS": "1", "ROOST_VISIBILITY_TIMEOUT": "3",
                                                      "ROOST_RESULT_CACHE": "off"])
        defer { withExtendedLifetime(cluster) {} }
        let victim = try cluster.startWorker()
        let station = try api.createUser("kill@user.com").station
        // About ten minutes of real bird calls (the blackbird recording 76 times, encoded by `flac`).
        let recording = try Fixtures.bytes("audio/birds/long.flac")
        func upload(_ time: String) throws -> Int {
            let posted = try api.http.request("POST", "/api/v1/stations/\(station)/soundscapes?timestamp=\(time)", body: recording)
            #expect(posted.status == 201, "\(posted.text)")
            return try #require(posted.jsonBody["soundscape"]?["id"]?.intValue)
        }
        func document(_ id: Int) -> JSON? {
            try? api.send("GET", "/stations/\(station)/soundscapes/\(id)?detections=true").jsonBody["soundscape"]
        }
        let first = try upload("2024-05-01T06:00:00Z")
        let parts = try #require(document(first)?["analysis"]?["parts"]?.intValue)
        #expect(parts >= 20, "\(document(first) ?? .null)")
        // Kill the only worker once it has finished some parts and is inside another.
        #expect(waitUntil(timeout: 120) { (document(first)?["analysis"]?["partsDone"]?.intValue ?? 0) >= 2 })
        victim.kill(signal: SIGKILL)
        _ = victim.wait(timeout: 10)
        try cluster.startWorker()
        #expect(waitUntil(timeout: 300, interval: 0.2) { document(first)?["analysis"]?["status"]?.stringValue == "done" },
                "\(document(first)?["analysis"] ?? .null)")
        // The same recording again, uninterrupted: the same detections.
        let second = try upload("2024-05-02T06:00:00Z")
        #expect(waitUntil(timeout: 300, interval: 0.2) { document(second)?["analysis"]?["status"]?.stringValue == "done" })
        func keys(_ id: Int) -> [String] {
            (document(id)?["detections"]?.arrayValue ?? []).map {
                "\($0["species"]?["id"]?.intValue ?? 0)@\($0["soundscape"]?["start_time"]?.doubleValue ?? -1)"
            }
        }
        let interrupted = keys(first), clean = keys(second)
        #expect(!interrupted.isEmpty)
        #expect(Set(interrupted).count == interrupted.count, "a detection was stored twice")
        #expect(interrupted.sorted() == clean.sorted(), "\(interrupted.count) detections after the kill, \(clean.count) without")
        #expect(document(first)?["analysis"]?["partsDone"]?.intValue == parts)
    }
}
