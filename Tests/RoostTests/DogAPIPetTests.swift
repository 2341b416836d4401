import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// TheDogAPI pets against the real gateway and a real Redis over HTTP: create with photos and
/// poses, list with paging and filters, read, update, delete (files kept while a dog image shares
/// them), more photos and the per-pet cap, portrait styles, every validation error (a 400 that
/// stores nothing, rows or files), and accounts seeing only their own pets.
@Suite(.serialized) struct DogAPIPetTests {
    /// The keys of a pet document, in order: the seed's, then Roost's.
    static let petKeys = [
        "id", "name", "breed_id", "species_id", "description", "microchip_id", "sub_id", "date_of_birth",
        "body_condition_score", "body_condition_score_reasons", "body_condition_score_timestamp",
        "estimated_age_months", "estimated_age_reasons", "estimated_age_timestamp", "genealogy_result", "genealogy_timestamp",
        "muscle_wasting_risk", "muscle_condition_reasons", "muscle_condition_timestamp", "images", "created_at", "updated_at",
        "analyses", "portraits",
    ]

    /// A gateway (no worker: the pets' CRUD queues nothing) and a client.
    private func gateway() throws -> (Cluster, TestClient) {
        let cluster = try Cluster()
        try cluster.startGateway()
        return (cluster, try TestClient(port: cluster.httpPort))
    }

