import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// TheDogAPI votes, favourites, search and public requests, rate limits and quotas, against the
/// real gateway and a real `classify` worker.
@Suite(.serialized) struct DogAPICommunityTests {
    private func cluster(_ environment: [String: String] = [:], worker: Bool = true) throws -> (Cluster, TestClient) {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify", "ROOST_WORKER_THREADS": "1"].merging(environment) { $1 })
        try cluster.startGateway()
        if worker { try cluster.startWorker() }
        return (cluster, try TestClient(port: cluster.httpPort))
    }

    private func newKey(_ client: TestClient, _ name: String, admin: Bool = false) throws -> String {
        let body = JSON.object([("name", .string(name)), ("admin", .bool(admin))])
        return try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                                  body: Array(body.serialized().utf8)).jsonBody["api_key"]?.stringValue ?? ""
    }

    private func post(_ client: TestClient, _ path: String, _ body: JSON, key: String, method: String = "POST") throws -> RawHTTPResponse {
        try client.request(method, path, headers: [("x-api-key", key), ("Content-Type", "application/json")], body: Array(body.serialized().utf8))
    }

    /// Uploads and waits for the review; returns the image document.
    private func reviewed(_ client: TestClient, _ bytes: [UInt8], key: String, query: String = "", filename: String = "photo.jpg") throws -> JSON {
        let r = try client.upload("/v1/images/upload-sync\(query)", file: bytes, filename: filename, headers: [("x-api-key", key)])
        #expect([201, 400].contains(r.status), "\(r.text)")
        return r.jsonBody
    }

    @Test func votesAndFavouritesBelongToTheirAccount() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let alice = try newKey(client, "alice"), bob = try newKey(client, "bob")
        let image = try reviewed(client, try Fixtures.bytes("dog"), key: alice)
        let imageID = try #require(image["id"]?.stringValue)

        let vote = try post(client, "/v1/votes", ["image_id": .string(imageID), "value": 1, "sub_id": "u1", "country_code": "au"], key: alice)
        #expect(vote.status == 201, "\(vote.text)")
        #expect(vote.jsonBody["message"]?.stringValue == "SUCCESS" && vote.jsonBody["country_code"]?.stringValue == "AU")
        let voteID = try #require(vote.jsonBody["id"]?.intValue)
        _ = try post(client, "/v1/votes", ["image_id": .string(imageID), "value": -1], key: alice)
        let shown = try client.get("/v1/votes/\(voteID)", headers: [("x-api-key", alice)]).jsonBody
        #expect(shown.objectValue?.map(\.0) == ["id", "image_id", "sub_id", "created_at", "value", "country_code", "image"])
        #expect(shown["image"]?["id"]?.stringValue == imageID && shown["image"]?["url"]?.stringValue?.hasSuffix("/images/\(imageID).jpg") == true)
        let votes = try client.get("/v1/votes?order=DESC", headers: [("x-api-key", alice)])
        #expect(votes.jsonBody.arrayValue?.compactMap { $0["value"]?.intValue } == [-1, 1])
        #expect(votes.headers["pagination-count"] == "2")
        #expect(try client.get("/v1/votes?sub_id=u1", headers: [("x-api-key", alice)]).jsonBody.arrayValue?.count == 1)
        #expect(try post(client, "/v1/votes", ["image_id": .string(imageID), "value": 5], key: alice).status == 400)
        #expect(try post(client, "/v1/votes", ["value": 1], key: alice).status == 400)
        // Bob sees neither Alice's votes nor her private image.
        #expect(try client.get("/v1/votes/\(voteID)", headers: [("x-api-key", bob)]).status == 404)
        #expect(try client.get("/v1/votes", headers: [("x-api-key", bob)]).jsonBody.arrayValue?.isEmpty == true)
        #expect(try post(client, "/v1/votes", ["image_id": .string(imageID), "value": 1], key: bob).status == 400)

        let favourite = try post(client, "/v1/favourites", ["image_id": .string(imageID), "sub_id": "u1"], key: alice)
        #expect(favourite.status == 200)
        let favouriteID = try #require(favourite.jsonBody["id"]?.intValue)
        #expect(favourite.jsonBody == ["message": "SUCCESS", "id": .int(favouriteID)])
        let duplicate = try post(client, "/v1/favourites", ["image_id": .string(imageID), "sub_id": "u1"], key: alice)
        #expect(duplicate.status == 400)
        #expect(duplicate.text == "DUPLICATE_FAVOURITE - favourites are unique for account + image_id + sub_id")
        #expect(try post(client, "/v1/favourites", ["image_id": .string(imageID), "sub_id": "u2"], key: alice).status == 200)
        #expect(try post(client, "/v1/favourites", ["image_id": .string(imageID)], key: alice).status == 200)
        #expect(try client.get("/v1/favourites?sub_id=u2", headers: [("x-api-key", alice)]).jsonBody.arrayValue?.count == 1)
        let one = try client.get("/v1/favourites/\(favouriteID)", headers: [("x-api-key", alice)]).jsonBody
        #expect(one["image_id"]?.stringValue == imageID && one["sub_id"]?.stringValue == "u1")
        #expect(try client.get("/v1/favourites/\(favouriteID)", headers: [("x-api-key", bob)]).status == 404)
        #expect(try client.request("DELETE", "/v1/favourites/\(favouriteID)", headers: [("x-api-key", bob)]).status == 404)
        #expect(try client.request("DELETE", "/v1/favourites/\(favouriteID)", headers: [("x-api-key", alice)]).jsonBody == ["message": "SUCCESS"])
        #expect(try client.request("DELETE", "/v1/favourites/\(favouriteID)", headers: [("x-api-key", alice)]).status == 404)
        // Sub-ids count what carries them.
        let subs = try client.get("/v1/sub-ids", headers: [("x-api-key", alice)]).jsonBody.arrayValue ?? []
        #expect(subs.first { $0["sub_id"]?.stringValue == "u1" }?["votes"]?.intValue == 1)
        #expect(subs.first { $0["sub_id"]?.stringValue == "u2" }?["favourites"]?.intValue == 1)
    }

    @Test func searchFindsReviewedImagesByFilterAndPublicOnesForEverybody() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let alice = try newKey(client, "alice"), bob = try newKey(client, "bob"), admin = try newKey(client, "admin", admin: true)
        let dogJPEG = try Fixtures.bytes("dog")
        let dogPNG = StoredPNG.encode(try ImageDecoder.decode(dogJPEG, options: DecodeOptions(applyOrientation: true)).image)
        let jpg = try reviewed(client, dogJPEG, key: alice)
        let png = try reviewed(client, dogPNG, key: alice, filename: "dog.png")
        let cat = try reviewed(client, try Fixtures.bytes("chelsea"), key: alice, query: "?species_id=2")
        let unsafe = try client.upload("/v1/images/upload-sync", file: try Fixtures.bytes("eagle"), headers: [("x-api-key", alice)])
        #expect(unsafe.status == 400)
        let ids = [jpg, png, cat].compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 3)
        let malamute = try #require(jpg["breeds"]?[0]?["id"]?.intValue)

        func search(_ query: String, key: String? = nil) throws -> (ids: [String], response: RawHTTPResponse) {
            let r = try client.get("/v1/images/search?\(query)", headers: key.map { [("x-api-key", $0)] } ?? [])
            #expect(r.status == 200, "\(query): \(r.text)")
            return (r.jsonBody.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [], r)
        }
        // Paging in order visits each reviewed image once; the unsafe one never shows.
        var seen: [String] = []
        for page in 0..<4 { seen += try search("order=ASC&limit=1&page=\(page)", key: alice).ids }
        #expect(seen == ids)
        #expect(try search("order=DESC&limit=10", key: alice).ids == ids.reversed())
        #expect(try search("order=ASC&limit=10", key: alice).response.headers["pagination-count"] == "3")
        #expect(Set(try search("limit=10&order=RAND", key: alice).ids) == Set(ids))
        #expect(try search("", key: alice).ids.count == 1, "one random image by default")
        #expect(try search("limit=10&order=ASC&mime_types=png", key: alice).ids == [ids[1]])
        #expect(try search("limit=10&order=ASC&mime_types=jpg&mime_types=png", key: alice).ids == ids)
        #expect(try search("limit=10&order=ASC&has_breeds=False", key: alice).ids == [ids[2]])
        #expect(try search("limit=10&order=ASC&has_breeds=1", key: alice).ids == Array(ids.prefix(2)))
        #expect(try search("limit=10&order=ASC&breed_ids=\(malamute)", key: alice).ids == Array(ids.prefix(2)))
        #expect(try search("limit=10&order=ASC&breed_ids=&mime_types=&sub_id=", key: alice).ids == ids, "empty parameters are ignored")
        let src = try client.get("/v1/images/search?format=src&order=ASC", headers: [("x-api-key", alice)])
        #expect(src.status == 302 && src.headers["location"]?.hasSuffix("/images/\(ids[0]).jpg") == true)
        // Nothing is public yet: strangers and other accounts find nothing.
        #expect(try search("limit=10").ids.isEmpty)
        #expect(try search("limit=10", key: bob).ids.isEmpty)

        // A public request, approved by an admin, makes the image public.
        #expect(try client.get("/v1/images/\(ids[0])/public-requests/status", headers: [("x-api-key", alice)]).jsonBody == ["status": "none"])
        let asked = try post(client, "/v1/images/\(ids[0])/public-requests", ["request_message": "our best dog"], key: alice)
        #expect(asked.status == 201 && asked.jsonBody["status"]?.stringValue == "pending", "\(asked.text)")
        #expect(try post(client, "/v1/images/\(ids[0])/public-requests", [:], key: alice).status == 400)
        #expect(try post(client, "/v1/images/\(ids[0])/public-requests", ["status": "approved"], key: alice, method: "PATCH").status == 403)
        let approved = try post(client, "/v1/images/\(ids[0])/public-requests", ["status": "approved", "admin_message": "lovely"], key: admin,
                                method: "PATCH")
        #expect(approved.status == 200 && approved.jsonBody["status"]?.stringValue == "approved", "\(approved.text)")
        #expect(try search("limit=10").ids == [ids[0]])
        #expect(try search("limit=10", key: bob).ids == [ids[0]])
        #expect(try client.get("/v1/images/\(ids[0])").jsonBody["id"]?.stringValue == ids[0], "a public image is readable by anybody")
        #expect(try client.get("/v1/images/\(ids[1])").status == 404, "a private one is not")
        #expect(try post(client, "/v1/votes", ["image_id": .string(ids[0]), "value": 1], key: bob).status == 201)
        // Deleting an image takes it out of search, for everybody.
        #expect(try client.request("DELETE", "/v1/images/\(ids[0])", headers: [("x-api-key", alice)]).status == 200)
        #expect(try search("limit=10").ids.isEmpty)
        #expect(try search("limit=10&order=ASC", key: alice).ids == Array(ids.dropFirst()))
    }

    @Test func rateLimitsAndQuotasAnswerWithTheRealHeaders() throws {
        let (cluster, client) = try cluster(["ROOST_DOGAPI_RATE_LIMIT": "5", "ROOST_DOGAPI_UPLOAD_QUOTA": "1"], worker: false)
        defer { withExtendedLifetime(cluster) {} }
        let busy = try newKey(client, "busy"), calm = try newKey(client, "calm")
        var remaining: [String] = []
        for _ in 0..<5 {
            let r = try client.get("/v1/images", headers: [("x-api-key", busy)])
            #expect(r.status == 200 && r.headers["ratelimit-limit"] == "5")
            remaining.append(r.headers["ratelimit-remaining"] ?? "")
        }
        #expect(remaining == ["4", "3", "2", "1", "0"])
        let refused = try client.get("/v1/images", headers: [("x-api-key", busy)])
        #expect(refused.status == 429)
        #expect(Int(refused.headers["retry-after-seconds"] ?? "") ?? 0 >= 1 && refused.headers["ratelimit-reset"] != nil)
        // Another key has its own budget.
        #expect(try client.upload("/v1/images/upload", file: try Fixtures.bytes("dog"), headers: [("x-api-key", calm)]).status == 201)
        let over = try client.upload("/v1/images/upload", file: try Fixtures.bytes("chelsea"), headers: [("x-api-key", calm)])
        #expect(over.status == 403 && over.text.hasPrefix("UPLOAD_QUOTA_EXCEEDED"), "\(over.text)")
        #expect(try client.get("/v1/accounts/quota", headers: [("x-api-key", calm)]).jsonBody == ["quota": 1, "usage": 1, "remaining": 0])
        #expect(try client.get("/v1/accounts/features", headers: [("x-api-key", calm)]).jsonBody.arrayValue?.isEmpty == false)
        #expect(try client.get("/v1/accounts/1/overview", headers: [("x-api-key", calm)]).status == 403)
    }

    /// An account body that is not JSON, or holds invalid UTF-8 (which is not JSON either), is the
    /// client's mistake: 400 with the route's message, not an internal error, and no account.
    @Test func accountBodiesThatAreNotJSONAre400() throws {
        let (cluster, client) = try cluster(worker: false)
        defer { withExtendedLifetime(cluster) {} }
        let bodies: [[UInt8]] = [Array("{".utf8), Array("not json".utf8), Array(#"{"name": "A"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)]
        for body in bodies {
            let response = try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 400, "\(body): \(response.text)")
        }
        #expect(try newKey(client, "after").isEmpty == false)
    }
}

