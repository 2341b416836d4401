import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The face API with a real worker: the gateway in-process and the real `roost-worker` binary
/// (`.build/release/roost-worker`, kinds `faces`, models from `<repo>/models`) on the same Redis.
///
/// These need the worker's `faces` job (YuNet detection + SFace embeddings) and its models
/// (`make models`); before those are merged they fail with the worker's log in the message.
@Suite("FaceID end to end", .serialized)
struct FaceIDEndToEndTests {
    /// The search route.
    static let search = "/api/v1/access/identifier/face/search"

    @Test("a portrait enrols its face; GET shows it enrolled and the embedding is stored")
    func enrol() throws {
        let (panel, worker) = try Self.start()
        defer { worker.stop() }
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let response = try panel.uploadFace(uid: String(uid), token: admin, bytes: try Fixtures.bytes("grace_hopper_512x512"), timeout: 90)
        #expect(response.status == 200, "\(response.text)\n\(worker.logTail())")
        #expect(response.json?["uid"]?.intValue == uid)
        #expect(response.json?["faces_detected"]?.intValue == 1)
        let box = response.json?["face"]?["box"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(box.count == 4)
        if box.count == 4 {
            // Grace Hopper's face sits in the middle of the 512×512 portrait, roughly a third of its width.
            #expect((100...400).contains(box[0] + box[2] / 2) && (80...400).contains(box[1] + box[3] / 2), "\(box)")
            #expect((80...400).contains(box[2]), "\(box)")
        }
        #expect((response.json?["face"]?["score"]?.doubleValue ?? 0) > 0.8)
        let read = try panel.send("GET", "/api/v1/access/identifier/item/\(uid)", token: admin)
        #expect(read.json?["face_enrolled"]?.boolValue == true)
        let stored = try panel.gateway.faceStore.enrolledFaces()
        #expect(stored.map(\.identifier.uid) == [uid])

        // Deleting the identifier deletes its face.
        #expect(try panel.send("DELETE", "/api/v1/access/identifier/item/\(uid)", token: admin).status == 200)
        #expect(try panel.gateway.faceStore.enrolledFaces().isEmpty)
    }

    @Test("a panel job keeps no embedding: its result in SQLite and Redis has none; deleting the identifier leaves none in the database files")
    func embeddingsOnlyInThePanelStore() throws {
        let (panel, worker) = try Self.start()
        defer { worker.stop() }
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let response = try panel.uploadFace(uid: String(uid), token: admin, bytes: try Fixtures.bytes("grace_hopper_512x512"), timeout: 90)
        #expect(response.status == 200, "\(response.text)\n\(worker.logTail())")
        let embedding = try #require(try panel.gateway.faceStore.enrolledFaces().first?.embedding)

        // The job's durable row, once the ingester has recorded its end.
        let id = try #require(try panel.gateway.faceStore.withConnection { db in
            try db.query("SELECT id FROM jobs WHERE kind = 'faces'") { $0.text(at: 0) }.first ?? nil
        })
        #expect(waitUntil(timeout: 30) { (try? panel.gateway.store.job(id: id))??.state == JobState.succeeded.rawValue })
        let row = try #require(try panel.gateway.store.job(id: id))
        let stored = try #require(row.resultJSON)
        #expect(stored.contains("\"box\"") && !stored.contains("embedding"), "SQLite keeps: \(stored)")
        // The live copy in Redis was read once by the gateway and taken out of the hash.
        let redis = try panel.redis.connect()
        let packed = try redis.command(["HGET", QueueLayout().job(row.lane == Lane.batch.rawValue ? .batch : .interactive, id), "done"]).text ?? ""
        let live = JobEnd(encoded: packed)?.payload ?? ""
        #expect(live.contains("\"box\"") && !live.contains("embedding"), "Redis keeps: \(live)")
        #expect(try panel.send("GET", "/jobs/\(id)").text.contains("embedding") == false)

