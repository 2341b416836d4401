import Shared

/// `birdweather.json`: the BirdWeather API v1 (seed `birdweather-api-v1.txt`) as Roost serves it.
enum BirdWeatherOpenAPI {
    private typealias S = OpenAPISchema

    /// The document.
    static let document: OpenAPIDocument = {
        var doc = OpenAPIDocument(name: "birdweather", title: "BirdWeather", description: """
            Accounts, stations, detections, soundscapes and species at BirdWeather's native paths. A user token \
            (from `POST /api/v1/authenticate` or `POST /api/v1/user`) goes in the `token` parameter or \
            `Authorization: Bearer`; a station is named by its token in the path. Bodies are JSON or form fields. \
            Every answer carries `success`; failures carry `message`, or `errors` by field (`422`). See docs/BIRDWEATHER.md.
            """)
        doc.securitySchemes = [("userToken", ["type": "http", "scheme": "bearer", "description": "A user token (or the `token` parameter)"])]
        doc.schemas = schemas
        // A station route with an unknown station token answers 401.
        doc.operations = (accounts + stations + soundscapes + species).map { operation in
            var operation = operation
            if operation.pathParameterNames.contains("token") { operation.responses.append(("401", failure)) }
            return operation
        }
        return doc
    }()

    private static let failure = S.json("`{success: false, message}`", S.ref("Failure"))
    private static let invalid = S.json("`{success: false, errors: {field: [message]}}`", S.ref("Invalid"))

    private static func success(_ description: String, _ members: [(String, JSON)]) -> JSON {
        S.json(description, S.object([("success", ["const": true])] + members))
    }

    private static var schemas: [(String, JSON)] {
        [
            ("Failure", S.object([("success", ["const": false]), ("message", S.string)])),
            ("Invalid", S.object([("success", ["const": false]), ("errors", S.map(S.array(S.string)))])),
            ("Station", S.object([("id", S.integer), ("name", S.string), ("type", S.string), ("authToken", S.string),
                                  ("latestDetectionAt", S.nullable(S.string))])),
            ("User", S.object([("email", S.string), ("firstName", S.nullable(S.string)), ("lastName", S.nullable(S.string)),
                               ("displayName", S.string), ("authToken", S.string), ("stations", S.array(S.ref("Station")))])),
            ("DetectionSpecies", S.object([("id", S.integer), ("common_name", S.string), ("scientific_name", S.string), ("color", S.string),
                                           ("image_url", S.nullable(S.string)), ("thumbnail_url", S.nullable(S.string))])),
            ("Detection", S.object([
                ("id", S.integer), ("station_id", S.integer), ("timestamp", S.string), ("species", S.nullable(S.ref("DetectionSpecies"))),
                ("lat", S.nullable(S.number)), ("lon", S.nullable(S.number)), ("confidence", S.number), ("probability", S.nullable(S.number)),
                ("score", S.number), ("certainty", S.oneOf(["almost_certain", "very_likely", "uncertain", "unlikely"])),
                ("algorithm", S.nullable(S.string)), ("metadata", S.any),
                ("soundscape", S.nullable(S.object([("url", S.string), ("start_time", S.nullable(S.number)), ("end_time", S.nullable(S.number))]))),
            ])),
            ("Soundscape", S.object([
                ("id", S.integer), ("stationId", S.integer), ("timestamp", S.string), ("url", S.string), ("filesize", S.integer),
                ("extension", S.oneOf(["flac", "wav"])), ("duration", S.number), ("mode", S.string),
                ("analysis", S.object([("status", S.oneOf(["off", "processing", "done", "partial"])), ("model", S.string),
                                       ("parts", S.integer), ("partsDone", S.integer), ("partsFailed", S.integer), ("detections", S.integer)])),
                ("detections", S.array(S.ref("Detection"))),
            ], optional: ["detections"])),
            ("Photo", S.object([
                ("id", S.integer), ("stationId", S.integer), ("timestamp", S.string), ("status", S.oneOf(["processing", "detected", "no_bird", "no_species", "failed"])),
                ("label", S.nullable(S.string)), ("probability", S.nullable(S.number)), ("message", S.nullable(S.string)), ("jobId", S.string),
                ("detection", S.nullable(S.ref("Detection"))),
            ])),
            ("Species", S.object([("id", S.integer), ("commonName", S.string), ("scientificName", S.string), ("color", S.string)] +
                                 ["imageUrl", "thumbnailUrl", "wikipediaUrl", "wikipediaSummary", "alpha", "alpha6", "ebirdCode", "ebirdUrl",
                                  "imageCredit", "imageCreditHtml", "imageLicense", "imageLicenseUrl"].map { ($0, S.nullable(S.string)) })),
        ]
    }

