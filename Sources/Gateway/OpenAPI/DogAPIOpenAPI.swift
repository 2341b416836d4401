import Shared

/// `dogapi.json`: TheDogAPI v1 (seed `thedogapi-1.6.4.txt`) as Roost serves it.
enum DogAPIOpenAPI {
    /// The schema builders.
    typealias S = OpenAPISchema

    /// The document.
    static let document: OpenAPIDocument = {
        var doc = OpenAPIDocument(name: "dogapi", title: "TheDogAPI", description: """
            TheDogAPI v1 under `/v1`, so that its clients work unchanged. Keys (`x-api-key` header or `api_key` \
            parameter) are issued by `POST /v1/admin/accounts` with the ops token. Uploaded images are reviewed \
            by a classify job (`to_be_reviewed` → `clean`/`labelled`, or `unsafe`); breeds and labels come from \
            MobileNetV2's ImageNet classes (a heuristic: see `vendor` in the analysis). Errors are plain text as the \
            real service sends them, except `404`, which is `{"message"}`. Every answer carries the rate-limit headers; \
            lists carry `pagination-count`, `pagination-page` and `pagination-limit`. See docs/DOGAPI.md.
            """)
        doc.securitySchemes = [
            ("apiKey", ["type": "apiKey", "in": "header", "name": "x-api-key"]),
            ("opsToken", ["type": "http", "scheme": "bearer", "description": "ROOST_OPS_TOKEN"]),
        ]
        doc.defaultSecurity = ["apiKey"]
        doc.schemas = schemas + petSchemas
        // Every keyed route may answer 401 (no or unknown key) and 429 (rate limit).
        doc.operations = (images + pets + petAnalyses + community + accounts + catalogue).map { operation in
            var operation = operation
            if operation.security != [] && operation.security != ["opsToken"] {
                operation.responses += [("401", S.text("No key, or an unknown one")), ("429", S.text("Rate limit reached"))]
            }
            return operation
        }
        return doc
    }()

    /// Served without a key too (a key, when sent, must be known).
    private static let keyOptional = ["apiKey", ""]
    /// `404 {message}`.
    static let notFound = S.json("`{message}`", S.object([("message", S.string)]))
    /// `400` in plain text.
    static let badRequest = S.text("What is wrong, in the service's words")
    private static let forbidden = S.text("Needs an admin account's key, or over the upload quota")
    /// `200 {message: SUCCESS}`.
    static let success = S.json("`{message: SUCCESS}`", S.object([("message", S.oneOf(["SUCCESS"]))]))
    /// `limit` and `page` query parameters.
    static let paging: [JSON] = [S.query("limit", S.integer, "Page size"), S.query("page", S.integer, "From 0")]
    private static let offsetPaging: [JSON] = [S.query("limit", S.integer, "1 to 100 (default 10)"), S.query("offset", S.integer, "From 0")]

    /// A JSON array response.
    static func list(_ description: String, _ item: JSON) -> JSON { S.json(description, S.array(item)) }

