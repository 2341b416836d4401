import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// The bird-identification API (seed 000) against the real gateway, a real `birds` worker with the
/// real models and a real Redis: answers, errors, the synchronous wait and the result cache.
@Suite(.serialized) struct BirdIdentificationTests {
    /// A gateway and one `birds` worker whose heartbeat (with its result versions) has been seen.
    private func birdCluster(_ environment: [String: String] = [:]) throws -> (Cluster, TestClient) {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "birds", "ROOST_WORKER_THREADS": "1"].merging(environment) { $1 })
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let published = waitUntil(timeout: 120) {
            let workers = (try? client.get("/ops/workers").jsonBody["workers"]?.arrayValue) ?? []
            return workers.contains { $0["results"]?["birds"]?.stringValue?.hasPrefix("birds/1 ") == true }
        }
        #expect(published, "\(cluster.log("test-worker-1.log"))")
        return (cluster, client)
    }

    private func identify(_ client: TestClient, _ path: String, photo: [UInt8], filename: String = "photo.jpg",
                          headers: [(String, String)] = []) throws -> RawHTTPResponse {
        try client.upload(path, file: photo, field: "image", filename: filename, headers: headers)
    }

    @Test func answersEachVersionAndPersonaAsTheRealServiceShapesThem() throws {
        let (cluster, client) = try birdCluster()
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let eagle = try Fixtures.bytes("eagle")

        let v1 = try identify(client, "/birds/identification/classify", photo: eagle)
        #expect(v1.status == 200, "\(v1.text) \(cluster.log("test-worker-1.log"))")
        #expect(v1.headers["content-type"]?.hasPrefix("application/json") == true)
        let body = v1.jsonBody
        #expect(body.objectValue?.map(\.0) == ["Timestamp", "Name", "Score", "LearnMoreLink"])
        #expect(body["Name"]?.stringValue == "bald-eagle")
        let score = try #require(body["Score"]?.doubleValue)
        #expect(score > 50 && score <= 100 && abs(score * 100 - (score * 100).rounded()) < 1e-6, "two decimals: \(score)")
        #expect(body["LearnMoreLink"]?.stringValue == "https://www.google.com/search?q=bald+eagle+bird")
        let stamp = try #require(body["Timestamp"]?.stringValue)
        #expect(stamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}[+-]\d\d:\d\d$"#, options: .regularExpression) != nil, "\(stamp)")
        #expect(v1.headers["x-roost-method"]?.contains("bird") == true)

        // Version 1 is the default, and `version=1` is the same question.
        let explicit = try identify(client, "/birds/identification/classify?version=1", photo: eagle, filename: "EAGLE.JPEG")
        #expect(explicit.jsonBody["Name"]?.stringValue == "bald-eagle")
        #expect(explicit.jsonBody["Score"]?.doubleValue == score)

        // Version 2 checks first: a bird stays a bird; a dog, a cat and a face say what they are.
        let checkedEagle = try identify(client, "/birds/identification/classify?version=2", photo: eagle)
        #expect(checkedEagle.jsonBody["Name"]?.stringValue == "bald-eagle")
        for (fixture, expected) in [("dog", "dog"), ("chelsea", "cat"), ("grace_hopper_512x512", "person")] {
            let answer = try identify(client, "/birds/identification/classify?version=2", photo: try Fixtures.bytes(fixture))
            #expect(answer.status == 200, "\(fixture): \(answer.text)")
            #expect(answer.jsonBody["Name"]?.stringValue == expected, "\(fixture): \(answer.text) \(answer.headers["x-roost-method"] ?? "")")
            #expect(answer.jsonBody["LearnMoreLink"]?.stringValue == "", "\(fixture)")
            #expect((answer.jsonBody["Score"]?.doubleValue ?? 0) > 0)
        }

        // Persona: the same most-resembled bird as version 1, scored over the bird classes only.
        let person = try Fixtures.bytes("grace_hopper_512x512")
        let asBird = try identify(client, "/birds/identification/classify", photo: person).jsonBody
        let persona = try identify(client, "/birds/identification/persona", photo: person).jsonBody
        #expect(persona["Name"] == asBird["Name"])
        #expect((persona["Score"]?.doubleValue ?? 0) > (asBird["Score"]?.doubleValue ?? 100))
        #expect(persona["LearnMoreLink"]?.stringValue?.hasPrefix("https://www.google.com/search?q=") == true)
    }

    @Test func badRequestsGetTheRealServicesPlainTextErrors() throws {
        let (cluster, client) = try birdCluster()
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let eagle = try Fixtures.bytes("eagle")
        for name in ["photo.gif", "photo", "photo.jpg.exe", "photo.webp"] {
            let refused = try identify(client, "/birds/identification/classify", photo: eagle, filename: name)
            #expect(refused.status == 400)
            #expect(refused.text == "Incorrect file type.", "\(name)")
            #expect(refused.headers["content-type"]?.hasPrefix("text/plain") == true)
        }
        for version in ["3", "0", "abc", "-1"] {
            let refused = try identify(client, "/birds/identification/classify?version=\(version)", photo: eagle)
            #expect(refused.status == 400)
            #expect(refused.text == "Version number not recognized.", "\(version)")
        }
        let wrongField = try client.upload("/birds/identification/persona", file: eagle, field: "file")
        #expect(wrongField.status == 400)
        #expect(wrongField.text.contains("'image'"))
        let notAnImage = try identify(client, "/birds/identification/classify", photo: Array("not a photo".utf8), filename: "x.png")
        #expect(notAnImage.status == 415)
        #expect(notAnImage.headers["content-type"]?.hasPrefix("text/plain") == true)
        var truncated = eagle
        truncated.removeLast(eagle.count / 2)
        let half = try identify(client, "/birds/identification/classify", photo: truncated)
        #expect(half.status == 400, "\(half.text)")
        #expect(!half.text.isEmpty && half.headers["content-type"]?.hasPrefix("text/plain") == true)
        // The gateway still answers, and so does the worker.
        #expect(try identify(client, "/birds/identification/classify", photo: eagle).status == 200)
        #expect(try client.get("/heartbeat").status == 200)
    }

    @Test func aRepeatedPhotoIsAnsweredFromTheCacheWithoutAWorker() throws {
        let (cluster, client) = try birdCluster()
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        let photo = try Fixtures.bytes("eagle-marked")
        let alice = [("X-Api-Key", "alice-cache")]
        let first = try identify(client, "/birds/identification/classify?version=2", photo: photo, headers: alice)
        #expect(first.status == 200, "\(first.text)")
        #expect(first.headers["x-roost-cached"] == "false")
        let second = try identify(client, "/birds/identification/classify?version=2", photo: photo, headers: alice)
        #expect(second.headers["x-roost-cached"] == "true")
        #expect(second.jsonBody["Name"] == first.jsonBody["Name"])
        #expect(second.jsonBody["Score"] == first.jsonBody["Score"])
        let id = try #require(second.headers["x-roost-job-id"])
        let status = try client.get("/jobs/\(id)", headers: alice).jsonBody
        #expect(status["state"]?.stringValue == "succeeded")
        #expect(status["cached"]?.boolValue == true)
        #expect(status["worker"] == .null && status["started_at"] == .null, "no worker ran it: \(status)")
        let firstStatus = try client.get("/jobs/\(try #require(first.headers["x-roost-job-id"]))", headers: alice).jsonBody
        #expect(firstStatus["cached"]?.boolValue == false)
        #expect(firstStatus["worker"]?.stringValue == "test-worker-1")

        // Another question about the same photo is not the same job; another owner has its own cache (scope `owner`).
        let persona = try identify(client, "/birds/identification/persona", photo: photo, headers: alice)
        #expect(persona.headers["x-roost-cached"] == "false")
        let bob = try identify(client, "/birds/identification/classify?version=2", photo: photo, headers: [("X-Api-Key", "bob-cache")])
        #expect(bob.headers["x-roost-cached"] == "false")
        #expect(bob.jsonBody["Name"] == first.jsonBody["Name"])

        // The generic job API shares the cache: the same kind, params and photo.
        let viaJobs = try client.upload("/jobs/birds?mode=checked", file: photo, headers: alice)
        #expect(viaJobs.status == 202)
        #expect(viaJobs.jsonBody["state"]?.stringValue == "succeeded")
        let viaJobsStatus = try client.get("/jobs/\(try #require(viaJobs.jsonBody["id"]?.stringValue))", headers: alice).jsonBody
        #expect(viaJobsStatus["cached"]?.boolValue == true)
    }

    @Test func aPNGOfThePhotoGetsTheSameAnswerAsTheJPEG() throws {
        let (cluster, client) = try birdCluster()
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        for (fixture, version) in [("eagle", "1"), ("chelsea", "2"), ("dog", "2")] {
            let jpeg = try Fixtures.bytes(fixture)
            let pixels = try ImageDecoder.decode(jpeg, options: DecodeOptions(applyOrientation: true)).image
            let png = StoredPNG.encode(pixels)
            #expect(try ImageDecoder.decode(png, options: DecodeOptions()).image.pixels == pixels.pixels)
            let path = "/birds/identification/classify?version=\(version)"
            let fromJPEG = try identify(client, path, photo: jpeg, filename: "\(fixture).jpg")
            let fromPNG = try identify(client, path, photo: png, filename: "\(fixture).PNG")
            #expect(fromPNG.status == 200, "\(fromPNG.text)")
            // Same answer. The scores differ somewhat: the JPEG is DCT-scaled while it is decoded
            // (libjpeg's 1/2 scale) and the PNG is area-resized from full size.
            #expect(fromPNG.jsonBody["Name"] == fromJPEG.jsonBody["Name"], "\(fixture): \(fromPNG.text) vs \(fromJPEG.text)")
        }
    }

    @Test func aClientThatWouldWaitTooLongGetsTheJobToPoll() throws {
        // No worker: the job cannot finish within ROOST_SYNC_TIMEOUT.
        let cluster = try Cluster(environment: ["ROOST_SYNC_TIMEOUT": "0.3"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let accepted = try identify(client, "/birds/identification/classify", photo: try Fixtures.bytes("eagle"))
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = try #require(accepted.jsonBody["id"]?.stringValue)
        #expect(accepted.jsonBody["links"]?["status"]?.stringValue == "/jobs/\(id)")
        #expect(accepted.headers["location"] == "/jobs/\(id)")
        // The job is still there for the same client, and finishes once a worker comes.
        #expect(try client.get("/jobs/\(id)").jsonBody["state"]?.stringValue == "queued")
        try cluster.startWorker(["ROOST_WORKER_KINDS": "birds"])
        let done = try client.terminalStatus(of: id, timeout: 120)
        #expect(done["state"]?.stringValue == "succeeded", "\(done)")
        #expect(done["result"]?["label"]?.stringValue == "bald eagle")
    }
}

/// A PNG writer for tests: 8-bit RGB, filter 0, deflate "stored" blocks (no compression), so a
/// decoded photo can be sent back as a PNG with exactly its pixels.
enum StoredPNG {
    /// The PNG file of `image`.
    static func encode(_ image: RGBImage) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((image.width * 3 + 1) * image.height)
        for row in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(row * image.width * 3)..<((row + 1) * image.width * 3)]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, raw.count - offset)
            let last: UInt8 = offset + length == raw.count ? 1 : 0
            zlib += [last, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + length)]
            offset += length
        } while offset < raw.count
        zlib += bigEndian(Adler32.checksum(raw))
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height)) + [8, 2, 0, 0, 0])
        file += chunk("IDAT", zlib)
        file += chunk("IEND", [])
        return file
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(CRC32.checksum(typed[...]))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