    private func newKey(_ client: TestClient, _ name: String, admin: Bool = false) throws -> [(String, String)] {
        let body = JSON.object([("name", .string(name)), ("admin", .bool(admin))])
        let created = try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")], body: body.bytes())
        return [("x-api-key", try #require(created.jsonBody["api_key"]?.stringValue, "\(created.text)"))]
    }

    /// How many image files the gateway keeps on disk.
    private func fileCount(_ cluster: Cluster) -> Int {
        let folder = cluster.directory.appendingPathComponent("data/dogapi/images").path
        return (try? FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.contains("/") && !$0.contains("/.") }.count) ?? 0
    }

    /// A multipart pets request of text `fields` and `images` (file name, bytes).
    private func post(_ client: TestClient, _ path: String, _ fields: [(String, String)], images: [(String, [UInt8])] = [],
                      key: [(String, String)]) throws -> RawHTTPResponse {
        try client.multipart(path, parts: fields.map { ($0.0, nil, Array($0.1.utf8)) } + images.map { ("images", $0.0, $0.1) }, headers: key)
    }

    private func patch(_ client: TestClient, _ id: String, _ body: JSON, key: [(String, String)]) throws -> RawHTTPResponse {
        try client.request("PATCH", "/v1/pets/\(id)", headers: key + [("Content-Type", "application/json")], body: body.bytes())
    }

    /// GETs the path of a document's `url`.
    private func served(_ client: TestClient, _ url: String?, headers: [(String, String)] = []) throws -> RawHTTPResponse {
        let url = try #require(url)
        return try client.get(String(url[try #require(url.range(of: "/images/")).lowerBound...]), headers: headers)
    }

    private func ids(_ response: RawHTTPResponse) -> [String] { response.jsonBody.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }

    /// Today (UTC) before and after a request, so a date check holds across midnight.
    private func today() -> PetAge.Day { PetAge.day(epoch: Date().timeIntervalSince1970) }

    @Test func aPetIsCreatedWithPosedImagesServedAtTheirURLs() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let dog = try Fixtures.bytes("dog"), chicky = try Fixtures.bytes("chicky_512")
        let png = StoredPNG.encode(try ImageDecoder.decode(chicky, options: DecodeOptions()).image)
        let breed = try #require(DogCatalogue.standard.breeds.first)
        let before = today()
        let created = try post(client, "/v1/pets", [
            ("name", "Buddy"), ("breed_id", String(breed.id)), ("species_id", "1"), ("description", "A friendly dog"),
            ("microchip_id", "123456789"), ("sub_id", "sub_123"), ("date_of_birth", "2020-03-15"), ("poses", #"{"0":"front","2":"SIDE"}"#),
        ], images: [("rex.jpg", dog), ("chick.jpg", chicky), ("chick.png", png)], key: key)
        let after = today()
        #expect(created.status == 201, "\(created.text)")
        #expect(created.headers["content-type"]?.hasPrefix("application/json") == true)
        let pet = created.jsonBody
        #expect(pet.objectValue?.map(\.0) == Self.petKeys)
        let id = try #require(pet["id"]?.stringValue)
        #expect(id.range(of: "^[0-9A-Za-z_-]{9}$", options: .regularExpression) != nil)
        #expect(pet["name"] == "Buddy" && pet["breed_id"] == .string(String(breed.id)) && pet["species_id"] == "1")
        #expect(pet["description"] == "A friendly dog" && pet["microchip_id"] == "123456789" && pet["sub_id"] == "sub_123")
        #expect(pet["date_of_birth"] == "2020-03-15")
        for key in ["body_condition_score", "estimated_age_months", "genealogy_result", "muscle_wasting_risk", "muscle_condition_timestamp"] {
            #expect(pet[key] == .null, "\(key)")
        }
        #expect(pet["analyses"] == .object([]) && pet["portraits"] == .array([]))
        #expect(pet["created_at"]?.stringValue?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
        #expect(pet["updated_at"] == pet["created_at"])

        let images = try #require(pet["images"]?.arrayValue)
        #expect(images.count == 3)
        #expect(images.map { $0["pose"] ?? .null } == ["front", .null, "side"])
        #expect(images.allSatisfy { $0.objectValue?.map(\.0) == ["id", "url", "pet_id", "width", "height", "pose", "pet_age_months", "description", "created_at"] })
        #expect(images.allSatisfy { $0["pet_id"]?.stringValue == id && $0["description"] == .null })
        let birth = try #require(PetAge.day("2020-03-15"))
        let ages = [PetAge.months(from: birth, to: before), PetAge.months(from: birth, to: after)]
        #expect(images.allSatisfy { ages.contains($0["pet_age_months"]?.intValue ?? -1) }, "\(images)")
        #expect(images[0]["width"] == 768 && images[0]["height"] == 576 && images[1]["width"] == 512)
        #expect(images[2]["url"]?.stringValue?.hasSuffix(".png") == true && images[0]["url"]?.stringValue?.hasSuffix(".jpg") == true)
        for (index, (bytes, type)) in [(dog, "image/jpeg"), (chicky, "image/jpeg"), (png, "image/png")].enumerated() {
            let file = try served(client, images[index]["url"]?.stringValue)
            #expect(file.status == 200 && file.body == bytes && file.headers["content-type"] == type)
            #expect(try served(client, images[index]["url"]?.stringValue, headers: [("If-None-Match", file.headers["etag"] ?? "")]).status == 304)
        }
        #expect(fileCount(cluster) == 3)
        #expect(try client.get("/v1/pets/\(id)", headers: key).jsonBody == pet)

        // Ages instead of a date: today minus that many months; no images, and a JSON body works too.
        let from = today()
        let aged = try post(client, "/v1/pets", [("name", "Kit"), ("species_id", "2"), ("age_years", "2"), ("age_months", "6")], key: key)
        let to = today()
        #expect(aged.status == 201, "\(aged.text)")
        let dates = [PetAge.birthday(ageMonths: 30, on: from).formatted, PetAge.birthday(ageMonths: 30, on: to).formatted]
        #expect(dates.contains(aged.jsonBody["date_of_birth"]?.stringValue ?? ""), "\(aged.text)")
        #expect(aged.jsonBody["images"] == .array([]) && aged.jsonBody["breed_id"] == .null)
        let json = try client.request("POST", "/v1/pets", headers: key + [("Content-Type", "application/json")], body: JSON.object([("name", "Rex"), ("breed_id", .int(breed.id))]).bytes())
        #expect(json.status == 201 && json.jsonBody["breed_id"] == .string(String(breed.id)), "\(json.text)")
    }

    @Test func listsArePagedFilteredAndTheAccountsOwn() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let alice = try newKey(client, "alice"), bob = try newKey(client, "bob"), admin = try newKey(client, "admin", admin: true)
        let catalogue = DogCatalogue.standard
        let first = try #require(catalogue.breeds.first { $0.breedGroup != nil })
        let other = try #require(catalogue.breeds.first { $0.breedGroup != nil && $0.breedGroup != first.breedGroup })
        var created: [String] = []
        for (name, species, breed, sub) in [("A", "1", first.id, "s1"), ("B", "1", other.id, "s2"), ("C", "2", nil, "s1")] as [(String, String, Int?, String)] {
            var fields = [("name", name), ("species_id", species), ("sub_id", sub)]
            if let breed { fields.append(("breed_id", String(breed))) }
            let r = try post(client, "/v1/pets", fields, key: alice)
            #expect(r.status == 201, "\(r.text)")
            created.append(try #require(r.jsonBody["id"]?.stringValue))
        }
        let bobs = try #require(try post(client, "/v1/pets", [("name", "Bob's")], key: bob).jsonBody["id"]?.stringValue)

        let page = try client.get("/v1/pets?limit=2&page=0", headers: alice)
        #expect(page.status == 200 && ids(page) == Array(created.prefix(2)))
        #expect(page.headers["pagination-count"] == "3" && page.headers["pagination-page"] == "0" && page.headers["pagination-limit"] == "2")
        #expect(page.jsonBody[0]?.objectValue?.map(\.0) == Self.petKeys)
        let second = try client.get("/v1/pets?limit=2&page=1&order=ASC", headers: alice)
        #expect(ids(second) == [created[2]] && second.headers["pagination-page"] == "1")
        #expect(ids(try client.get("/v1/pets?order=DESC", headers: alice)) == Array(created.reversed()))
        #expect(Set(ids(try client.get("/v1/pets?order=RANDOM", headers: alice))) == Set(created))
        #expect(try client.get("/v1/pets", headers: alice).headers["pagination-limit"] == "10")
        #expect(ids(try client.get("/v1/pets?species_id=2", headers: alice)) == [created[2]])
        #expect(ids(try client.get("/v1/pets?breed_id=\(other.id)", headers: alice)) == [created[1]])
        #expect(ids(try client.get("/v1/pets?sub_id=s1", headers: alice)) == [created[0], created[2]])
        let group = (first.breedGroup ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        #expect(ids(try client.get("/v1/pets?breed_groups=\(group),Nothing", headers: alice)) == [created[0]])
        #expect(ids(try client.get("/v1/pets?exclude_breed_groups=\(group)", headers: alice)) == [created[1], created[2]])
        #expect(ids(try client.get("/v1/pets?breed_groups=Nothing", headers: alice)).isEmpty)
        #expect(ids(try client.get("/v1/pets?species_id=&breed_id=", headers: alice)) == created, "empty parameters are ignored")

        // Bob sees only his; Alice's pet is not found for him, whatever he tries.
        #expect(ids(try client.get("/v1/pets", headers: bob)) == [bobs])
        let foreign = try client.get("/v1/pets/\(created[0])", headers: bob)
        #expect(foreign.status == 404 && foreign.jsonBody == ["message": "Pet not found"])
        #expect(try patch(client, created[0], ["name": "Mine"], key: bob).status == 404)
        #expect(try client.request("DELETE", "/v1/pets/\(created[0])", headers: bob).status == 404)
        #expect(try post(client, "/v1/pets/\(created[0])/images", [], images: [("p.jpg", try Fixtures.bytes("pixel-1x1"))], key: bob).status == 404)
        #expect(try client.get("/v1/pets/nothing-here", headers: alice).status == 404)
        #expect(try client.get("/v1/pets/\(created[0])", headers: alice).jsonBody["name"] == "A")
        #expect(try client.get("/v1/pets/\(created[0])", headers: admin).status == 200, "admins see every pet")
        #expect(ids(try client.get("/v1/pets", headers: admin)).isEmpty, "but list their own")
        // A key is required.
        let none = try client.get("/v1/pets")
        #expect(none.status == 401 && none.text == "AUTHENTICATION_ERROR - you need to send your API Key as the 'x-api-key' header")
    }

    @Test func patchChangesTheFieldsSentAndItsTime() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let pet = try post(client, "/v1/pets", [("name", "Buddy"), ("description", "Young"), ("species_id", "1"), ("date_of_birth", "2021-01-31")], key: key).jsonBody
        let id = try #require(pet["id"]?.stringValue)

        let renamed = try patch(client, id, ["name": "Max", "description": .null, "microchip_id": "985112003456789", "species_id": 2], key: key)
        #expect(renamed.status == 200, "\(renamed.text)")
        #expect(renamed.jsonBody.objectValue?.map(\.0) == Self.petKeys)
        #expect(renamed.jsonBody["name"] == "Max" && renamed.jsonBody["description"] == .null && renamed.jsonBody["species_id"] == "2")
        #expect(renamed.jsonBody["microchip_id"] == "985112003456789" && renamed.jsonBody["date_of_birth"] == "2021-01-31")
        #expect(renamed.jsonBody["created_at"] == pet["created_at"])
        let updated = try #require(renamed.jsonBody["updated_at"]?.stringValue)
        #expect(updated != pet["updated_at"]?.stringValue && updated > (pet["updated_at"]?.stringValue ?? ""))
        #expect(try client.get("/v1/pets/\(id)", headers: key).jsonBody == renamed.jsonBody)

        // Ages set the date; a date with the ages it gives is accepted as sent.
        let from = today()
        let aged = try patch(client, id, ["age_years": 3, "age_months": 0], key: key)
        let to = today()
        #expect(aged.status == 200, "\(aged.text)")
        #expect([from, to].map { PetAge.birthday(ageMonths: 36, on: $0).formatted }.contains(aged.jsonBody["date_of_birth"]?.stringValue ?? ""))
        let birth = PetAge.birthday(ageMonths: 40, on: today())
        let both = try patch(client, id, ["date_of_birth": .string(birth.formatted), "age_years": "3", "age_months": "4"], key: key)
        #expect(both.status == 200 && both.jsonBody["date_of_birth"] == .string(birth.formatted), "\(both.text)")

        // Refused changes change nothing.
        let wrong = try patch(client, id, ["name": "Rex", "species_id": "3"], key: key)
        #expect(wrong.status == 400 && wrong.text == "species_id must be 1 (dog) or 2 (cat)")
        let inconsistent = try patch(client, id, ["date_of_birth": .string(birth.formatted), "age_years": 1], key: key)
        #expect(inconsistent.status == 400 && inconsistent.text.contains("makes the pet 40 months old, but age_years and age_months say 12"), "\(inconsistent.text)")
        let garbage = try client.request("PATCH", "/v1/pets/\(id)", headers: key + [("Content-Type", "application/json")], body: Array("name=Rex".utf8))
        #expect(garbage.status == 400 && garbage.text.hasPrefix("The body must be a JSON object"))
        #expect(try client.get("/v1/pets/\(id)", headers: key).jsonBody == both.jsonBody)
    }

    @Test func deletingAPetRemovesItsImagesAndTheFilesNothingElseUses() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let dog = try Fixtures.bytes("dog"), coffee = try Fixtures.bytes("coffee")
        // A dog image of the same photo as one of the pet's.
        let shared = try client.upload("/v1/images/upload", file: dog, headers: key)
        #expect(shared.status == 201, "\(shared.text)")
        let pet = try post(client, "/v1/pets", [("name", "Buddy")], images: [("dog.jpg", dog), ("coffee.jpg", coffee)], key: key).jsonBody
        let id = try #require(pet["id"]?.stringValue)
        let urls = pet["images"]?.arrayValue?.compactMap { $0["url"]?.stringValue } ?? []
        #expect(urls.count == 2 && fileCount(cluster) == 2)

        #expect(try client.request("DELETE", "/v1/pets/\(id)", headers: key).jsonBody == ["message": "SUCCESS"])
        #expect(try client.get("/v1/pets/\(id)", headers: key).status == 404)
        #expect(try client.request("DELETE", "/v1/pets/\(id)", headers: key).status == 404)
        for url in urls { #expect(try served(client, url).status == 404) }
        #expect(fileCount(cluster) == 1, "the coffee photo's file is gone, the dog photo's kept for the dog image")
        let dogImage = try served(client, shared.jsonBody["url"]?.stringValue)
        #expect(dogImage.status == 200 && dogImage.body == dog)
        #expect(ids(try client.get("/v1/pets", headers: key)).isEmpty)
        // And the other way round: a pet photo keeps the file of a deleted dog image.
        let kept = try post(client, "/v1/pets", [("name", "Again")], images: [("dog.jpg", dog)], key: key).jsonBody
        #expect(try client.request("DELETE", "/v1/images/\(try #require(shared.jsonBody["id"]?.stringValue))", headers: key).status == 200)
        #expect(fileCount(cluster) == 1)
        #expect(try served(client, kept["images"]?[0]?["url"]?.stringValue).body == dog)
        #expect(try client.request("DELETE", "/v1/pets/\(try #require(kept["id"]?.stringValue))", headers: key).status == 200)
        #expect(fileCount(cluster) == 0)
    }

    @Test func imagesAreAddedWithTheirAgeUpToOneHundredPerPet() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let dog = try Fixtures.bytes("dog"), chicky = try Fixtures.bytes("chicky_512"), pixel = try Fixtures.bytes("pixel-1x1")
        let pet = try post(client, "/v1/pets", [("name", "Buddy")], images: [("dog.jpg", dog)], key: key).jsonBody
        let id = try #require(pet["id"]?.stringValue)
        #expect(pet["images"]?[0]?["pet_age_months"] == .null, "no ages and no date of birth")

        let added = try post(client, "/v1/pets/\(id)/images", [("age_years", "1"), ("age_months", "6"), ("description", "In the snow"),
                                                               ("poses", #"{"1":"top"}"#)],
                             images: [("chick.jpg", chicky), ("dog.jpg", dog)], key: key)
        #expect(added.status == 201, "\(added.text)")
        let images = try #require(added.jsonBody.arrayValue)
        #expect(images.count == 2 && images.allSatisfy { $0["pet_age_months"] == 18 && $0["description"] == "In the snow" && $0["pet_id"]?.stringValue == id })
        #expect(images[0]["pose"] == .null && images[1]["pose"] == "top")
        #expect(try served(client, images[0]["url"]?.stringValue).body == chicky)
        let all = try client.get("/v1/pets/\(id)", headers: key).jsonBody["images"]?.arrayValue ?? []
        #expect(all.compactMap { $0["id"]?.stringValue } == [pet["images"]?[0]?["id"]?.stringValue].compactMap { $0 } + ids(added), "upload order")
        #expect(Set(all.compactMap { $0["id"]?.stringValue }).count == 3)

        // Without ages, the age comes from the date of birth.
        let birth = PetAge.birthday(ageMonths: 7, on: today())
        #expect(try patch(client, id, ["date_of_birth": .string(birth.formatted)], key: key).status == 200)
        let dated = try post(client, "/v1/pets/\(id)/images", [], images: [("p.jpg", pixel)], key: key)
        #expect([7, 8].contains(dated.jsonBody[0]?["pet_age_months"]?.intValue ?? -1), "\(dated.text)")

        // 100 images a pet: 4 so far, 96 more fit, the 101st does not, and stores nothing.
        for count in [20, 20, 20, 20, 16] {
            let r = try post(client, "/v1/pets/\(id)/images", [], images: Array(repeating: ("p.jpg", pixel), count: count), key: key)
            #expect(r.status == 201 && r.jsonBody.arrayValue?.count == count, "\(r.text)")
        }
        let files = fileCount(cluster)
        let over = try post(client, "/v1/pets/\(id)/images", [], images: [("coffee.jpg", try Fixtures.bytes("coffee"))], key: key)
        #expect(over.status == 400 && over.text == "A pet may have at most 100 images: this one has 100, and 1 were sent")
        #expect(fileCount(cluster) == files)
        #expect(try client.get("/v1/pets/\(id)", headers: key).jsonBody["images"]?.arrayValue?.count == 100)

        let empty = try post(client, "/v1/pets/\(id)/images", [("description", "nothing")], key: key)
        #expect(empty.status == 400 && empty.text.hasPrefix("No images were sent"))
        #expect(try post(client, "/v1/pets/nothing-here/images", [], images: [("p.jpg", pixel)], key: key).status == 404)
    }

    @Test func portraitStylesAreListed() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let styles = try client.get("/v1/pets/portrait-styles", headers: key)
        #expect(styles.status == 200)
        #expect(styles.jsonBody == .array(PetJob.portraitStyles.map { ["name": .string($0.name), "description": .string($0.description)] }))
        #expect(styles.jsonBody.arrayValue?.contains { $0["name"] == "studio" } == true)
        #expect(try client.get("/v1/pets/portrait-styles").status == 401)
    }

    @Test func invalidRequestsAreRefusedAndStoreNothing() throws {
        let (cluster, client) = try gateway()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let dog = try Fixtures.bytes("dog"), pixel = try Fixtures.bytes("pixel-1x1")
        let future = PetAge.birthday(ageMonths: -2, on: today()).formatted
        let old = PetAge.birthday(ageMonths: 41 * 12, on: today()).formatted
        let twoYearsAgo = PetAge.birthday(ageMonths: 24, on: today()).formatted
        let cases: [(fields: [(String, String)], images: [(String, [UInt8])], message: String)] = [
            ([], Array(repeating: ("p.jpg", pixel), count: 21), "Too many images: at most 20 per request, 21 were sent"),
            ([], [("dog.jpg", dog), ("notes.txt", Array("just some text".utf8))], "images[1] (notes.txt) is not a JPEG or PNG image"),
            ([], [("dog.jpg", dog), ("cut.jpg", Array(dog.prefix(20)))], "images[1] (cut.jpg) is not a usable JPEG or PNG image: "),
            ([("poses", #"{"0":"sideways"}"#)], [("dog.jpg", dog)], "poses[0] is not a pose: use one of front, back, side, left, right, top, other"),
            ([("poses", #"{"1":"front"}"#)], [("dog.jpg", dog)], "poses names file index 1, but the images sent are numbered 0 to 0"),
            ([("poses", #"{"first":"front"}"#)], [("dog.jpg", dog)], "poses names file index first, but the images sent are numbered 0 to 0"),
            ([("poses", #"["front"]"#)], [("dog.jpg", dog)], #"poses must be a JSON object mapping file index to pose, e.g. {"0":"front","1":"side"}"#),
            ([("poses", "front")], [("dog.jpg", dog)], #"poses must be a JSON object mapping file index to pose, e.g. {"0":"front","1":"side"}"#),
            ([("age_months", "12")], [("dog.jpg", dog)], "age_months must be a whole number of months from 0 to 11"),
            ([("age_months", "-1")], [("dog.jpg", dog)], "age_months must be a whole number of months from 0 to 11"),
            ([("age_years", "-1")], [("dog.jpg", dog)], "age_years must be a whole number of years from 0 to 40"),
            ([("age_years", "41")], [("dog.jpg", dog)], "age_years must be a whole number of years from 0 to 40"),
            ([("age_years", "2.5")], [("dog.jpg", dog)], "age_years must be a whole number of years from 0 to 40"),
            ([("age_years", "two")], [("dog.jpg", dog)], "age_years must be a whole number of years from 0 to 40"),
            ([("date_of_birth", twoYearsAgo), ("age_years", "3")], [("dog.jpg", dog)],
             "date_of_birth \(twoYearsAgo) makes the pet 24 months old, but age_years and age_months say 36: send one or the other"),
            ([("date_of_birth", future)], [("dog.jpg", dog)], "date_of_birth \(future) is in the future"),
            ([("date_of_birth", old)], [("dog.jpg", dog)], "date_of_birth \(old) is more than 40 years and 11 months ago"),
            ([("date_of_birth", "15/06/2022")], [("dog.jpg", dog)], "date_of_birth must be a date as YYYY-MM-DD"),
            ([("date_of_birth", "2023-02-29")], [("dog.jpg", dog)], "date_of_birth must be a date as YYYY-MM-DD"),
            ([("breed_id", "999999")], [("dog.jpg", dog)], "breed_id 999999 is not a breed of the catalogue: use an id from GET /v1/breeds"),
            ([("breed_id", "labrador")], [("dog.jpg", dog)], "breed_id labrador is not a breed of the catalogue: use an id from GET /v1/breeds"),
            ([("species_id", "3")], [("dog.jpg", dog)], "species_id must be 1 (dog) or 2 (cat)"),
            ([("name", String(repeating: "n", count: 201))], [("dog.jpg", dog)], "name must be at most 200 characters"),
        ]
        for (fields, images, message) in cases {
            let refused = try post(client, "/v1/pets", fields, images: images, key: key)
            #expect(refused.status == 400, "\(fields): \(refused.status) \(refused.text)")
            #expect(refused.text.hasPrefix(message), "\(fields): \(refused.text)")
        }
        #expect(try client.get("/v1/pets", headers: key).headers["pagination-count"] == "0")
        #expect(fileCount(cluster) == 0)

        // The same rules for images added to a pet: nothing added, no file kept.
        let pet = try post(client, "/v1/pets", [("name", "Buddy")], key: key).jsonBody
        let id = try #require(pet["id"]?.stringValue)
        for fields in [[("poses", #"{"0":"upside-down"}"#)], [("age_months", "13")], [("poses", #"{"2":"front"}"#)]] {
            let refused = try post(client, "/v1/pets/\(id)/images", fields, images: [("dog.jpg", dog), ("pixel.jpg", pixel)], key: key)
            #expect(refused.status == 400, "\(fields): \(refused.text)")
        }
        #expect(try post(client, "/v1/pets/\(id)/images", [], images: [("dog.jpg", dog), ("bad.jpg", Array("no".utf8))], key: key).status == 400)
        #expect(try client.get("/v1/pets/\(id)", headers: key).jsonBody["images"] == .array([]))
        #expect(fileCount(cluster) == 0)
        #expect(try client.get("/v1/pets", headers: key).headers["pagination-count"] == "1")
    }

    @Test func agesCountWholeMonthsOnCalendarDays() throws {
        let day = { (text: String) in PetAge.day(text)! }
        #expect(PetAge.months(from: day("2022-06-15"), to: day("2025-12-14")) == 41)
        #expect(PetAge.months(from: day("2022-06-15"), to: day("2025-12-15")) == 42)
        #expect(PetAge.months(from: day("2024-01-31"), to: day("2024-02-29")) == 1, "a shorter month completes on its last day")
        #expect(PetAge.months(from: day("2024-01-31"), to: day("2024-02-28")) == 0)
        #expect(PetAge.birthday(ageMonths: 1, on: day("2024-03-31")) == day("2024-02-29"))
        #expect(PetAge.birthday(ageMonths: 14, on: day("2025-01-10")) == day("2023-11-10"))
        for months in [0, 1, 11, 12, 30, 491] {
            for today in ["2024-02-29", "2025-03-31", "2025-12-01", "2026-07-30"].map(day) {
                #expect(PetAge.months(from: PetAge.birthday(ageMonths: months, on: today), to: today) == months, "\(months) on \(today)")
            }
        }
        #expect(PetAge.day("2022-06-15T10:00:00.000Z") == day("2022-06-15"))
        for bad in ["2022-6-15", "2022-13-01", "2022-00-10", "2021-02-29", "20220615", "2022-06-15x", "abcd-ef-gh", ""] {
            #expect(PetAge.day(bad) == nil, "\(bad)")
        }
        #expect(PetAge.day(epoch: 0) == day("1970-01-01") && PetAge.day("0999-01-02")?.formatted == "0999-01-02")
    }
}