/// Breeds, facts, categories, health tips and breed bans over HTTP: public, paged, filterable;
/// admins add entries.
@Suite struct DogAPICatalogueTests {
    @Test func referenceRoutesAnswerWithoutAKeyAndAdminsAddEntries() throws {
        let cluster = try Cluster()
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        let client = try TestClient(port: cluster.httpPort)
        let all = try client.get("/v1/breeds")
        #expect(all.status == 200 && all.headers["content-type"]?.hasPrefix("application/json") == true)
        let breeds = try #require(all.jsonBody.arrayValue)
        #expect(breeds.count == DogCatalogue.standard.breeds.count)
        #expect(breeds.compactMap { $0["name"]?.stringValue } == breeds.compactMap { $0["name"]?.stringValue }.sorted())
        // Pages: limit + zero-based page, no repeats, headers.
        var seen: [Int] = []
        for page in 0..<20 {
            let r = try client.get("/v1/breeds?limit=10&page=\(page)")
            #expect(r.headers["pagination-count"] == String(breeds.count) && r.headers["pagination-limit"] == "10")
            seen += r.jsonBody.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
        }
        #expect(seen.count == breeds.count && Set(seen).count == seen.count)
        let toys = try client.get("/v1/breeds?breed_groups=Toy,Hound&exclude_breed_groups=Hound").jsonBody.arrayValue ?? []
        #expect(!toys.isEmpty && toys.allSatisfy { $0["breed_group"]?.stringValue == "Toy" })
        let malamute = try client.get("/v1/breeds/4").jsonBody
        #expect(malamute["name"]?.stringValue == "Alaskan Malamute" && malamute["weight"]?["metric"]?.stringValue == "34 - 39")
        #expect(try client.get("/v1/breeds/9999").status == 404)
        #expect(try client.get("/v1/breeds/search?q=RETRIEVER").jsonBody.arrayValue?.count == 5)
        #expect(try client.get("/v1/breeds/breed-groups").jsonBody.arrayValue?.contains { $0["name"]?.stringValue == "Sporting" } == true)

        // Facts: list, filters, random, by breed, by id.
        let facts = try client.get("/v1/facts?limit=100").jsonBody.arrayValue ?? []
        #expect(facts.count == DogFacts.all.count)
        #expect(facts[0].objectValue?.map(\.0) == ["id", "title", "fact", "slug", "species_id", "breed_id"])
        #expect(try client.get("/v1/facts?limit=5&offset=5").jsonBody.arrayValue?.first?["id"] == facts[5]["id"])
        #expect(try client.get("/v1/facts/breed/11").jsonBody.arrayValue?.allSatisfy { $0["breed_id"]?.intValue == 11 } == true)
        #expect(try client.get("/v1/facts/breed/11/random").jsonBody["breed_id"]?.intValue == 11)
        #expect(try client.get("/v1/facts/random").jsonBody["fact"]?.stringValue?.isEmpty == false)
        #expect(try client.get("/v1/facts/species/1/random").status == 200)
        #expect(try client.get("/v1/facts/\(facts[2]["id"]?.stringValue ?? "")").jsonBody == facts[2])
        #expect(try client.get("/v1/facts/nope").status == 404)
        #expect(try client.get("/v1/breeds/11/facts").jsonBody.arrayValue?.isEmpty == false)
        #expect(try client.get("/v1/categories").jsonBody.arrayValue?.contains { $0["name"]?.stringValue == "hats" } == true)
        #expect(try client.get("/v1/categories/5").jsonBody["name"]?.stringValue == "boxes")
        #expect(try client.get("/v1/health-tips?breed_id=54").jsonBody.arrayValue?.count == 1)
        #expect(try client.get("/v1/health-tips/1").jsonBody["title"]?.stringValue == "Yearly check-up")

        // Breed bans.
        let countries = try client.get("/v1/breeds/bans/countries").jsonBody.arrayValue ?? []
        #expect(countries.contains { $0["country_code"]?.stringValue == "GB" && $0["legislation_count"]?.intValue == 2 })
        let uk = try client.get("/v1/breeds/bans/country?country=gb&approach=ban").jsonBody
        #expect(uk["country"]?["name"]?.stringValue == "United Kingdom" && uk["legislation"]?.arrayValue?.count == 2)
        #expect(try client.get("/v1/breeds/bans/country").status == 400)
        let pitBull = try client.get("/v1/breeds/bans/breed/120").jsonBody.arrayValue ?? []
        let pitBullCountries = Set(pitBull.compactMap { $0["country_code"]?.stringValue })
        #expect(pitBullCountries.isSuperset(of: ["GB", "DK", "DE", "NO", "FR", "IE"]))

        // Admins add entries; other keys may not.
        func key(_ admin: Bool) throws -> String {
            try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                               body: Array(JSON.object([("name", "k"), ("admin", .bool(admin))]).serialized().utf8)).jsonBody["api_key"]?.stringValue ?? ""
        }
        let admin = try key(true), user = try key(false)
        let fact = JSON.object([("title", "Sled dogs"), ("fact", "Huskies can run over 100 miles a day."), ("breed_id", 99)])
        #expect(try client.request("POST", "/v1/facts", headers: [("x-api-key", user), ("Content-Type", "application/json")],
                                   body: Array(fact.serialized().utf8)).status == 403)
        let added = try client.request("POST", "/v1/facts", headers: [("x-api-key", admin), ("Content-Type", "application/json")],
                                       body: Array(fact.serialized().utf8))
        #expect(added.status == 201 && added.jsonBody["slug"]?.stringValue == "sled-dogs", "\(added.text)")
        #expect(try client.get("/v1/facts/breed/99").jsonBody.arrayValue?.contains { $0["title"]?.stringValue == "Sled dogs" } == true)
        let category = try client.request("POST", "/v1/categories", headers: [("x-api-key", admin), ("Content-Type", "application/json")],
                                          body: Array(#"{"name": "beaches"}"#.utf8))
        #expect(category.status == 201)
        #expect(try client.get("/v1/categories/\(category.jsonBody["id"]?.intValue ?? 0)").jsonBody["name"]?.stringValue == "beaches")
    }
}