        // Deleting the identifier deletes the only copy, and leaves none of its bytes in the files.
        #expect(try panel.send("DELETE", "/api/v1/access/identifier/item/\(uid)", token: admin).status == 200)
        #expect(try panel.gateway.faceStore.enrolledFaces().isEmpty)
        let needle = Array(embedding.bytes.prefix(64))
        let files = try FileManager.default.contentsOfDirectory(atPath: panel.dataDirectory.path).filter { $0.hasPrefix("roost.sqlite") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: panel.dataDirectory.appendingPathComponent(file)))
            #expect(!Self.contains(bytes, needle), "\(file) still holds the deleted face's embedding")
        }
    }

    /// True when `needle` occurs in `haystack`.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    @Test("a photo without a face: Face hasn't been detected on image; a photo cut in half: Wrong image file")
    func noFaceAndBrokenPhoto() throws {
        let (panel, worker) = try Self.start()
        defer { worker.stop() }
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let eagle = try panel.uploadFace(uid: String(uid), token: admin, bytes: try Fixtures.bytes("eagle"), timeout: 90)
        #expect(eagle.status == 400, "\(worker.logTail())")
        #expect(eagle.text == #"{"error":"Face hasn't been detected on image"}"#)
        let grace = try Fixtures.bytes("grace_hopper_512x512")
        let half = try panel.uploadFace(uid: String(uid), token: admin, bytes: Array(grace.prefix(grace.count / 2)), timeout: 90)
        #expect(half.status == 400)
        #expect(half.text == #"{"error":"Wrong image file"}"#, "the worker's decoder reports truncated_jpeg")
        #expect(try panel.send("GET", "/api/v1/access/identifier/item/\(uid)", token: admin).json?["face_enrolled"]?.boolValue == false)
    }

    @Test("search finds the enrolled person, not another; re-enrolment replaces the face")
    func searchFindsThePerson() throws {
        let (panel, worker) = try Self.start()
        defer { worker.stop() }
        let admin = try panel.logIn("admin", "secret")
        let user = try panel.logIn("guard", "pw")
        let grace = try Fixtures.bytes("grace_hopper_512x512")
        let astronaut = try Fixtures.bytes("astronaut")
        let hopper = try panel.createIdentifier(token: admin, name: "Grace Hopper")
        let collins = try panel.createIdentifier(token: admin, name: "Eileen Collins")
        #expect(try panel.uploadFace(uid: String(hopper), token: admin, bytes: grace, timeout: 90).status == 200, "\(worker.logTail())")
        #expect(try panel.uploadFace(uid: String(collins), token: admin, bytes: astronaut, timeout: 90).status == 200)

        let found = try search(panel, user, grace)
        #expect(found.json?["faces_detected"]?.intValue == 1)
        #expect(found.json?["threshold"]?.doubleValue == 0.363)
        let matches = found.json?["matches"]?.arrayValue ?? []
        #expect(matches.map { $0["uid"]?.intValue } == [hopper], "\(found.text)")
        #expect((matches.first?["similarity"]?.doubleValue ?? 0) > 0.95, "the same photo")
        #expect(matches.first?["identifier_owner"]?["name"]?.stringValue == "Grace Hopper")
        #expect(try search(panel, user, astronaut).json?["matches"]?[0]?["uid"]?.intValue == collins)

        let nobody = try search(panel, user, try Fixtures.bytes("eagle"))
        #expect(nobody.status == 200)
        #expect(nobody.text == #"{"matches":[],"faces_detected":0,"threshold":0.363}"#)

        // Re-enrolling Hopper's identifier with Collins's photo replaces the face.
        #expect(try panel.uploadFace(uid: String(hopper), token: admin, bytes: astronaut, timeout: 90).status == 200)
        let after = try search(panel, user, grace).json?["matches"]?.arrayValue ?? []
        #expect(after.isEmpty, "no one enrolled looks like Grace Hopper any more")
        #expect(try panel.gateway.faceStore.enrolledFaces().count == 2)
    }

    private func search(_ panel: FaceIDTestGateway, _ token: String, _ photo: [UInt8]) throws -> RawHTTPResponse {
        try panel.sendForm(Self.search, token: token, MultipartBody().file("file", filename: "probe.jpg", contentType: "image/jpeg", photo),
                           timeout: 90)
    }

    /// A gateway with a long analysis timeout (the first job loads the models) and a worker on its Redis.
    private static func start() throws -> (FaceIDTestGateway, FaceIDWorkerProcess) {
        let panel = try FaceIDTestGateway { $0.faceID.uploadTimeout = 60 }
        let worker = try FaceIDWorkerProcess(redis: panel.redis, directory: panel.dataDirectory)
        return (panel, worker)
    }
}

/// The real `roost-worker` running only `faces` jobs, stopped by `stop()` (or on deinit).
final class FaceIDWorkerProcess {
    /// The repository root, found from this file's location.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private let process: ChildProcess
    private let log: URL

    /// Starts the worker and waits until it has announced itself in Redis; throws with its log
    /// when it exits first (a missing model, an unknown job kind) or is not up within 60 s.
    init(redis: RedisServer, directory: URL) throws {
        let binary = Self.root.appendingPathComponent(".build/release/roost-worker").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw RedisServer.StartError(description: "\(binary) is missing: run `swift build -c release` first")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("worker.log")
        var environment = ProcessInfo.processInfo.environment
        environment["ROOST_REDIS_URL"] = redis.url
        environment["ROOST_WORKER_KINDS"] = "faces"
        environment["ROOST_MODELS_DIR"] = Self.root.appendingPathComponent("models").path
        environment["ROOST_WORKER_THREADS"] = "1"
        process = try ChildProcess(executable: binary, arguments: [], environment: environment, logFile: log)
        let connection = try redis.connect()
        let workers = QueueLayout().workers
        let up = waitUntil(timeout: 60, interval: 0.05) {
            process.hasExited || ((try? connection.command(["SCARD", workers]))?.int ?? 0) > 0
        }
        guard up, !process.hasExited else {
            stop()
            throw RedisServer.StartError(description: "roost-worker did not start (faces kind and models needed):\n\(logTail())")
        }
    }

    deinit { stop() }

    /// SIGTERM, then SIGKILL if it does not exit within 10 s.
    func stop() {
        process.kill(signal: SIGTERM)
        if process.wait(timeout: 10) == nil { process.kill(signal: SIGKILL); process.wait(timeout: 5) }
    }

    /// The last lines of the worker's log, for failure messages.
    func logTail() -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}
