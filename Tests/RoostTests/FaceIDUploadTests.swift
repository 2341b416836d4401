import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Face uploads and searches up to the point where a worker would be needed: every refusal of
/// the seed, in the seed's order, and what happens when no worker answers. No worker runs here.
@Suite("FaceID upload")
struct FaceIDUploadTests {
    /// The search route.
    static let search = "/api/v1/access/identifier/face/search"

    @Test("a uid that is not a face_id identifier: Wrong identifier-uid")
    func wrongIdentifier() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let card = try panel.createIdentifier(token: admin, type: "card", number: "42")
        let photo = try Fixtures.bytes("grace_hopper_512x512")
        for uid in ["0", "-3", "abc", "999", String(card)] {
            let response = try panel.uploadFace(uid: uid, token: admin, bytes: photo)
            #expect(response.status == 400, "\(uid)")
            #expect(response.text == #"{"error":"Wrong identifier-uid. Missed temporary identifier for adding faceId"}"#, "\(uid)")
        }
        // The uid is checked before the file: a bad uid with a bad file still names the uid.
        let both = try panel.sendForm("/api/v1/access/identifier/item/face/file/\(card)", token: admin, MultipartBody())
        #expect(both.errorText == "Wrong identifier-uid. Missed temporary identifier for adding faceId")
        #expect(try panel.gateway.store.counts().isEmpty, "no job was queued")
    }

    @Test("no JPEG file part: Wrong file format")
    func wrongFileFormat() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let target = "/api/v1/access/identifier/item/face/file/\(uid)"
        let jpeg = try Fixtures.bytes("grace_hopper_512x512")
        let png = try Fixtures.bytes("raw/astronaut.png")
        let forms: [(String, MultipartBody)] = [
            ("PNG bytes", MultipartBody().file("file", filename: "face.png", contentType: "image/png", png)),
            ("PNG bytes named .jpg", MultipartBody().file("file", filename: "face.jpg", contentType: "image/jpeg", png)),
            ("JPEG declared as PNG", MultipartBody().file("file", filename: "face.jpg", contentType: "image/png", jpeg)),
            ("empty file part", MultipartBody().file("file", filename: "face.jpg", contentType: "image/jpeg", [])),
            ("no file part", MultipartBody().field("comment", "no photo")),
            ("two unnamed files", MultipartBody().file("a", filename: "a.jpg", contentType: "image/jpeg", jpeg)
                .file("b", filename: "b.jpg", contentType: "image/jpeg", jpeg)),
            ("no parts", MultipartBody()),
        ]
        for (label, form) in forms {
            let response = try panel.sendForm(target, token: admin, form)
            #expect(response.status == 400, "\(label)")
            #expect(response.text == #"{"error":"Wrong file format"}"#, "\(label)")
        }
        for (type, body) in [("image/jpeg", jpeg), ("application/json", Array("{}".utf8)), ("multipart/form-data", jpeg)] {
            let response = try panel.send("POST", target, token: admin, contentType: type, body: body)
            #expect(response.errorText == "Wrong file format", "raw body as \(type)")
        }
        #expect(try panel.gateway.store.counts().isEmpty, "no job was queued")
    }

    @Test("an unreadable header or a size panels do not take: Wrong image file")
    func wrongImageFile() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let grace = try Fixtures.bytes("grace_hopper_512x512")
        let photos: [(String, [UInt8])] = [
            ("1×1 JPEG", try Fixtures.bytes("pixel-1x1")),
            ("259×194 photo", try Fixtures.bytes("HappyFish")),
            ("header claiming 6000×4000", try FaceIDPhotos.withClaimedSize(grace, width: 6_000, height: 4_000)),
            ("header claiming 5121×2000", try FaceIDPhotos.withClaimedSize(grace, width: 5_121, height: 2_000)),
            ("header claiming 3000×3000", try FaceIDPhotos.withClaimedSize(grace, width: 3_000, height: 3_000)),
            ("header claiming 0×0", try FaceIDPhotos.withClaimedSize(grace, width: 0, height: 0)),
            ("JPEG signature then nothing", Array(grace.prefix(3))),
            ("first 200 bytes", Array(grace.prefix(200))),
        ]
        for (label, bytes) in photos {
            let response = try panel.uploadFace(uid: String(uid), token: admin, bytes: bytes)
            #expect(response.status == 400, "\(label)")
            #expect(response.text == #"{"error":"Wrong image file"}"#, "\(label)")
        }
        // Without a part content type, JPEG bytes are taken on their signature alone.
        let bare = try panel.sendForm("/api/v1/access/identifier/item/face/file/\(uid)", token: admin,
                                      MultipartBody().file("file", filename: nil, contentType: nil, try Fixtures.bytes("pixel-1x1")))
        #expect(bare.errorText == "Wrong image file")
        // The gateway's pixel limit applies too.
        let strict = try FaceIDTestGateway { $0.maxImagePixels = 100_000 }
        let strictAdmin = try strict.logIn("admin", "secret")
        let small = try strict.uploadFace(uid: String(try strict.createIdentifier(token: strictAdmin)), token: strictAdmin, bytes: grace)
        #expect(small.errorText == "Wrong image file")
        #expect(try panel.gateway.store.counts().isEmpty, "no job was queued")
    }

    @Test("a second upload for the same identifier while the first waits: Loading file in progress; the first then times out")
    func inProgressThenTimeout() throws {
        let panel = try FaceIDTestGateway { $0.faceID.uploadTimeout = 3 }
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let other = try panel.createIdentifier(token: admin, name: "Someone Else")
        let photo = try Fixtures.bytes("grace_hopper_512x512")

        let first = ResponseBox()
        let thread = Thread { first.set(Result { try panel.uploadFace(uid: String(uid), token: admin, bytes: photo, timeout: 30) }) }
        thread.start()
        // The first upload is held once its job is queued (no worker takes it).
        #expect(try waitUntil(timeout: 10) { try panel.gateway.store.counts()["queued"] == 1 })

        let second = try panel.uploadFace(uid: String(uid), token: admin, bytes: photo)
        #expect(second.status == 400)
        #expect(second.text == #"{"error":"Loading file in progress. Wait for result"}"#)
        // The guard is per identifier: another identifier's upload is not held up by it.
        let another = try panel.uploadFace(uid: String(other), token: admin, bytes: try Fixtures.bytes("pixel-1x1"))
        #expect(another.errorText == "Wrong image file")

        let firstResponse = try #require(first.wait(timeout: 30)).get()
        #expect(firstResponse.status == 400)
        #expect(firstResponse.text == #"{"error":"Loading file error"}"#)
        #expect(try panel.gateway.store.counts() == ["cancelled": 1], "the job that timed out is cancelled")
        // The guard was released: the next upload gets as far as the analysis again.
        let retry = try panel.uploadFace(uid: String(uid), token: admin, bytes: photo, timeout: 30)
        #expect(retry.errorText == "Loading file error")
        #expect(try panel.send("GET", "/api/v1/access/identifier/item/\(uid)", token: admin).json?["face_enrolled"]?.boolValue == false)
    }

    @Test("search checks the photo the same way, and times out with Loading file error")
    func searchRefusals() throws {
        let panel = try FaceIDTestGateway { $0.faceID.uploadTimeout = 1 }
        let user = try panel.logIn("guard", "pw")
        let png = MultipartBody().file("file", filename: "a.png", contentType: "image/png", try Fixtures.bytes("raw/astronaut.png"))
        #expect(try panel.sendForm(Self.search, token: user, png).errorText == "Wrong file format")
        let tiny = MultipartBody().file("file", filename: "a.jpg", contentType: "image/jpeg", try Fixtures.bytes("pixel-1x1"))
        #expect(try panel.sendForm(Self.search, token: user, tiny).errorText == "Wrong image file")
        let photo = MultipartBody().file("file", filename: "a.jpg", contentType: "image/jpeg", try Fixtures.bytes("astronaut"))
        let timedOut = try panel.sendForm(Self.search, token: user, photo, timeout: 30)
        #expect(timedOut.status == 400)
        #expect(timedOut.errorText == "Loading file error")
    }

    @Test("without Redis the analysis cannot be queued: Loading file error")
    func queueUnavailable() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        panel.redis.stop()
        let response = try panel.uploadFace(uid: String(uid), token: admin, bytes: try Fixtures.bytes("grace_hopper_512x512"), timeout: 30)
        #expect(response.status == 400)
        #expect(response.errorText == "Loading file error")
    }
}

/// Hands a response from a client thread to the test.
final class ResponseBox: @unchecked Sendable {
    // @unchecked Sendable: `result` is only touched under `condition`.
    private let condition = NSCondition()
    private var result: Result<RawHTTPResponse, any Error>?

    /// Stores the outcome and wakes the waiter.
    func set(_ value: Result<RawHTTPResponse, any Error>) { condition.withLock { result = value; condition.broadcast() } }

    /// The outcome, or nil if none arrived within `timeout` seconds.
    func wait(timeout: Double) -> Result<RawHTTPResponse, any Error>? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while result == nil, condition.wait(until: deadline) {}
        return result
    }
}
