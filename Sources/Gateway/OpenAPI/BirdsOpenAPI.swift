import Shared

/// `birds.json`: the bird-identification API (seed 000) as Roost serves it.
enum BirdsOpenAPI {
    private typealias S = OpenAPISchema

    /// The document.
    static let document: OpenAPIDocument = {
        var doc = OpenAPIDocument(name: "birds", title: "Bird identification", description: """
            Which bird a photo shows (`classify`), or which bird any photo most resembles (`persona`). The \
            client waits for the answer; past `ROOST_SYNC_TIMEOUT` it gets `202` with a job to poll at \
            `GET /jobs/{id}` (Roost's own API). Errors are plain text, as the real service sends them. The \
            score is a heuristic over the ImageNet classes of MobileNetV2: `X-Roost-Method` says how it was obtained.
            """)
        doc.schemas = [
            ("Answer", S.object([("Timestamp", S.string), ("Name", S.string), ("Score", S.number), ("LearnMoreLink", S.string)])),
            ("Pending", S.object([("id", S.string), ("state", S.string), ("kind", S.string), ("links", S.object([("status", S.string)]))])),
        ]
        let body = S.multipart([("image", S.file)])
        let answered: [(String, JSON)] = [
            ("200", S.json("The answer", S.ref("Answer"), headers: [
                ("X-Roost-Method", S.responseHeader("How the score was obtained")),
                ("X-Roost-Job-Id", S.responseHeader("The job that computed it")),
                ("X-Roost-Cached", S.responseHeader("`true` when the answer came from the result cache")),
            ])),
            ("202", S.json("Still running: poll the status link", S.ref("Pending"))),
            ("400", S.text("`Incorrect file type.`, `Version number not recognized.`, or what is wrong with the photo")),
            ("413", S.text("The photo is too large")), ("415", S.text("Not a JPEG or PNG")),
            ("500", S.text("The photo could not be classified")), ("503", S.text("The cluster is full: try again after Retry-After")),
        ]
        doc.operations = [
            OpenAPIOperation("POST", "/birds/identification/classify", "Which bird the photo shows", notes: """
                Version 1 classifies among the bird classes. Version 2 first decides whether the photo shows a bird; \
                if not, `Name` says what it shows (`dog`, `cat`, `person` when a face is found, or the top ImageNet label).
                """,
                parameters: [S.query("version", S.oneOf(["1", "2"]), "Default 1")], body: body, responses: answered),
            OpenAPIOperation("POST", "/birds/identification/persona", "Which bird any photo most resembles",
                             body: body, responses: answered),
        ]
        return doc
    }()
}