    private static let userBody = S.jsonBody(S.object([
        ("email", S.string), ("password", S.string), ("displayName", S.string), ("firstName", S.string), ("lastName", S.string),
        ("authToken", ["type": "string", "description": "A guest station's token: the new account claims it"]),
    ], optional: ["firstName", "lastName", "authToken"]))

    private static var accounts: [OpenAPIOperation] {
        let user = [("user", S.ref("User"))]
        return [
            OpenAPIOperation("POST", "/api/v1/authenticate", "Log in: a new user token",
                             body: S.jsonBody(S.object([("email", S.string), ("password", S.string)])),
                             responses: [("200", success("Logged in", user)), ("401", failure), ("429", failure)]),
            OpenAPIOperation("POST", "/api/v1/user", "Create an account (and its first station, or claim a guest station)",
                             body: userBody, responses: [("201", success("Created", user)), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/user", "The account of the token, with its stations", security: ["userToken"],
                             responses: [("200", success("The account", user)), ("401", failure)]),
            OpenAPIOperation("PATCH", "/api/v1/user", "Change the account's fields", security: ["userToken"],
                             body: S.jsonBody(S.object([("email", S.string), ("password", S.string), ("displayName", S.string),
                                                        ("firstName", S.string), ("lastName", S.string)],
                                                       optional: ["email", "password", "displayName", "firstName", "lastName"])),
                             responses: [("200", success("Changed", user)), ("401", failure), ("422", invalid)]),
            OpenAPIOperation("DELETE", "/api/v1/user", "Delete the account with its stations, detections and soundscapes", security: ["userToken"],
                             responses: [("200", success("Deleted", [])), ("401", failure)]),
            OpenAPIOperation("POST", "/api/v1/guest", "Create a guest station (no account)",
                             responses: [("201", success("Created", [("station", S.ref("Station"))]))]),
            OpenAPIOperation("POST", "/api/v1/stations", "Create a station of the account", security: ["userToken"],
                             body: S.jsonBody(S.object([("name", S.string), ("lat", S.number), ("lon", S.number)], optional: ["lat", "lon"])),
                             responses: [("201", success("Created", [("station", S.ref("Station"))])), ("401", failure), ("422", invalid)]),
        ]
    }

    private static let listParameters: [JSON] = [
        S.query("from", S.string, "ISO 8601: detections at or after"), S.query("to", S.string, "ISO 8601: detections before"),
        S.query("species_id", S.integer, "Only this species"), S.query("order", S.oneOf(["asc", "desc"]), "By time; default desc"),
        S.query("cursor", S.integer, "The last id of the previous page"), S.query("limit", S.integer, "1 to 100 (default 100)"),
    ]

    private static var stations: [OpenAPIOperation] {
        let period = S.query("period", S.oneOf(["day", "week", "month", "all"]), "Default day")
        let since = S.query("since", S.string, "ISO 8601: overrides period")
        let detection = [("detection", S.ref("Detection"))]
        let photo = [("photo", S.ref("Photo"))]
        return [
            OpenAPIOperation("GET", "/api/v1/stations/{token}/stats", "Detection and species counts", parameters: [period, since],
                             responses: [("200", success("Counts", [("detections", S.integer), ("species", S.integer)])), ("404", failure), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/stations/{token}/species", "Species detected, with counts by certainty",
                             parameters: [period, since, S.query("sort", S.oneOf(["top", "common_name", "scientific_name"]), "Default top"),
                                          S.query("order", S.oneOf(["asc", "desc"]), "Sort direction"), S.query("limit", S.integer, "1 to 100"),
                                          S.query("page", S.integer, "From 1"), S.query("species_id", S.integer, "Only this species")],
                             responses: [("200", success("Species", [("species", S.array(S.object([
                                 ("id", S.integer), ("commonName", S.nullable(S.string)), ("scientificName", S.nullable(S.string)),
                                 ("color", S.nullable(S.string)), ("imageUrl", S.nullable(S.string)), ("thumbnailUrl", S.nullable(S.string)),
                                 ("detections", S.object([("total", S.integer), ("almostCertain", S.integer), ("veryLikely", S.integer),
                                                          ("uncertain", S.integer), ("unlikely", S.integer)])),
                                 ("latestDetectionAt", S.string),
                             ])))])), ("404", failure), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/stations/{token}/detections", "The station's detections, newest first, by cursor",
                             parameters: listParameters,
                             responses: [("200", success("Detections", [("detections", S.array(S.ref("Detection")))])), ("404", failure), ("422", invalid)]),
            OpenAPIOperation("POST", "/api/v1/stations/{token}/detections", "Record a detection (the station's own BirdNET result)",
                             body: S.jsonBody(S.object([
                                 ("timestamp", S.string), ("lat", S.number), ("lon", S.number), ("commonName", S.string), ("scientificName", S.string),
                                 ("confidence", S.number), ("probability", S.number), ("algorithm", S.string), ("soundscapeId", S.integer),
                                 ("soundscapeStartTime", S.number), ("soundscapeEndTime", S.number), ("metadata", S.any),
                             ], optional: ["lat", "lon", "probability", "algorithm", "soundscapeId", "soundscapeStartTime", "soundscapeEndTime", "metadata"])),
                             responses: [("201", success("Recorded", detection)), ("404", failure), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/stations/{token}/detections/{id}", "One detection",
                             responses: [("200", success("The detection", detection)), ("404", failure)]),
            OpenAPIOperation("POST", "/api/v1/stations/{token}/photos", "A photo from the station: Roost identifies the bird and records a detection",
                             notes: "Multipart `file` (JPEG or PNG), optional `timestamp`, `lat`, `lon`. Poll the photo until its status is not `processing`.",
                             body: S.multipart([("file", S.file), ("timestamp", S.string), ("lat", S.string), ("lon", S.string)],
                                               optional: ["timestamp", "lat", "lon"]),
                             responses: [("201", success("Accepted", photo)), ("404", failure), ("413", failure), ("415", failure), ("422", invalid),
                                         ("503", failure)]),
            OpenAPIOperation("GET", "/api/v1/stations/{token}/photos/{id}", "A photo's analysis and the detection it made",
                             parameters: [S.query("wait", S.number, "Long-poll: seconds to wait while it is processing")],
                             responses: [("200", success("The photo", photo)), ("404", failure)]),
        ]
    }

    private static var soundscapes: [OpenAPIOperation] {
        let soundscape = [("soundscape", S.ref("Soundscape"))]
        let withDetections = S.query("detections", S.oneOf(["true", "false"]), "Include each soundscape's detections")
        return [
            OpenAPIOperation("POST", "/api/v1/stations/{token}/soundscapes", "Upload a recording (FLAC or WAV; gzip accepted)",
                             parameters: [S.query("timestamp", S.string, "ISO 8601 start of the recording", required: true),
                                          S.query("type", S.oneOf(["flac", "wav", "mp3"]), "What the body is (mp3 is refused)"),
                                          S.header("Content-Encoding", "`gzip` when the body is compressed")],
                             body: ["required": true, "content": ["audio/flac": ["schema": S.file], "audio/wav": ["schema": S.file],
                                                                  "application/octet-stream": ["schema": S.file]]],
                             responses: [("201", success("Stored", soundscape)), ("404", failure), ("413", failure), ("415", failure), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/stations/{token}/soundscapes", "The station's soundscapes, newest first, by cursor",
                             parameters: listParameters + [withDetections],
                             responses: [("200", success("Soundscapes", [("soundscapes", S.array(S.ref("Soundscape")))])), ("404", failure), ("422", invalid)]),
            OpenAPIOperation("DELETE", "/api/v1/stations/{token}/soundscapes", "Delete the station's soundscapes in a time range",
                             parameters: [S.query("from", S.string, "ISO 8601"), S.query("to", S.string, "ISO 8601")],
                             responses: [("200", success("Deleted", [("count", S.integer)])), ("404", failure), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/stations/{token}/soundscapes/{id}", "One soundscape", parameters: [withDetections],
                             responses: [("200", success("The soundscape", soundscape)), ("404", failure)]),
            OpenAPIOperation("DELETE", "/api/v1/stations/{token}/soundscapes/{id}", "Delete one soundscape",
                             responses: [("200", success("Deleted", [])), ("404", failure)]),
            OpenAPIOperation("GET", "/api/v1/soundscapes/{file}", "A soundscape's audio (the url of its document)",
                             parameters: [S.header("If-None-Match", "The ETag last received")],
                             responses: [("200", S.bytes("The audio", types: ["audio/flac", "audio/wav"])),
                                         ("304", S.empty("Unchanged")), ("404", failure)]),
        ]
    }

    private static var species: [OpenAPIOperation] {
        [
            OpenAPIOperation("GET", "/api/v1/species/{id}", "One species of the BirdNET 2.4 catalogue",
                             responses: [("200", success("The species", [("species", S.ref("Species"))])), ("404", failure)]),
            OpenAPIOperation("POST", "/api/v1/species/lookup", "Species by BirdNET name (`Scientific_Common`), null when unknown",
                             body: S.jsonBody(S.object([("species", S.array(S.string)), ("fields", S.array(S.string))], optional: ["fields"])),
                             responses: [("200", success("By name", [("species", S.map(S.nullable(S.object([], optional: []))))])), ("422", invalid)]),
            OpenAPIOperation("GET", "/api/v1/configuration", "Detection thresholds stations apply",
                             responses: [("200", success("The configuration", [("configuration", S.object([
                                 ("confidenceGte", S.number), ("rejectedSpeciesList", S.array(S.string)), ("scoreGte", S.number),
                                 ("thresholdAlmostCertain", S.number), ("thresholdUncertain", S.number), ("thresholdVeryLikely", S.number),
                             ]))]))]),
        ]
    }
}
