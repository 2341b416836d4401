import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// TheDogAPI images through the review pipeline against the real gateway, a real `classify` worker
/// with the real model and a real Redis: upload → to_be_reviewed → labelled with the right breed,
/// unsafe without a dog, upload-sync both ways, base64 and PNG uploads, keys and isolation.
@Suite(.serialized) struct DogAPIImageTests {
    private func cluster() throws -> (Cluster, TestClient) {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify", "ROOST_WORKER_THREADS": "1"])
        try cluster.startGateway()
        try cluster.startWorker()
        return (cluster, try TestClient(port: cluster.httpPort))
    }

    /// A new account's API key (the admin route answers on loopback when no ops token is set).
    private func newKey(_ client: TestClient, _ name: String) throws -> String {
        let created = try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                                         body: Array(JSON.object([("name", .string(name))]).serialized().utf8))
        #expect(created.status == 201, "\(created.text)")
        return created.jsonBody["api_key"]?.stringValue ?? ""
    }

    /// Polls the image's status until it leaves `to_be_reviewed`.
    private func reviewed(_ client: TestClient, _ id: String, key: String) -> String? {
        var status: String?
        _ = waitUntil(timeout: 120, interval: 0.05) {
            status = try? client.get("/v1/images/\(id)/status", headers: [("x-api-key", key)]).jsonBody["status"]?.stringValue
            return status != nil && status != "to_be_reviewed"
        }
        return status
    }

    @Test func aDogPhotoIsReviewedAndLabelledWithItsBreed() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "alice")
        let dog = try Fixtures.bytes("dog")
        let uploaded = try client.upload("/v1/images/upload?sub_id=user-7", file: dog, filename: "rex.jpg", headers: [("x-api-key", key)])
        #expect(uploaded.status == 201, "\(uploaded.text)")
        #expect(uploaded.headers["content-type"]?.hasPrefix("application/json") == true)
        let body = uploaded.jsonBody
        let id = try #require(body["id"]?.stringValue)
        #expect(id.range(of: "^[0-9A-Za-z_-]{9}$", options: .regularExpression) != nil)
        #expect(body["sub_id"]?.stringValue == "user-7" && body["original_filename"]?.stringValue == "rex.jpg")
        #expect(body["width"]?.intValue == 768 && body["height"]?.intValue == 576, "\(body)")
        #expect(body["links"]?["status"]?.stringValue == "/v1/images/\(id)/status")
        #expect(["to_be_reviewed", "labelled"].contains(body["status"]?.stringValue ?? ""))

        #expect(reviewed(client, id, key: key) == "labelled", "\(cluster.log("test-worker-1.log"))")
        let image = try client.get("/v1/images/\(id)", headers: [("x-api-key", key)]).jsonBody
        let breed = try #require(image["breeds"]?[0])
        #expect(breed["name"]?.stringValue?.contains("Malamute") == true, "\(image)")
        #expect(breed["weight"]?["metric"] != nil && breed["height"]?["imperial"] != nil)
        #expect(image["approved"]?.intValue == 1 && image["pending"]?.intValue == 0)
        #expect(image["created_at"]?.stringValue?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
        let status = try client.get("/v1/images/\(id)/status", headers: [("x-api-key", key)]).jsonBody
        #expect(status.objectValue?.map(\.0) == ["id", "status", "updated_at"])
        let analysis = try client.get("/v1/images/\(id)/analysis", headers: [("x-api-key", key)]).jsonBody
        #expect(analysis.arrayValue?.count == 1)
        #expect(analysis[0]?["labels"]?[0]?["Name"]?.stringValue == "malamute", "\(analysis)")
        #expect((analysis[0]?["labels"]?[0]?["Confidence"]?.doubleValue ?? 0) > 50)

        // The bytes are served at the image's URL.
        let url = try #require(image["url"]?.stringValue)
        let path = String(url[url.range(of: "/images/")!.lowerBound...])
        let served = try client.get(path)
        #expect(served.status == 200 && served.body == dog && served.headers["content-type"] == "image/jpeg")

        // Deleting removes the image, its URL and (no other image uses them) its bytes.
        #expect(try client.request("DELETE", "/v1/images/\(id)", headers: [("x-api-key", key)]).jsonBody == ["message": "SUCCESS"])
        #expect(try client.get("/v1/images/\(id)", headers: [("x-api-key", key)]).status == 404)
        #expect(try client.get(path).status == 404)
    }

    @Test func aPhotoWithoutADogIsUnsafeAndUploadSyncSaysSo() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let key = try newKey(client, "bob")
        let eagle = try client.upload("/v1/images/upload", file: try Fixtures.bytes("eagle"), headers: [("x-api-key", key)])
        let id = try #require(eagle.jsonBody["id"]?.stringValue)
        #expect(reviewed(client, id, key: key) == "unsafe")
        let image = try client.get("/v1/images/\(id)", headers: [("x-api-key", key)]).jsonBody
        #expect(image["unsafe_reasons"]?[0]?.stringValue?.contains("no dog found") == true, "\(image)")
        #expect(image["breeds"]?.arrayValue?.isEmpty == true && image["approved"]?.intValue == 0)

        // upload-sync waits: the real service's text (typo included) when there is no dog.
        let refused = try client.upload("/v1/images/upload-sync", file: try Fixtures.bytes("eagle-marked"), headers: [("x-api-key", key)])
        #expect(refused.status == 400)
        #expect(refused.text == "Classifcation failed: correct animal not found.")
        // A PNG of a dog, sent as base64 JSON: labelled before the answer.
        let pixels = try ImageDecoder.decode(try Fixtures.bytes("dog"), options: DecodeOptions(applyOrientation: true)).image
        let png = StoredPNG.encode(pixels)
        let json = JSON.object([("type", "base64"), ("image", .string(Data(png).base64EncodedString())), ("sub_id", "b64")])
        let synced = try client.request("POST", "/v1/images/upload-sync", headers: [("x-api-key", key), ("Content-Type", "application/json")],
                                        body: Array(json.serialized().utf8))
        #expect(synced.status == 201, "\(synced.text)")
        #expect(synced.jsonBody["status"]?.stringValue == "labelled" && synced.jsonBody["mime_type"]?.stringValue == "image/png")
        #expect(synced.jsonBody["breeds"]?[0]?["name"]?.stringValue?.contains("Malamute") == true, "\(synced.text)")
        #expect(synced.jsonBody["sub_id"]?.stringValue == "b64")
        // A cat for species 2 is clean (the catalogue names dog breeds only).
        let cat = try client.upload("/v1/images/upload-sync?species_id=2", file: try Fixtures.bytes("chelsea"), headers: [("x-api-key", key)])
        #expect(cat.status == 201 && cat.jsonBody["status"]?.stringValue == "clean", "\(cat.text)")
    }

    @Test func keysAreRequiredAndAccountsSeeOnlyTheirOwnImages() throws {
        let (cluster, client) = try cluster()
        defer { withExtendedLifetime(cluster) {} }
        let alice = try newKey(client, "alice"), bob = try newKey(client, "bob")
        #expect(alice != bob && alice.count > 40)
        let none = try client.upload("/v1/images/upload", file: try Fixtures.bytes("dog"))
        #expect(none.status == 401)
        #expect(none.text == "AUTHENTICATION_ERROR - you need to send your API Key as the 'x-api-key' header")
        #expect(try client.upload("/v1/images/upload", file: try Fixtures.bytes("dog"), headers: [("x-api-key", "nope")]).status == 401)

        var ids: [String] = []
        for (i, fixture) in ["dog", "chelsea", "eagle"].enumerated() {
            let r = try client.upload("/v1/images/upload?api_key=\(alice)&sub_id=s\(i % 2)", file: try Fixtures.bytes(fixture))
            ids.append(try #require(r.jsonBody["id"]?.stringValue))
        }
        let page = try client.get("/v1/images/?limit=2&page=0&order=ASC", headers: [("x-api-key", alice)])
        #expect(page.headers["pagination-count"] == "3" && page.headers["pagination-limit"] == "2" && page.headers["pagination-page"] == "0")
        #expect(page.jsonBody.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
        let second = try client.get("/v1/images?limit=2&page=1&order=ASC", headers: [("x-api-key", alice)]).jsonBody
        #expect(second.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2]])
        #expect(try client.get("/v1/images?sub_id=s1", headers: [("x-api-key", alice)]).jsonBody.arrayValue?.count == 1)

        // Bob sees none of them, cannot read, poll or delete them.
        #expect(try client.get("/v1/images", headers: [("x-api-key", bob)]).jsonBody.arrayValue?.isEmpty == true)
        let foreign = try client.get("/v1/images/\(ids[0])", headers: [("x-api-key", bob)])
        #expect(foreign.status == 404 && foreign.jsonBody == ["message": "Image not found"])
        #expect(try client.get("/v1/images/\(ids[0])/status", headers: [("x-api-key", bob)]).status == 404)
        #expect(try client.request("DELETE", "/v1/images/\(ids[0])", headers: [("x-api-key", bob)]).status == 404)
        #expect(try client.get("/v1/images/\(ids[0])", headers: [("x-api-key", alice)]).status == 200)
        // Not an image, and no image at all: clear 4xx, nothing stored.
        let junk = try client.upload("/v1/images/upload", file: Array("hello".utf8), headers: [("x-api-key", alice)])
        #expect(junk.status == 415, "\(junk.text)")
        let empty = try client.request("POST", "/v1/images/upload", headers: [("x-api-key", alice), ("Content-Type", "application/json")],
                                       body: Array(#"{"type":"base64","image":"%%%"}"#.utf8))
        #expect(empty.status == 400, "\(empty.text)")
        #expect(try client.get("/v1/images", headers: [("x-api-key", alice)]).headers["pagination-count"] == "3")
    }
}

/// Web sizes: a `sizes` worker makes them once per original; Roost serves them and drops them with the last image.
@Suite(.serialized) struct DogAPISizesTests {
    @Test func sizesAreMadeOnceServedAndRemovedWithTheImage() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "classify,sizes", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let key = try #require(try client.request("POST", "/v1/admin/accounts", headers: [("Content-Type", "application/json")],
                                                  body: Array(#"{"name": "sizes"}"#.utf8)).jsonBody["api_key"]?.stringValue)
        let headers = [("x-api-key", key)]
        let uploaded = try client.upload("/v1/images/upload", file: try Fixtures.bytes("dog"), headers: headers)
        let id = try #require(uploaded.jsonBody["id"]?.stringValue)
        var image = JSON.null
        let made = waitUntil(timeout: 120, interval: 0.05) {
            image = (try? client.get("/v1/images/\(id)", headers: headers).jsonBody) ?? .null
            return image["sizes"]?["med"] != nil
        }
        #expect(made, "\(image) \(cluster.log("test-worker-1.log").suffix(2000))")
        for (name, side) in [("thumb", 150), ("small", 320), ("med", 640)] {
            let entry = try #require(image["sizes"]?[name])
            let url = try #require(entry["url"]?.stringValue)
            let served = try client.get(String(url[url.range(of: "/images/")!.lowerBound...]))
            #expect(served.status == 200 && served.headers["content-type"] == "image/jpeg", "\(name)")
            let decoded = try ImageDecoder.decode(served.body, options: DecodeOptions()).image
            #expect(max(decoded.width, decoded.height) == side && decoded.width == entry["width"]?.intValue, "\(name): \(decoded.width)x\(decoded.height)")
            #expect(abs(Double(decoded.width) / Double(decoded.height) - 768.0 / 576.0) < 0.02)
        }
        // Search asks for a size by name; a second image of the same photo needs no new job.
        #expect(waitUntil(timeout: 60) { (try? client.get("/v1/images/\(id)/status", headers: headers).jsonBody["status"]?.stringValue) == "labelled" })
        let found = try client.get("/v1/images/search?size=small&order=ASC", headers: headers).jsonBody
        #expect(found[0]?["url"]?.stringValue?.hasSuffix("/images/small/\(id).jpg") == true, "\(found)")
        let again = try client.upload("/v1/images/upload", file: try Fixtures.bytes("dog"), headers: headers)
        #expect(again.jsonBody["sizes"]?["thumb"] != nil, "\(again.text)")
        // Deleting both images removes the original and every size from disk.
        let folder = cluster.directory.appendingPathComponent("data/dogapi/images").path
        let files = { (try? FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.contains("/") && !$0.contains("/.") }.count) ?? -1 }
        #expect(files() == 4)
        for image in [id, try #require(again.jsonBody["id"]?.stringValue)] {
            #expect(try client.request("DELETE", "/v1/images/\(image)", headers: headers).status == 200)
        }
        #expect(files() == 0)
        #expect(try client.get("/images/thumb/\(id).jpg").status == 404)
    }
}
