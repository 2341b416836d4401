import Shared

/// `roost.json`: Roost's own API (jobs, heartbeat, metrics, ops, the dashboard's data, the documents).
enum RoostOpenAPI {
    private typealias S = OpenAPISchema

    /// The document.
    static let document: OpenAPIDocument = {
        var doc = OpenAPIDocument(name: "roost", title: "Roost", description: """
            Roost's own job API: submit a photo as a job of a kind, poll (or long-poll) its status, cancel it. \
            Jobs belong to their submitter (`X-Api-Key`, or the client's address when anonymous): another \
            submitter gets `404`. The `/ops/*` routes and `/metrics` need `Authorization: Bearer <ROOST_OPS_TOKEN>` \
            when the token is set, and answer loopback clients only when it is not.
            """)
        doc.securitySchemes = [
            ("apiKey", ["type": "apiKey", "in": "header", "name": "X-Api-Key",
                        "description": "Optional: the job owner. Without it the owner is the client's address."]),
            ("opsToken", ["type": "http", "scheme": "bearer", "description": "ROOST_OPS_TOKEN"]),
        ]
        doc.schemas = schemas
        doc.operations = operations
        return doc
    }()

    private static let error = S.json("Error", S.ref("Error"))
    private static let opsErrors: [(String, JSON)] = [("401", error), ("403", error)]

    private static var schemas: [(String, JSON)] {
        [
            ("Error", S.object([("error", S.object([("code", S.string), ("message", S.string)]))])),
            ("Submitted", S.object([("id", S.string), ("state", S.ref("State")), ("kind", S.string), ("lane", S.ref("Lane")),
                                    ("links", S.object([("status", S.string)]))])),
            ("State", S.oneOf(JobState.allCases.map(\.rawValue))),
            ("Lane", S.oneOf(Lane.allCases.map(\.rawValue))),
            ("Job", S.object([
                ("id", S.string), ("kind", S.string), ("lane", S.ref("Lane")), ("state", S.ref("State")), ("attempts", S.integer),
                ("created_at", S.nullable(S.dateTime)), ("started_at", S.nullable(S.dateTime)), ("finished_at", S.nullable(S.dateTime)),
                ("worker", S.nullable(S.string)), ("cached", S.boolean),
                ("result", ["description": "The kind's result, once `succeeded`.",
                            "anyOf": [S.ref("ProbeResult"), S.ref("ClassifyResult"), S.ref("FacesResult"), S.ref("BirdsResult")]]),
                ("error", S.object([("code", S.string), ("message", S.string)])),
                ("retry_at", S.dateTime),
            ], optional: ["result", "error", "retry_at"])),
            ("ProbeResult", S.object([("width", S.integer), ("height", S.integer), ("orientation", S.integer), ("components", S.integer),
                                      ("mean_rgb", S.array(S.number)), ("decode_ms", S.number)])),
            ("ClassifyResult", S.object([
                ("model", S.string),
                ("top", S.array(S.object([("index", S.integer), ("label", S.string), ("probability", S.number)]))),
                ("category", S.string), ("inference_ms", S.number),
            ])),
            ("FacesResult", S.object([
                ("faces", S.array(S.object([("box", S.array(S.number)), ("score", S.number), ("landmarks", S.array(S.array(S.number))),
                                            ("embedding", S.array(S.number))], optional: ["embedding"]))),
                ("image", S.object([("width", S.integer), ("height", S.integer)])), ("detect_ms", S.number), ("embed_ms", S.number),
            ])),
            ("BirdsResult", S.object([
                ("mode", S.oneOf(BirdsMode.allCases.map(\.rawValue))), ("shows", S.string), ("label", S.string), ("probability", S.number),
                ("class_index", S.nullable(S.integer)), ("bird_probability", S.number), ("faces", S.nullable(S.integer)),
                ("method", S.string), ("model", S.string), ("inference_ms", S.number),
            ])),
            ("Worker", S.object([
                ("id", S.string), ("host", S.string), ("pid", S.integer), ("version", S.string), ("threads", S.integer),
                ("started_at", S.dateTime), ("seen_at", S.dateTime), ("kinds", S.array(S.string)), ("in_flight", S.integer),
                ("results", S.map(S.string)), ("processed", S.integer), ("failed", S.integer), ("retried", S.integer),
            ])),
            ("OpsJob", S.object([
                ("id", S.string), ("kind", S.string), ("lane", S.ref("Lane")), ("state", S.ref("State")), ("attempts", S.integer),
                ("owner", S.nullable(S.string)), ("created_at", S.number), ("started_at", S.nullable(S.number)),
                ("finished_at", S.nullable(S.number)), ("worker", S.nullable(S.string)), ("error_code", S.nullable(S.string)),
                ("error_message", S.nullable(S.string)), ("params", S.any),
            ], optional: ["params"])),
        ]
    }