    private static var schemas: [(String, JSON)] {
        let measure = S.object([("imperial", S.string), ("metric", S.string)])
        return [
            ("Breed", S.object([
                ("weight", measure), ("height", measure), ("id", S.integer), ("name", S.string), ("bred_for", S.nullable(S.string)),
                ("breed_group", S.nullable(S.string)), ("life_span", S.nullable(S.string)), ("temperament", S.nullable(S.string)),
                ("origin", S.nullable(S.string)), ("country_code", S.nullable(S.string)), ("reference_image_id", S.nullable(S.string)),
            ])),
            ("Image", S.object([
                ("id", S.string), ("url", S.string), ("sub_id", S.nullable(S.string)), ("width", S.integer), ("height", S.integer),
                ("mime_type", S.oneOf(["image/jpeg", "image/png"])), ("original_filename", S.nullable(S.string)),
                ("pending", S.integer), ("approved", S.integer), ("species_id", S.string), ("breeds", S.array(S.ref("Breed"))),
                ("categories", S.array(S.any)), ("unsafe_reasons", S.array(S.string)),
                ("status", S.oneOf(["to_be_reviewed", "clean", "labelled", "unsafe"])), ("created_at", S.string),
                ("sizes", S.map(S.object([("url", S.string), ("width", S.integer), ("height", S.integer)]))),
                ("links", S.object([("status", S.string)])),
            ], optional: ["sizes", "links"])),
            ("Label", S.object([("Name", S.string), ("Confidence", S.number), ("Instances", S.array(S.any)), ("Parents", S.array(S.any))])),
            ("ImageStub", S.object([("id", S.string), ("url", S.string)])),
            ("Vote", S.object([("id", S.integer), ("image_id", S.string), ("sub_id", S.nullable(S.string)), ("created_at", S.string),
                               ("value", S.integer), ("country_code", S.nullable(S.string)), ("image", S.ref("ImageStub"))])),
            ("Favourite", S.object([("id", S.integer), ("user_id", S.string), ("image_id", S.string), ("sub_id", S.nullable(S.string)),
                                    ("created_at", S.string), ("image", S.ref("ImageStub"))])),
            ("PublicRequest", S.object([
                ("id", S.string), ("image_id", S.string), ("account_id", S.string), ("status", S.oneOf(["pending", "approved", "rejected", "cancelled"])),
                ("request_message", S.nullable(S.string)), ("admin_message", S.nullable(S.string)), ("actioned_by_email", S.nullable(S.string)),
                ("actioned_at", S.nullable(S.string)), ("created_at", S.string), ("updated_at", S.string), ("image", S.ref("Image")),
            ])),
            ("Fact", S.object([("id", S.string), ("title", S.string), ("fact", S.string), ("slug", S.string), ("species_id", S.integer),
                               ("breed_id", S.nullable(S.integer))])),
            ("Category", S.object([("id", S.integer), ("name", S.string)])),
            ("HealthTip", S.object([("id", S.integer), ("title", S.string), ("tip", S.string), ("category", S.string), ("species_id", S.integer),
                                    ("breed_id", S.nullable(S.integer))])),
            ("Law", S.object([
                ("id", S.integer), ("country_code", S.string), ("country_name", S.string), ("title", S.string), ("year", S.integer),
                ("legislation_type", S.string), ("approach", S.string), ("breeds", S.array(S.object([("id", S.integer), ("name", S.string)]))),
                ("other_breeds", S.array(S.string)), ("summary", S.string), ("jurisdiction", S.nullable(S.string)),
            ])),
        ]
    }

