import Foundation
import Testing
@testable import Shared

/// The `audio` kind end to end: real recordings (Debian tuxpaint-stamps-default bird calls as FLAC
/// and WAV) through the real gateway, Redis and a worker running BirdNET on Roost's engine.
@Suite(.serialized) struct AudioJobTests {
    private func audioCluster(_ environment: [String: String] = [:]) throws -> (Cluster, TestClient) {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "audio", "ROOST_WORKER_THREADS": "1"].merging(environment) { $1 })
        try cluster.startGateway()
        try cluster.startWorker()
        return (cluster, try TestClient(port: cluster.httpPort))
    }

    private func analyse(_ client: TestClient, _ file: String, query: String = "") throws -> JSON {
        let response = try client.upload("/jobs/audio\(query)", file: try Fixtures.bytes("audio/birds/\(file)"), filename: file)
        #expect(response.status == 202, "\(response.text)")
        return try client.terminalStatus(of: try #require(response.jsonBody["id"]?.stringValue), timeout: 120)
    }

    @Test func birdNETNamesTheBirdInFLACAndWAVRecordings() throws {
        let (cluster, client) = try audioCluster()
        defer { withExtendedLifetime(cluster) {} }
        for (file, species) in [("tucan.flac", "Keel-billed Toucan"), ("cuckoo.wav", "Common Cuckoo"),
                                ("blackbird_s24.flac", "Red-winged Blackbird"), ("owl_u8.wav", nil)] {
            let status = try analyse(client, file)
            #expect(status["state"]?.stringValue == "succeeded", "\(file): \(status) \(cluster.log("test-worker-1.log").suffix(2000))")
            let result = try #require(status["result"])
            #expect(result["model"]?.stringValue == "birdnet-2.4")
            #expect(result["method"]?.stringValue?.isEmpty == false)
            let chunks = try #require(result["chunks"]?.arrayValue)
            #expect(!chunks.isEmpty)
            #expect(chunks.first?["start"]?.doubleValue == 0 && chunks.first?["end"]?.doubleValue == 3)
            if let species {
                let top = chunks.first?["species"]?[0]
                #expect(top?["common_name"]?.stringValue == species, "\(file): \(result)")
                #expect((top?["score"]?.doubleValue ?? 0) > 0.9, "\(file): \(result)")
            }
        }
        // The blackbird lasts 7.9 s: chunks at 0, 3 and 6 s (the last one 1.9 s long, zero-padded).
        let long = try analyse(client, "blackbird.flac")
        #expect(long["result"]?["chunks"]?.arrayValue?.compactMap { $0["start"]?.doubleValue } == [0, 3, 6])
        // Overlap: a chunk every 1.5 s.
        let overlapped = try analyse(client, "blackbird.flac", query: "?overlap=1.5&min_confidence=0.5")
        #expect(overlapped["result"]?["chunks"]?.arrayValue?.compactMap { $0["start"]?.doubleValue } == [0, 1.5, 3, 4.5, 6])
    }

    @Test func partsOfARecordingGiveExactlyTheWholeRecordingsChunks() throws {
        let (cluster, client) = try audioCluster()
        defer { withExtendedLifetime(cluster) {} }
        func chunks(_ query: String) throws -> [JSON] {
            try analyse(client, "blackbird.flac", query: query)["result"]?["chunks"]?.arrayValue ?? []
        }
        let whole = try chunks("")
        let parts = try chunks("?start=0&end=3") + chunks("?start=3&end=6") + chunks("?start=6")
        #expect(whole.count == 3)
        // Same chunks, same species, same scores: a part seeks and warms the resampler up before its start.
        #expect(parts.map { $0["start"] } == whole.map { $0["start"] })
        for (a, b) in zip(parts, whole) {
            let (x, y) = (a["species"]?[0]?["score"]?.doubleValue ?? 0, b["species"]?[0]?["score"]?.doubleValue ?? 1)
            #expect(a["species"]?[0]?["common_name"] == b["species"]?[0]?["common_name"] && abs(x - y) < 1e-4, "\(a) \(b)")
        }
        // A part holding only the last 0.4 s has no chunk (BirdNET skips a last chunk under 1.5 s).
        #expect(try chunks("?start=7.5").isEmpty)
    }

    @Test func theLocationPriorLeavesOutBirdsThatDoNotLiveThere() throws {
        let (cluster, client) = try audioCluster()
        defer { withExtendedLifetime(cluster) {} }
        func heard(_ query: String) throws -> (names: Set<String>, filter: JSON?) {
            let status = try analyse(client, "blackbird.flac", query: query)
            let names = status["result"]?["chunks"]?.arrayValue?.flatMap { $0["species"]?.arrayValue ?? [] }
                .compactMap { $0["common_name"]?.stringValue } ?? []
            return (Set(names), status["result"]?["location_filter"])
        }
        // Red-winged Blackbirds live in North America: kept in Ithaca in May, left out in Sydney.
        let ithaca = try heard("?lat=42.45&lon=-76.5&week=18")
        #expect(ithaca.names.contains("Red-winged Blackbird"), "\(ithaca)")
        #expect(ithaca.filter?["species"]?.intValue == 157, "\(ithaca.filter ?? .null)")
        let sydney = try heard("?lat=-33.87&lon=151.21&week=18")
        #expect(!sydney.names.contains("Red-winged Blackbird"), "\(sydney)")
        #expect(sydney.filter?["threshold"]?.doubleValue == 0.03)
        // Without a location nothing is filtered; a lone coordinate is a bad request.
        #expect(try heard("").filter == .null)
        let lone = try client.upload("/jobs/audio?lat=10", file: try Fixtures.bytes("audio/birds/tucan.flac"), filename: "t.flac")
        #expect(lone.status == 400 && lone.jsonBody["error"]?["code"]?.stringValue == "bad_params")
    }

    @Test func theCuckooAndTheToucanScoreAsTFLiteScoresThem() throws {
        // scripts/reference_birdnet.py on the soxr-resampled fixtures: Common Cuckoo 0.998, Keel-billed Toucan 0.995 (TFLite).
        let (cluster, client) = try audioCluster()
        defer { withExtendedLifetime(cluster) {} }
        let folder = try BirdNETFixture.reference()
        for (file, name) in [("cuckoo.flac", "cuckoo"), ("tucan.flac", "tucan")] {
            let logits = try ClassifierFixture.floats(folder.appendingPathComponent("\(name).logits.f32"))
            let best = logits.prefix(6522).max()!
            let expected = Double(BirdNETFixture.score(best))
            let status = try analyse(client, file)
            let ours = try #require(status["result"]?["chunks"]?[0]?["species"]?[0]?["score"]?.doubleValue)
            print("whole path \(file): Roost \(ours), TFLite on soxr's resampling \(expected)")
            // Our resampler differs from soxr in the transition band only: the scores agree to 1e-2.
            #expect(abs(ours - expected) < 0.01, "\(file): Roost \(ours), TFLite \(expected)")
        }
    }

    @Test func badRecordingsAreClearErrorsAndNothingCrashes() throws {
        let (cluster, client) = try audioCluster(["ROOST_MAX_AUDIO_SECONDS": "5"])
        defer { withExtendedLifetime(cluster) {} }
        func upload(_ bytes: [UInt8], _ name: String) throws -> RawHTTPResponse {
            try client.upload("/jobs/audio", file: bytes, filename: name)
        }
        let flac = try Fixtures.bytes("audio/birds/tucan.flac")
        let wav = try Fixtures.bytes("audio/birds/cuckoo.wav")
        // Not audio at all, and a photo.
        let text = try upload(Array("hello, this is not audio".utf8), "a.flac")
        #expect(text.status == 415 && text.jsonBody["error"]?["code"]?.stringValue == "not_audio", "\(text.text)")
        #expect(try upload(try Fixtures.bytes("eagle"), "eagle.jpg").status == 415)
        // Longer than ROOST_MAX_AUDIO_SECONDS (the blackbird lasts 7.9 s).
        let long = try upload(try Fixtures.bytes("audio/birds/blackbird.flac"), "long.flac")
        #expect(long.status == 400 && long.jsonBody["error"]?["code"]?.stringValue == "audio_too_long", "\(long.text)")
        // A WAV whose data chunk claims more bytes than the file holds.
        var lying = wav
        let dataAt = try #require(AudioFixtures.chunk("data", in: lying))
        lying.replaceSubrange((dataAt + 4)..<(dataAt + 8), with: [0x00, 0x00, 0x00, 0x70])
        #expect(try upload(lying, "lying.wav").status == 400)
        // Sample rate 0.
        var zeroRate = wav
        let fmtAt = try #require(AudioFixtures.chunk("fmt ", in: zeroRate))
        zeroRate.replaceSubrange((fmtAt + 12)..<(fmtAt + 16), with: [0, 0, 0, 0])
        #expect(try upload(zeroRate, "zero.wav").status == 400)
        // No samples at all: a clear failure of the job, not a crash.
        let empty = Array(wav[..<(dataAt + 4)]) + [0, 0, 0, 0]
        let emptyResponse = try upload(empty, "empty.wav")
        if emptyResponse.status == 202 {
            let status = try client.terminalStatus(of: try #require(emptyResponse.jsonBody["id"]?.stringValue), timeout: 60)
            #expect(status["state"]?.stringValue == "failed" && status["error"]?["code"]?.stringValue == "bad_audio", "\(status)")
        } else {
            #expect(emptyResponse.status == 400, "\(emptyResponse.text)")
        }
        // A FLAC cut in the middle of its frames: the header is fine, the stream is not.
        let truncated = Array(flac.prefix(flac.count * 2 / 3))
        let cut = try upload(truncated, "cut.flac")
        #expect(cut.status == 202, "\(cut.text)")
        let failed = try client.terminalStatus(of: try #require(cut.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(failed["state"]?.stringValue == "failed", "\(failed)")
        #expect(failed["error"]?["code"]?.stringValue == "bad_audio")
        #expect(failed["error"]?["message"]?.stringValue?.lowercased().contains("truncat") == true, "\(failed)")
        // Silence: a result with no species, not an error.
        var silence = wav
        for i in (dataAt + 8)..<silence.count { silence[i] = 0 }
        let quiet = try upload(silence, "silence.wav")
        let quietStatus = try client.terminalStatus(of: try #require(quiet.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(quietStatus["state"]?.stringValue == "succeeded", "\(quietStatus)")
        #expect(quietStatus["result"]?["chunks"]?.arrayValue?.allSatisfy { $0["species"]?.arrayValue?.isEmpty == true } == true,
                "\(quietStatus)")
        // Bad params.
        let params = try client.upload("/jobs/audio?overlap=3", file: flac, filename: "a.flac")
        #expect(params.status == 400 && params.jsonBody["error"]?["code"]?.stringValue == "bad_params", "\(params.text)")
        // The worker is still there and still right.
        let after = try client.terminalStatus(of: try #require(try upload(flac, "tucan.flac").jsonBody["id"]?.stringValue), timeout: 60)
        #expect(after["result"]?["chunks"]?[0]?["species"]?[0]?["common_name"]?.stringValue == "Keel-billed Toucan")
    }
}
