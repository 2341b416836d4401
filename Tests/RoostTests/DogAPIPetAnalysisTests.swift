import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// The pet analyses end to end: real photos and composites through the real gateway, a real
/// `pet` worker (MobileNetV2 localisation, silhouette measurement, portraits) and Redis.
@Suite(.serialized) struct DogAPIPetAnalysisTests {
    private func cluster() throws -> (Cluster, TestClient) {
        // Generous sync timeout: CI shares its cores; the analyses answer 202 past it.
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "pet", "ROOST_WORKER_THREADS": "2", "ROOST_SYNC_TIMEOUT": "120"])
        try cluster.startGateway()
        try cluster.startWorker()
        return (cluster, try TestClient(port: cluster.httpPort))
    }

    private func newKey(_ client: TestClient, _ name: String) throws -> [(String, String)] {
        let created = try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                                         body: Array(JSON.object([("name", .string(name))]).serialized().utf8))
        #expect(created.status == 201, "\(created.text)")
        return [("x-api-key", created.jsonBody["api_key"]?.stringValue ?? "")]
    }

    /// Creates a pet with `photos` (bytes, pose) and `fields`; returns its id.
    private func pet(_ client: TestClient, _ key: [(String, String)], _ photos: [([UInt8], String?)],
                     fields: [(String, String)] = [("name", "Rex")]) throws -> String {
        var poses: [(String, JSON)] = []
        for (index, photo) in photos.enumerated() { if let pose = photo.1 { poses.append((String(index), .string(pose))) } }
        var parts: [(String, String?, [UInt8])] = fields.map { ($0.0, nil, Array($0.1.utf8)) }
        if !poses.isEmpty { parts.append(("poses", nil, Array(JSON.object(poses).serialized().utf8))) }
        for (index, photo) in photos.enumerated() { parts.append(("images", "photo\(index).jpg", photo.0)) }
        let created = try client.multipart("/v1/pets", parts: parts, headers: key)
        #expect(created.status == 201, "\(created.text)")
        return try #require(created.jsonBody["id"]?.stringValue)
    }

    private func analyse(_ client: TestClient, _ key: [(String, String)], _ id: String, _ analysis: String) throws -> JSON {
        let answer = try client.request("POST", "/v1/pets/\(id)/\(analysis)", headers: key)
        #expect(answer.status == 200, "\(answer.text)")
        return answer.jsonBody
    }

    /// The malamute cut-out composited onto `coffee.jpg`, stretched by `across` vertically, as a JPEG.
    private func composite(across: Double) throws -> [UInt8] {
        try JPEGEncoder.encode(PetSilhouetteTests.malamute(across: across).image, quality: 92)
    }

    @Test("genealogy: the malamute-type dog and the Pekinese rank their breeds first, recorded on the pet")
    func genealogyOfKnownBreeds() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "breeder")
        for (photo, breed) in [("dog", "Malamute"), ("chicky_512", "Pekingese")] {
            let id = try pet(client, key, [(try Fixtures.bytes(photo), "front")])
            let answer = try analyse(client, key, id, "genealogy")
            let genealogy = answer["genealogy"]
            #expect(genealogy?["primary_breed"]?["label"]?.stringValue?.contains(breed) == true, "\(answer.serialized())")
            #expect((genealogy?["primary_breed"]?["confidence"]?.doubleValue ?? 0) > 0.3)
            #expect(genealogy?["breed_probabilities"]?["ids"]?.arrayValue?.count ?? 0 >= 3)
            #expect(genealogy?["mixed_breed_reasoning"]?.stringValue?.contains("%") == true)
            #expect(answer["method"]?.stringValue?.contains("mobilenet_v2") == true && answer["confidence"]?.doubleValue != nil)
            let recorded = try client.get("/v1/pets/\(id)", headers: key).jsonBody
            #expect(recorded["genealogy_result"]?["primary_breed"] == genealogy?["primary_breed"])
            #expect(recorded["genealogy_timestamp"]?.stringValue != nil)
            #expect(recorded["analyses"]?["genealogy"]?["method"] == answer["method"])
        }
    }

    @Test("body condition: a composite stretched deeper scores higher than the original, a shallower one lower")
    func bodyConditionFollowsTheSilhouette() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "vet")
        var scores: [Double: Int] = [:], answers: [String] = []
        for across in [0.75, 1.0, 1.3] {
            let id = try pet(client, key, [(try composite(across: across), "side")])
            let answer = try analyse(client, key, id, "body-condition-score")
            scores[across] = answer["score"]?.intValue
            answers.append(answer["measurements"]?.serialized() ?? "")
            #expect(answer["reasons"]?.stringValue?.contains("tuck ratio") == true, "\(answer.serialized())")
            #expect(answer["measurements"]?["photos"]?[0]?["chest_depth"]?.doubleValue != nil)
            let muscle = try analyse(client, key, id, "muscle-condition-score")
            #expect(muscle["wasting_risk_flag"]?.boolValue != nil, "\(muscle.serialized())")
            let recorded = try client.get("/v1/pets/\(id)", headers: key).jsonBody
            #expect(recorded["body_condition_score"]?.intValue == scores[across])
            #expect(recorded["muscle_wasting_risk"]?.boolValue == muscle["wasting_risk_flag"]?.boolValue)
        }
        let narrow = try #require(scores[0.75]), original = try #require(scores[1.0]), wide = try #require(scores[1.3])
        #expect(narrow < original && original < wide, "\(scores) \(answers)")
    }

    @Test("photos without a dog give null scores with reasons; a date of birth gives the exact age")
    func noDogMeansNoNumbers() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "owner")
        let id = try pet(client, key, [(try Fixtures.bytes("coffee"), "side"), (try Fixtures.bytes("left01"), nil)])
        let condition = try analyse(client, key, id, "body-condition-score")
        #expect(condition["score"] == .null && condition["confidence"]?.doubleValue == 0)
        #expect(condition["reasons"]?.stringValue?.contains("no dog or cat was found") == true, "\(condition.serialized())")
        #expect(try analyse(client, key, id, "muscle-condition-score")["wasting_risk_flag"] == .null)
        #expect(try analyse(client, key, id, "genealogy")["genealogy"]?["primary_breed"] == .null)
        let age = try analyse(client, key, id, "estimated-age")
        #expect(age["age_months"] == .null && age["reasons"]?.stringValue?.contains("No estimate") == true)
        let portrait = try client.request("POST", "/v1/pets/\(id)/portrait", headers: key + [("Content-Type", "application/json")],
                                          body: Array(#"{"style":"studio"}"#.utf8))
        #expect(portrait.status == 400 && portrait.text.hasPrefix("NO_ANIMAL_FOUND"), "\(portrait.text)")

        let born = try pet(client, key, [(try Fixtures.bytes("dog"), nil)], fields: [("name", "Old"), ("date_of_birth", "2019-03-10")])
        let exact = try analyse(client, key, born, "estimated-age")
        let months = try #require(PetAnalyses.monthsSince("2019-03-10", now: Date().timeIntervalSince1970))
        #expect(exact["age_months"]?.intValue == months && exact["method"]?.stringValue == "date_of_birth", "\(exact.serialized())")
        #expect(try client.get("/v1/pets/\(born)", headers: key).jsonBody["estimated_age_months"]?.intValue == months)
    }

    @Test("a portrait is a stored JPEG of the pet in the style, the same for the same input, different between styles")
    func portraits() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "artist")
        let id = try pet(client, key, [(try Fixtures.bytes("coffee"), "front"), (try composite(across: 1), "side")])
        var files: [String: [UInt8]] = [:]
        for style in ["studio", "pack_leader", "studio"] {
            let made = try client.request("POST", "/v1/pets/\(id)/portrait", headers: key + [("Content-Type", "application/json")],
                                          body: Array(JSON.object([("style", .string(style))]).serialized().utf8))
            #expect(made.status == 201, "\(made.text)")
            let document = made.jsonBody
            #expect(document["pet_id"]?.stringValue == id && document["style"]?.stringValue == style)
            #expect(document["width"]?.intValue == 640 && document["height"]?.intValue == 480)
            #expect(document["pose"]?.stringValue == "side")  // the photo with the dog, not the coffee cup
            let url = try #require(document["url"]?.stringValue)
            let served = try client.get(String(url[url.range(of: "/images/")!.lowerBound...]))
            #expect(served.status == 200 && served.headers["content-type"] == "image/jpeg")
            let image = try ImageDecoder.decode(served.body).image
            #expect(image.width == 640 && image.height == 480)
            if let earlier = files[style] { #expect(earlier == served.body) }  // deterministic
            files[style] = served.body
        }
        #expect(files["studio"] != files["pack_leader"])
        let listed = try client.get("/v1/pets/\(id)", headers: key).jsonBody["portraits"]?.arrayValue ?? []
        #expect(listed.count == 3)
        let refused = try client.request("POST", "/v1/pets/\(id)/portrait", headers: key + [("Content-Type", "application/json")],
                                         body: Array(#"{"style":"cubist"}"#.utf8))
        #expect(refused.status == 400 && refused.text.contains("INVALID_STYLE"))
    }
}