    private static var images: [OpenAPIOperation] {
        let upload = ["required": true, "content": [
            "multipart/form-data": ["schema": S.object([("file", S.file), ("sub_id", S.string), ("breed_ids", S.string), ("species_id", S.string)],
                                                       optional: ["sub_id", "breed_ids", "species_id"])],
            "application/json": ["schema": S.object([("type", S.oneOf(["base64"])), ("image", S.string), ("sub_id", S.string)],
                                                    optional: ["sub_id"])],
        ]] as JSON
        let image = S.json("The image", S.ref("Image"))
        let fileResponses: [(String, JSON)] = [("200", S.bytes("The bytes (cached for a year: the name is its content's)", types: ["image/jpeg", "image/png"])),
                                               ("304", S.empty("Unchanged (If-None-Match)")), ("404", notFound)]
        return [
            OpenAPIOperation("POST", "/v1/images/upload", "Upload an image; it is reviewed by the cluster (poll links.status)",
                             parameters: [S.query("sub_id", S.string, "Your end user's id")], body: upload,
                             responses: [("201", S.json("Accepted, to_be_reviewed", S.ref("Image"))), ("400", badRequest), ("403", forbidden),
                                         ("413", S.text("Too large")), ("415", S.text("Not a JPEG or PNG")), ("503", S.text("The cluster is full"))]),
            OpenAPIOperation("POST", "/v1/images/upload-sync", "Upload and wait for the review",
                             parameters: [S.query("sub_id", S.string, "Your end user's id")], body: upload,
                             responses: [("201", S.json("Reviewed", S.ref("Image"))), ("202", S.json("Still under review after ROOST_SYNC_TIMEOUT", S.ref("Image"))),
                                         ("400", S.text("`Classifcation failed: correct animal not found.` (sic), or what is wrong")),
                                         ("403", forbidden), ("413", S.text("Too large")), ("415", S.text("Not a JPEG or PNG"))]),
            OpenAPIOperation("GET", "/v1/images", "The account's uploaded images",
                             parameters: paging + [S.query("sub_id", S.string, "Only this end user's"), S.query("order", S.oneOf(["ASC", "DESC"]), "By upload time")],
                             responses: [("200", list("Images", S.ref("Image")))]),
            OpenAPIOperation("GET", "/v1/images/search", "Search reviewed images (the account's and public ones)",
                             security: keyOptional,
                             parameters: paging + [
                                 S.query("breed_ids", S.string, "Comma-separated"), S.query("has_breeds", S.string, "1/0, true/false"),
                                 S.query("mime_types", S.string, "jpg, png"), S.query("size", S.oneOf(["thumb", "thumbnail", "small", "med", "full"]), "Which size's url"),
                                 S.query("order", S.oneOf(["RANDOM", "ASC", "DESC"]), "Default RANDOM"), S.query("sub_id", S.string, "Only this end user's"),
                                 S.query("category_ids", S.string, "Roost's images have no categories: always empty"),
                                 S.query("format", S.oneOf(["json", "src"]), "`src` redirects to the first image's file"),
                             ],
                             responses: [("200", list("Images", S.ref("Image"))), ("302", S.empty("format=src: the file")), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/images/{id}", "One image (the account's, or a public one for anybody)", security: keyOptional,
                             responses: [("200", image), ("404", notFound)]),
            OpenAPIOperation("DELETE", "/v1/images/{id}", "Delete one of the account's images", responses: [("200", success), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/images/{id}/status", "Where the review stands",
                             responses: [("200", S.json("Status", S.object([("id", S.string), ("status", S.oneOf(["to_be_reviewed", "clean", "labelled", "unsafe"])),
                                                                          ("updated_at", S.string)]))), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/images/{id}/analysis", "The review's labels and moderation labels (empty until reviewed)",
                             responses: [("200", list("Analyses", S.object([("labels", S.array(S.ref("Label"))), ("moderation_labels", S.array(S.string)),
                                                                          ("vendor", S.string), ("image_id", S.string), ("created_at", S.string)]))),
                                         ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/images/{id}/labels", "The review's labels", responses: [("200", list("Labels", S.ref("Label"))), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/images/{id}/breeds", "The image's breeds", security: keyOptional,
                             responses: [("200", list("Breeds", S.ref("Breed"))), ("404", notFound)]),
            OpenAPIOperation("POST", "/v1/images/{id}/breeds", "Tag the image with a breed",
                             body: S.jsonBody(S.object([("breed_id", S.integer)])), responses: [("200", success), ("400", badRequest), ("404", notFound)]),
            OpenAPIOperation("DELETE", "/v1/images/{id}/breeds/{breed_id}", "Remove a breed from the image",
                             responses: [("200", success), ("404", notFound)]),
            OpenAPIOperation("POST", "/v1/images/{id}/public-requests", "Ask for the image to be public (an admin decides)",
                             body: S.jsonBody(S.object([("request_message", S.string)], optional: ["request_message"]), required: false),
                             responses: [("201", S.json("Requested", S.ref("PublicRequest"))), ("400", badRequest), ("404", notFound)]),
            OpenAPIOperation("DELETE", "/v1/images/{id}/public-requests", "Withdraw a pending request", responses: [("200", success), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/images/{id}/public-requests/status", "The request's state (`{status: none}` without one)",
                             responses: [("200", S.json("The request", ["anyOf": [S.ref("PublicRequest"), S.object([("status", S.oneOf(["none"]))])]])),
                                         ("404", notFound)]),
            OpenAPIOperation("PATCH", "/v1/images/{id}/public-requests", "Approve or reject a request (admin key)",
                             body: S.jsonBody(S.object([("status", S.oneOf(["approved", "rejected"])), ("admin_message", S.string)], optional: ["admin_message"])),
                             responses: [("200", S.json("Decided", S.ref("PublicRequest"))), ("400", badRequest), ("403", forbidden), ("404", notFound)]),
            OpenAPIOperation("GET", "/images/{file}", "An original (`{id}.jpg` or `{id}.png`): the `url` of an image, pet image or portrait", security: [],
                             parameters: [S.header("If-None-Match", "The ETag last received")], responses: fileResponses),
            OpenAPIOperation("GET", "/images/{size}/{file}", "A generated size (`thumb`, `small`, `med`, `full`; `{id}.jpg`)", security: [],
                             parameters: [S.header("If-None-Match", "The ETag last received")],
                             responses: fileResponses + [("302", S.empty("Not generated yet: the original"))]),
        ]
    }

    private static var community: [OpenAPIOperation] {
        let imageChoice = [("image_id", S.string), ("sub_id", S.string)]
        return [
            OpenAPIOperation("GET", "/v1/votes", "The account's votes", parameters: paging + [S.query("sub_id", S.string, "Only this end user's")],
                             responses: [("200", list("Votes", S.ref("Vote")))]),
            OpenAPIOperation("POST", "/v1/votes", "Vote on an image (1 up, -1 down, 0)",
                             body: S.jsonBody(S.object(imageChoice + [("value", S.integer), ("country_code", S.string)], optional: ["sub_id", "country_code"])),
                             responses: [("201", S.json("Recorded", S.object([("message", S.oneOf(["SUCCESS"])), ("id", S.integer), ("image_id", S.string),
                                                                             ("sub_id", S.nullable(S.string)), ("value", S.integer),
                                                                             ("country_code", S.nullable(S.string))]))), ("400", badRequest)]),
            OpenAPIOperation("GET", "/v1/votes/{id}", "One vote", responses: [("200", S.json("The vote", S.ref("Vote"))), ("404", notFound)]),
            OpenAPIOperation("DELETE", "/v1/votes/{id}", "Delete a vote", responses: [("200", success), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/favourites", "The account's favourites", parameters: paging + [S.query("sub_id", S.string, "Only this end user's")],
                             responses: [("200", list("Favourites", S.ref("Favourite")))]),
            OpenAPIOperation("POST", "/v1/favourites", "Favourite an image (unique per account, image and sub_id)",
                             body: S.jsonBody(S.object(imageChoice, optional: ["sub_id"])),
                             responses: [("200", S.json("Recorded", S.object([("message", S.oneOf(["SUCCESS"])), ("id", S.integer)]))), ("400", badRequest)]),
            OpenAPIOperation("GET", "/v1/favourites/{id}", "One favourite", responses: [("200", S.json("The favourite", S.ref("Favourite"))), ("404", notFound)]),
            OpenAPIOperation("DELETE", "/v1/favourites/{id}", "Delete a favourite", responses: [("200", success), ("404", notFound)]),
        ]
    }

    private static var accounts: [OpenAPIOperation] {
        [
            OpenAPIOperation("POST", "/v1/admin/accounts", "Create an account and its key (shown only here; ops token)", security: ["opsToken"],
                             body: S.jsonBody(S.object([("name", S.string), ("admin", S.boolean)], optional: ["admin"])),
                             responses: [("201", S.json("Created", S.object([("id", S.integer), ("name", S.string), ("is_admin", S.boolean), ("api_key", S.string)]))),
                                         ("400", S.json("Roost's error shape", S.object([("error", S.object([("code", S.string), ("message", S.string)]))]))),
                                         ("401", S.json("No or wrong ops token", S.any)), ("403", S.json("Not loopback and no ops token set", S.any))]),
            OpenAPIOperation("GET", "/v1/accounts/features", "What the account may use", responses: [("200", list("Features", S.string))]),
            OpenAPIOperation("GET", "/v1/accounts/quota", "Uploads allowed, used and left",
                             responses: [("200", S.json("Quota", S.object([("quota", S.integer), ("usage", S.integer), ("remaining", S.integer)])))]),
            OpenAPIOperation("GET", "/v1/accounts/{accountId}/overview", "An account's totals (admin key)",
                             responses: [("200", S.json("Totals", S.object([("account_id", S.string), ("images", S.integer), ("public_images", S.integer),
                                                                            ("votes", S.integer), ("favourites", S.integer)]))),
                                         ("403", forbidden), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/sub-ids", "The account's end users, with their counts",
                             parameters: [S.query("limit", S.integer, "1 to 1000"), S.query("page", S.integer, "From 0")],
                             responses: [("200", list("Sub-ids", S.object([("sub_id", S.string), ("images", S.integer), ("votes", S.integer),
                                                                         ("favourites", S.integer)])))]),
        ]
    }

    private static var catalogue: [OpenAPIOperation] {
        let open = keyOptional
        let fact = S.json("A fact", S.ref("Fact"))
        return [
            OpenAPIOperation("GET", "/v1/breeds", "The breed catalogue", security: open,
                             parameters: paging + [S.query("order", S.oneOf(["ASC", "DESC", "RANDOM"]), "By name")],
                             responses: [("200", list("Breeds", S.ref("Breed")))]),
            OpenAPIOperation("GET", "/v1/breeds/search", "Breeds by name", security: open,
                             parameters: [S.query("q", S.string, "Part of the name"), S.query("name", S.string, "Same as q")],
                             responses: [("200", list("Breeds", S.ref("Breed")))]),
            OpenAPIOperation("GET", "/v1/breeds/breed-groups", "Breed groups and their sizes", security: open,
                             responses: [("200", list("Groups", S.object([("name", S.string), ("breeds", S.integer)])))]),
            OpenAPIOperation("GET", "/v1/breeds/{id}", "One breed", security: open,
                             responses: [("200", S.json("The breed", S.ref("Breed"))), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/breeds/{id}/facts", "A breed's facts", security: open,
                             responses: [("200", list("Facts", S.ref("Fact"))), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/breeds/bans/countries", "Countries with breed legislation", security: open,
                             responses: [("200", list("Countries", S.object([("country_code", S.string), ("name", S.string), ("legislation_count", S.integer)])))]),
            OpenAPIOperation("GET", "/v1/breeds/bans/country", "A country's breed legislation", security: open,
                             parameters: paging + [S.query("country", S.string, "ISO 3166-1 alpha-2", required: true),
                                                   S.query("legislation_type", S.string, "Filter"), S.query("approach", S.string, "Filter")],
                             responses: [("200", S.json("Legislation", S.object([
                                 ("country", S.object([("code", S.string), ("name", S.nullable(S.string))])),
                                 ("legislation", S.array(S.ref("Law"))), ("jurisdictions", S.array(S.any)),
                             ]))), ("400", badRequest)]),
            OpenAPIOperation("GET", "/v1/breeds/bans/breed/{breedId}", "Legislation naming a breed", security: open,
                             responses: [("200", list("Laws", S.ref("Law"))), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/categories", "Image categories", security: open, parameters: paging,
                             responses: [("200", list("Categories", S.ref("Category")))]),
            OpenAPIOperation("GET", "/v1/categories/{id}", "One category", security: open,
                             responses: [("200", S.json("The category", S.ref("Category"))), ("404", notFound)]),
            OpenAPIOperation("POST", "/v1/categories", "Add a category (admin key)", body: S.jsonBody(S.object([("name", S.string)])),
                             responses: [("201", S.json("Added", S.ref("Category"))), ("400", badRequest), ("403", forbidden)]),
            OpenAPIOperation("GET", "/v1/health-tips", "Health tips", security: open,
                             parameters: offsetPaging + [S.query("breed_id", S.integer, "Only this breed's")],
                             responses: [("200", list("Tips", S.ref("HealthTip")))]),
            OpenAPIOperation("GET", "/v1/health-tips/{id}", "One health tip", security: open,
                             responses: [("200", S.json("The tip", S.ref("HealthTip"))), ("404", notFound)]),
            OpenAPIOperation("POST", "/v1/health-tips", "Add a health tip (admin key)",
                             body: S.jsonBody(S.object([("title", S.string), ("tip", S.string), ("category", S.string), ("breed_id", S.integer)],
                                                       optional: ["category", "breed_id"])),
                             responses: [("201", S.json("Added", S.ref("HealthTip"))), ("400", badRequest), ("403", forbidden)]),
            OpenAPIOperation("GET", "/v1/facts", "Facts", security: open,
                             parameters: offsetPaging + [S.query("breed_id", S.integer, "Only this breed's"), S.query("species_id", S.integer, "Only this species'")],
                             responses: [("200", list("Facts", S.ref("Fact")))]),
            OpenAPIOperation("GET", "/v1/facts/random", "A random fact", security: open, responses: [("200", fact), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/facts/breed/{breedId}", "A breed's facts", security: open, parameters: offsetPaging,
                             responses: [("200", list("Facts", S.ref("Fact"))), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/facts/breed/{breedId}/random", "A random fact about a breed", security: open,
                             responses: [("200", fact), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/facts/species/{speciesId}/random", "A random fact about a species", security: open,
                             responses: [("200", fact), ("404", notFound)]),
            OpenAPIOperation("GET", "/v1/facts/{id}", "One fact", security: open, responses: [("200", fact), ("404", notFound)]),
            OpenAPIOperation("POST", "/v1/facts", "Add a fact (admin key)",
                             body: S.jsonBody(S.object([("title", S.string), ("fact", S.string), ("breed_id", S.integer)], optional: ["breed_id"])),
                             responses: [("201", S.json("Added", S.ref("Fact"))), ("400", badRequest), ("403", forbidden)]),
        ]
    }
}
