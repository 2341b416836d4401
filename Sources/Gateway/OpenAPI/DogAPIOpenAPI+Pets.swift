import Shared

/// The pets part of `dogapi.json` (seed "Pets"): the pet, photo and portrait schemas and the
/// pets operations.
extension DogAPIOpenAPI {
    /// `Pet`, `PetImage`, `PetPortrait` and `PortraitStyle`.
    static var petSchemas: [(String, JSON)] {
        let text = S.nullable(S.string), time = S.nullable(S.string)
        return [
            ("Pet", S.object([
                ("id", S.string), ("name", text), ("breed_id", text), ("species_id", text), ("description", text), ("microchip_id", text),
                ("sub_id", text), ("date_of_birth", text),
                ("body_condition_score", S.nullable(S.integer)), ("body_condition_score_reasons", text), ("body_condition_score_timestamp", time),
                ("estimated_age_months", S.nullable(S.integer)), ("estimated_age_reasons", text), ("estimated_age_timestamp", time),
                ("genealogy_result", S.any), ("genealogy_timestamp", time),
                ("muscle_wasting_risk", S.nullable(S.boolean)), ("muscle_condition_reasons", text), ("muscle_condition_timestamp", time),
                ("images", S.array(S.ref("PetImage"))), ("created_at", S.string), ("updated_at", S.string),
                ("analyses", S.map(S.any)), ("portraits", S.array(S.ref("PetPortrait"))),
            ])),
            ("PetImage", S.object([
                ("id", S.string), ("url", S.string), ("pet_id", S.string), ("width", S.integer), ("height", S.integer),
                ("pose", S.nullable(S.oneOf(PetJob.poses))), ("pet_age_months", S.nullable(S.integer)), ("description", text), ("created_at", S.string),
            ])),
            ("PetPortrait", S.object([
                ("id", S.string), ("url", S.string), ("pet_id", S.string), ("style", S.string), ("width", S.integer), ("height", S.integer),
                ("pose", S.nullable(S.oneOf(PetJob.poses))), ("pet_age_months", S.nullable(S.integer)), ("created_at", S.string),
            ])),
            ("PortraitStyle", S.object([("name", S.string), ("description", S.string)])),
        ]
    }

    /// The pets operations (the analyses' are documented with their routes).
    static var pets: [OpenAPIOperation] {
        let owner: [(String, JSON)] = [
            ("name", S.string), ("breed_id", S.string), ("species_id", S.oneOf(["1", "2"])), ("description", S.string),
            ("microchip_id", S.string), ("sub_id", S.string), ("date_of_birth", S.string), ("age_years", S.number), ("age_months", S.number),
        ]
        let photos: [(String, JSON)] = [("poses", S.string), ("images", S.array(S.file))]
        let pet = S.json("The pet", S.ref("Pet"))
        let tooLarge = S.text("An image over ROOST_MAX_UPLOAD_BYTES, or a body over 20 of them (at most 100 MiB)")
        let rules = """
            Fields: `name` ≤ 200 characters, `description` ≤ 2000, `microchip_id` and `sub_id` ≤ 255; `breed_id` a breed of \
            `GET /v1/breeds`; `species_id` 1 (dog) or 2 (cat); `date_of_birth` `YYYY-MM-DD`, not in the future, at most 40 years \
            11 months ago; `age_years` 0–40 and `age_months` 0–11, whole numbers, set `date_of_birth` to today (UTC) minus that \
            many months; both a date and ages are accepted only when the date gives exactly that age in whole months today.
            """
        let images = """
            Images: repeated parts named `images`, JPEG or PNG, at most 20 per request and 100 per pet; `poses` a JSON object \
            mapping a file's 0-based index to one of \(PetJob.poses.joined(separator: ", ")). The body may be at most 20 × \
            ROOST_MAX_UPLOAD_BYTES (capped at 100 MiB) plus 64 KiB. All or nothing: any error stores nothing.
            """
        return [
            OpenAPIOperation("POST", "/v1/pets", "Create a pet with optional images", notes: rules + "\n\n" + images,
                             body: S.multipart(owner + photos, optional: Set((owner + photos).map(\.0))),
                             responses: [("201", S.json("Created", S.ref("Pet"))), ("400", badRequest), ("413", tooLarge)]),
            OpenAPIOperation("GET", "/v1/pets", "The account's pets",
                             parameters: paging + [
                                 S.query("order", S.oneOf(["ASC", "DESC", "RANDOM"]), "By creation time (default ASC)"),
                                 S.query("species_id", S.string, "Only this species"), S.query("breed_id", S.string, "Only this breed"),
                                 S.query("sub_id", S.string, "Only this end user's"),
                                 S.query("breed_groups", S.string, "Comma-separated: only breeds of these groups"),
                                 S.query("exclude_breed_groups", S.string, "Comma-separated: no breed of these groups"),
                             ],
                             responses: [("200", list("Pets", S.ref("Pet")))]),
            OpenAPIOperation("GET", "/v1/pets/portrait-styles", "The styles `POST /v1/pets/{id}/portrait` renders",
                             responses: [("200", list("Styles", S.ref("PortraitStyle")))]),
            OpenAPIOperation("GET", "/v1/pets/{id}", "One of the account's pets", responses: [("200", pet), ("404", notFound)]),
            OpenAPIOperation("PATCH", "/v1/pets/{id}", "Update a pet's fields (those sent; null clears one)", notes: rules,
                             body: S.jsonBody(S.object(owner, optional: Set(owner.map(\.0)))),
                             responses: [("200", pet), ("400", badRequest), ("404", notFound)]),
            OpenAPIOperation("DELETE", "/v1/pets/{id}", "Delete a pet with its images and portraits", responses: [("200", success), ("404", notFound)]),
            OpenAPIOperation("POST", "/v1/pets/{id}/images", "Add images to a pet",
                             notes: "`age_years`/`age_months`: the pet's age when the photos were taken (else from its date of birth). " + images,
                             body: S.multipart([("age_years", S.number), ("age_months", S.number), ("description", S.string)] + photos,
                                               optional: ["age_years", "age_months", "description", "poses"]),
                             responses: [("201", list("The new images", S.ref("PetImage"))), ("400", badRequest), ("404", notFound),
                                         ("413", tooLarge)]),
        ]
    }

