import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// Creating, reading, changing and deleting access identifiers over HTTP.
@Suite("FaceID identifiers")
struct FaceIDIdentifierTests {
    /// The identifier route.
    static let item = "/api/v1/access/identifier/item"

    @Test("create, read, patch and delete an identifier; uids are never reused")
    func lifecycle() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let created = try panel.sendJSON("POST", Self.item, token: admin, """
            {"identifier_owner": {"name": "Ada Lovelace", "type": "guest"}, "identifier_type": "card",
             "identifier_number": "0012345678", "lock": "first"}
            """)
        #expect(created.status == 200)
        let uid = try #require(created.json?["uid"]?.intValue)
        #expect(uid >= 1)

        let read = try panel.send("GET", "\(Self.item)/\(uid)", token: try panel.logIn("guard", "pw"))
        #expect(read.status == 200)
        #expect(read.text == """
            {"uid":\(uid),"identifier_owner":{"name":"Ada Lovelace","type":"guest"},"identifier_type":"card",\
            "identifier_number":"0012345678","lock":"first"}
            """)

        let patched = try panel.sendJSON("PATCH", "\(Self.item)/\(uid)", token: admin,
                                         #"{"lock": "all", "identifier_owner": {"type": "owner"}, "uid": 999}"#)
        #expect(patched.status == 200)
        #expect(patched.json?["lock"]?.stringValue == "all")
        #expect(patched.json?["identifier_owner"]?["name"]?.stringValue == "Ada Lovelace", "the owner merges field by field")
        #expect(patched.json?["identifier_owner"]?["type"]?.stringValue == "owner")
        #expect(patched.json?["uid"]?.intValue == uid, "uid in a body is ignored")
        #expect(try panel.send("GET", "\(Self.item)/\(uid)", token: admin).json == patched.json)

        let deleted = try panel.send("DELETE", "\(Self.item)/\(uid)", token: admin)
        #expect(deleted.status == 200)
        #expect(deleted.json?["uid"]?.intValue == uid)
        for method in ["GET", "DELETE"] {
            let gone = try panel.send(method, "\(Self.item)/\(uid)", token: admin)
            #expect(gone.status == 404)
            #expect(gone.errorText == "Identifier not found")
        }
        let next = try panel.createIdentifier(token: admin, type: "card", number: "1")
        #expect(next > uid, "a deleted uid is not handed out again")
    }

    @Test("a face_id identifier needs no number and reads as awaiting a face")
    func faceIdentifier() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let uid = try panel.createIdentifier(token: admin)
        let read = try panel.send("GET", "\(Self.item)/\(uid)", token: admin)
        #expect(read.json?["identifier_type"]?.stringValue == "face_id")
        #expect(read.json?["identifier_number"] == .null)
        #expect(read.json?["face_enrolled"]?.boolValue == false)
        // Every type the panel knows is accepted.
        for type in ["card", "ukey", "inputCode", "qr", "license_plate"] {
            #expect(try panel.createIdentifier(token: admin, type: type, number: "AB 123") > uid)
        }
    }

    @Test("bodies that are not a valid identifier: 400 Wrong JSON body, nothing stored")
    func wrongBodies() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        let owner = #""identifier_owner": {"name": "A", "type": "owner"}"#
        let bad = [
            "", "not json", "[]", "42", #"{"identifier_owner": "A"}"#,
            #"{"identifier_type": "card", "identifier_number": "1", "lock": "all"}"#,
            "{\(owner), \"identifier_type\": \"card\", \"identifier_number\": \"1\"}",
            "{\(owner), \"identifier_type\": \"card\", \"lock\": \"all\"}",
            "{\(owner), \"identifier_type\": \"fingerprint\", \"identifier_number\": \"1\", \"lock\": \"all\"}",
            "{\(owner), \"identifier_type\": \"card\", \"identifier_number\": 1, \"lock\": \"all\"}",
            "{\(owner), \"identifier_type\": \"card\", \"identifier_number\": \"\", \"lock\": \"all\"}",
            "{\(owner), \"identifier_type\": \"card\", \"identifier_number\": \"1\", \"lock\": \"third\"}",
            #"{"identifier_owner": {"name": "A", "type": "tenant"}, "identifier_type": "face_id", "lock": "all"}"#,
            #"{"identifier_owner": {"name": "", "type": "owner"}, "identifier_type": "face_id", "lock": "all"}"#,
            #"{"identifier_owner": {"type": "owner"}, "identifier_type": "face_id", "lock": "all"}"#,
        ]
        for body in bad {
            let response = try panel.sendJSON("POST", Self.item, token: admin, body)
            #expect(response.status == 400, "\(body)")
            #expect(response.text == #"{"error":"Wrong JSON body"}"#, "\(body)")
        }
        // Invalid UTF-8 inside a string is not JSON (it used to be stored as U+FFFD).
        let invalid = Array(#"{"identifier_owner": {"name": "A"#.utf8) + [0xC3, 0x28]
            + Array(#"", "type": "owner"}, "identifier_type": "face_id", "lock": "all"}"#.utf8)
        let refused = try panel.send("POST", Self.item, token: admin, contentType: "application/json", body: invalid)
        #expect(refused.status == 400 && refused.text == #"{"error":"Wrong JSON body"}"#)
        let uid = try panel.createIdentifier(token: admin, type: "card", number: "7")
        #expect(uid == 1, "none of the bad bodies created an identifier")
        for body in ["{}", #"{"uid": 3}"#, #"{"lock": "none"}"#, #"{"identifier_number": null}"#, "[1]", "{"] {
            let response = try panel.sendJSON("PATCH", "\(Self.item)/\(uid)", token: admin, body)
            #expect(response.status == 400, "\(body)")
            #expect(response.errorText == "Wrong JSON body", "\(body)")
        }
        #expect(try panel.send("GET", "\(Self.item)/\(uid)", token: admin).json?["identifier_number"]?.stringValue == "7")
    }

    @Test("unknown or malformed uids are 404")
    func unknownUIDs() throws {
        let panel = try FaceIDTestGateway()
        let admin = try panel.logIn("admin", "secret")
        for uid in ["999", "0", "-1", "abc", "1.5", "99999999999999999999"] {
            let response = try panel.send("GET", "\(Self.item)/\(uid)", token: admin)
            #expect(response.status == 404, "\(uid)")
            #expect(response.errorText == "Identifier not found", "\(uid)")
            #expect(try panel.sendJSON("PATCH", "\(Self.item)/\(uid)", token: admin, #"{"lock":"all"}"#).status == 404)
        }
    }
}