    private static var operations: [OpenAPIOperation] {
        let image = S.multipart([("file", S.file)])
        var submitBody = image
        if case var .object(members) = submitBody, let index = members.firstIndex(where: { $0.0 == "content" }),
           case var .object(types) = members[index].1 {
            types.append(("image/jpeg", ["schema": S.file]))
            types.append(("image/png", ["schema": S.file]))
            for audio in ["audio/flac", "audio/wav"] { types.append((audio, ["schema": S.file])) }
            members[index].1 = .object(types)
            submitBody = .object(members)
        }
        let jobResponses: [(String, JSON)] = [("200", S.json("The job", S.ref("Job"))), ("400", error), ("404", error)]
        let noToken: [String] = []
        return [
            OpenAPIOperation("POST", "/jobs/{kind}", "Submit a photo (or, for `audio`, a recording) as a job", notes: """
                `kind` is one of \(JobKind.submittable.map(\.rawValue).sorted().joined(separator: ", ")). The body is the \
                image itself (`image/jpeg`, `image/png`) or multipart with the part `file`; `audio` takes FLAC or WAV \
                (`audio/flac`, `audio/wav`, or multipart `file`) and answers `{model, method, sample_rate, channels, duration, \
                start, end, chunks: [{start, end, species: [{class_index, scientific_name, common_name, score}]}], \
                inference_ms, location_filter}` (BirdNET 2.4 per 3-s chunk). The same `Idempotency-Key` \
                from the same owner answers the first job (`200`) instead of creating another.
                """,
                security: ["apiKey"],
                parameters: [
                    S.header("Idempotency-Key", "1 to 255 visible ASCII characters"),
                    S.header("X-Roost-Lane", "`interactive` (default) or `batch`", schema: S.ref("Lane")),
                    S.query("embedding", S.oneOf(["true", "false", "1", "0"]), "`faces`: include each face's 128-D embedding"),
                    S.query("mode", S.oneOf(BirdsMode.allCases.map(\.rawValue)), "`birds`: what to answer"),
                    S.query("overlap", S.number, "`audio`: seconds consecutive 3-s chunks share (0 to 2.9, default 0)"),
                    S.query("min_confidence", S.number, "`audio`: lowest score listed (default 0.1)"),
                    S.query("top", S.integer, "`audio`: species per chunk at most (default 5)"),
                    S.query("sensitivity", S.number, "`audio`: BirdNET's sensitivity, 0.5 to 1.5 (default 1)"),
                    S.query("start", S.number, "`audio`: first second analysed"),
                    S.query("end", S.number, "`audio`: second to stop at"),
                    S.query("lat", S.number, "`audio`: latitude, with `lon`: species absent there are left out"),
                    S.query("lon", S.number, "`audio`: longitude"),
                    S.query("week", S.integer, "`audio`: week of the 48-week year for the location prior (default: the whole year)"),
                    S.query("location_threshold", S.number, "`audio`: the prior below which a species is left out (default 0.03)"),
                ],
                body: submitBody,
                responses: [("202", S.json("Queued", S.ref("Submitted"), headers: [("Location", S.responseHeader("The status link"))])),
                            ("200", S.json("The job an earlier request with this Idempotency-Key created", S.ref("Submitted"))),
                            ("400", error), ("404", error), ("413", error), ("415", error),
                            ("503", S.json("The lane is full; try again after Retry-After", S.ref("Error")))]),
            OpenAPIOperation("GET", "/jobs/{id}", "A job's status and, once it ended, its result or error", security: ["apiKey"],
                             parameters: [S.query("wait", S.number, "Long-poll: seconds to hold the answer until the job's state changes (capped by ROOST_MAX_WAIT)"),
                                          S.query("until", S.oneOf(["change", "ended"]),
                                                  "With wait: `change` (default) answers at the job's next state change, `ended` only once it has ended (or wait passed)")],
                             responses: jobResponses),
            OpenAPIOperation("DELETE", "/jobs/{id}", "Cancel a job that has not ended", security: ["apiKey"],
                             responses: jobResponses + [("409", error)]),
            OpenAPIOperation("GET", "/heartbeat", "Liveness", security: noToken,
                             responses: [("200", S.json("Up", S.object([("health", S.oneOf(["ok"]))])))]),
            OpenAPIOperation("GET", "/metrics", "Prometheus metrics (text format 0.0.4)", security: ["opsToken"],
                             responses: [("200", S.text("Metrics"))] + opsErrors),
            OpenAPIOperation("GET", "/ops/workers", "Live workers (their heartbeats, without job ids)", security: ["opsToken"],
                             responses: [("200", S.json("Workers", S.object([("count", S.integer), ("workers", S.array(S.ref("Worker")))])))] + opsErrors),
            OpenAPIOperation("GET", "/ops/queues", "Each lane's depth, in-flight jobs, oldest age, delayed, dead and counters",
                             security: ["opsToken"], responses: [("200", S.json("Lanes", S.object([("lanes", S.array(S.object([
                                 ("lane", S.ref("Lane")), ("depth", S.integer), ("in_flight", S.integer), ("oldest_age_s", S.number),
                                 ("delayed", S.integer), ("dead", S.integer), ("counters", S.map(S.integer)),
                             ])))])))] + opsErrors),
            OpenAPIOperation("GET", "/ops/", "The dashboard page (its data needs the token)", security: noToken,
                             responses: [("200", S.bytes("HTML", types: ["text/html"]))]),
            OpenAPIOperation("GET", "/ops/dashboard.js", "The dashboard's script", security: noToken,
                             responses: [("200", S.bytes("JavaScript", types: ["text/javascript"]))]),
            OpenAPIOperation("GET", "/ops/dashboard.css", "The dashboard's style", security: noToken,
                             responses: [("200", S.bytes("CSS", types: ["text/css"]))]),
            OpenAPIOperation("GET", "/ops/dashboard.json", "Everything the dashboard shows; long-polls with since and wait",
                             security: ["opsToken"],
                             parameters: [S.query("since", S.string, "The version last seen: wait until it changes"),
                                          S.query("wait", S.number, "Seconds to wait (at most 25)")],
                             responses: [("200", S.json("Snapshot", S.object([
                                 ("version", S.string), ("generated_at", S.number),
                                 ("lanes", S.array(S.object([
                                     ("lane", S.ref("Lane")), ("depth", S.integer), ("in_flight", S.integer), ("oldest_age_s", S.number),
                                     ("delayed", S.integer), ("dead", S.integer),
                                     ("enqueued_per_min", S.array(S.nullable(S.number))), ("completed_per_min", S.array(S.nullable(S.number))),
                                 ]))),
                                 ("workers", S.array(S.object([("id", S.string), ("last_heartbeat_age_s", S.number), ("stale", S.boolean)]))),
                                 ("failures", S.array(S.ref("OpsJob"))),
                             ])))] + opsErrors),
            OpenAPIOperation("GET", "/ops/jobs/{id}", "Any job, whoever owns it", security: ["opsToken"],
                             responses: [("200", S.json("The job", S.ref("OpsJob"))), ("404", error)] + opsErrors),
            OpenAPIOperation("POST", "/ops/jobs/{id}/retry", "Run a failed or dead job again from its kept original, under the same id",
                             security: ["opsToken"], parameters: [S.header("X-Requested-With", "Must be `roost-dashboard`")],
                             responses: [("202", S.json("Queued again", S.object([("id", S.string), ("state", S.ref("State")),
                                                                                  ("links", S.object([("status", S.string)]))]))),
                                         ("404", error), ("409", error), ("503", error)] + opsErrors),
            OpenAPIOperation("POST", "/ops/jobs/{id}/discard", "Discard a failed or dead job (and its dead letter)", security: ["opsToken"],
                             parameters: [S.header("X-Requested-With", "Must be `roost-dashboard`")],
                             responses: [("200", S.json("Discarded", S.object([("id", S.string), ("discarded", S.boolean),
                                                                              ("dead_letters_removed", S.integer)]))),
                                         ("404", error), ("409", error)] + opsErrors),
            OpenAPIOperation("GET", "/openapi/{document}", "An OpenAPI 3.1 document of Roost", notes: """
                `document` is one of \(OpenAPIDocuments.names.map { "`\($0).json`" }.joined(separator: ", ")).
                """, security: noToken,
                responses: [("200", S.json("The document", S.any)), ("404", error)]),
        ]
    }
}