    /// The pet analyses and portraits (`DogAPIRoutes+PetAnalyses`; rules in docs/PETS.md).
    static var petAnalyses: [OpenAPIOperation] {
        let roost: [(String, JSON)] = [("generated_at", S.string), ("method", S.string), ("confidence", S.number), ("measurements", S.any)]
        let pending = S.json("Some photos are still being measured (past ROOST_SYNC_TIMEOUT): send the same request again",
                             S.object([("message", S.string), ("photos_measured", S.integer), ("photos", S.integer)]))
        let measured = """
            Measured, not written by a language model: every photo of the pet is localised (MobileNetV2 class-activation map \
            refined by colour segmentation) and its silhouette measured by a worker (`pet` jobs, reused when asked again); \
            the answer names its `method`, a `confidence` 0–1 and the `measurements` it used, and is recorded on the pet. \
            Heuristic: see docs/PETS.md. Where the photos cannot support an answer it is null and `reasons` says why.
            """
        func analysis(_ path: String, _ summary: String, _ members: [(String, JSON)]) -> OpenAPIOperation {
            OpenAPIOperation("POST", "/v1/pets/{id}/\(path)", summary, notes: measured,
                             responses: [("200", S.json("The analysis", S.object(members + roost))), ("202", pending), ("404", notFound)])
        }
        let breed = S.nullable(S.object([("id", S.string), ("label", S.string), ("confidence", S.number)]))
        return [
            analysis("body-condition-score", "Body condition score (1–9) from side and top silhouettes",
                     [("score", S.nullable(S.integer)), ("reasons", S.string)]),
            analysis("estimated-age", "Age in months: exact from the date of birth, else from tagged photo ages, else muzzle greying as a range",
                     [("age_months", S.nullable(S.integer)), ("reasons", S.string)]),
            analysis("genealogy", "Breed probabilities over all photos, mapped to the breed catalogue", [("genealogy", S.object([
                ("is_mixed_breed", S.nullable(S.boolean)), ("mixed_breed_reasoning", S.string), ("primary_breed", breed),
                ("secondary_breed", breed), ("tertiary_breed", breed),
                ("breed_probabilities", S.object([("ids", S.array(S.string)), ("labels", S.array(S.string)), ("confidences", S.array(S.number))])),
            ]))]),
            analysis("muscle-condition-score", "Muscle wasting risk flag from the silhouette",
                     [("wasting_risk_flag", S.nullable(S.boolean)), ("reasons", S.string)]),
            OpenAPIOperation("POST", "/v1/pets/{id}/portrait", "Render a portrait of the pet in a style",
                             notes: "The best photo (front first, then side views) cut out with its mask onto the style's background, 640×480, JPEG by libjpeg; stored and served at `url`. Deterministic for the same photo and style.",
                             body: S.jsonBody(S.object([("style", S.oneOf(PetJob.portraitStyles.map(\.name)))])),
                             responses: [("201", S.json("The portrait", S.ref("PetPortrait"))), ("202", pending), ("400", badRequest),
                                         ("404", notFound)]),
        ]
    }
}
