import Shared

/// `panel.json`: the face-identifier API of an access-control panel (seed `face-identifier-upload.txt`).
enum PanelOpenAPI {
    private typealias S = OpenAPISchema

    /// The document.
    static let document: OpenAPIDocument = {
        var doc = OpenAPIDocument(name: "panel", title: "Access panel: face identifiers", description: """
            Identifiers of an intercom panel's residents and guests, and enrolment of a face for a `face_id` \
            identifier. Log in with the account's name and the MD5 of its password; send the token as \
            `Authorization: Bearer`. Errors are `{"error": "..."}` with the panel's own texts, which clients match on.
            """)
        doc.securitySchemes = [("panelToken", ["type": "http", "scheme": "bearer", "description": "The token of GET /api/v1/login"])]
        doc.defaultSecurity = ["panelToken"]
        let owner = S.object([("name", S.string), ("type", S.oneOf(["owner", "guest"]))])
        doc.schemas = [
            ("Error", S.object([("error", S.string)])),
            ("Owner", owner),
            ("Identifier", S.object([
                ("uid", S.integer), ("identifier_owner", S.ref("Owner")),
                ("identifier_type", S.oneOf(["card", "ukey", "inputCode", "face_id", "qr", "license_plate"])),
                ("identifier_number", S.nullable(S.string)), ("lock", S.oneOf(["first", "second", "all"])),
                ("face_enrolled", S.boolean),
            ], optional: ["face_enrolled"])),
            ("IdentifierFields", S.object([
                ("identifier_owner", S.ref("Owner")),
                ("identifier_type", S.oneOf(["card", "ukey", "inputCode", "face_id", "qr", "license_plate"])),
                ("identifier_number", S.string), ("lock", S.oneOf(["first", "second", "all"])),
            ], optional: ["identifier_number", "lock"])),
            ("Uid", S.object([("uid", S.integer)])),
        ]
        let error = S.json("`{\"error\": ...}`", S.ref("Error"))
        let guarded: [(String, JSON)] = [("401", S.json("`Log In`", S.ref("Error"))), ("403", S.json("`Administrator rights required`", S.ref("Error")))]
        let photo = S.multipart([("file", S.file)])
        doc.operations = [
            OpenAPIOperation("GET", "/api/v1/login", "Log in: a bearer token", security: [],
                             parameters: [S.query("username", S.string, "Account name", required: true),
                                          S.query("password", S.string, "MD5 of the password, hex", required: true)],
                             responses: [("200", S.json("Logged in", S.object([("token", S.string), ("account_type", S.string)]))),
                                         ("401", error), ("429", error)]),
            OpenAPIOperation("POST", "/api/v1/access/identifier/item", "Create an identifier (admin)",
                             body: S.jsonBody(S.ref("IdentifierFields")),
                             responses: [("200", S.json("Created", S.ref("Uid"))), ("400", error)] + guarded),
            OpenAPIOperation("GET", "/api/v1/access/identifier/item/{uid}", "Read an identifier",
                             responses: [("200", S.json("The identifier", S.ref("Identifier"))), ("404", error)] + guarded),
            OpenAPIOperation("PATCH", "/api/v1/access/identifier/item/{uid}", "Change an identifier (admin)",
                             body: S.jsonBody(S.ref("IdentifierFields")),
                             responses: [("200", S.json("The identifier", S.ref("Identifier"))), ("400", error), ("404", error)] + guarded),
            OpenAPIOperation("DELETE", "/api/v1/access/identifier/item/{uid}", "Delete an identifier and its face (admin)",
                             responses: [("200", S.json("Deleted", S.ref("Uid"))), ("404", error)] + guarded),
            OpenAPIOperation("POST", "/api/v1/access/identifier/item/face/file/{uid}", "Enrol the face of a photo (JPEG) for a face_id identifier (admin)",
                             body: photo,
                             responses: [("200", S.json("Enrolled", S.object([
                                 ("uid", S.integer), ("face", S.object([("box", S.array(S.number)), ("score", S.number)])),
                                 ("faces_detected", S.integer)]))),
                                 ("400", S.json("`Wrong file format`, `Wrong image file`, `Face hasn't been detected on image`, …", S.ref("Error")))] + guarded),
            OpenAPIOperation("POST", "/api/v1/access/identifier/face/search", "Whose enrolled face a photo shows",
                             body: photo,
                             responses: [("200", S.json("Matches, best first", S.object([
                                 ("matches", S.array(S.object([("uid", S.integer), ("identifier_owner", S.ref("Owner")), ("similarity", S.number)]))),
                                 ("faces_detected", S.integer), ("threshold", S.number)]))),
                                 ("400", error), ("401", S.json("`Log In`", S.ref("Error")))]),
        ]
        return doc
    }()
}
