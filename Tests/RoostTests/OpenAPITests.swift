import Foundation
import Testing
@testable import Gateway
@testable import Shared

/// The OpenAPI documents of `GET /openapi/{name}.json`: every route the gateway registers is in
/// exactly one of them, each is valid OpenAPI 3.1 (openapi-spec-validator), and real answers of
/// every documented operation match their schemas (jsonschema), through `ExchangeRecorder`.
@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedInExactlyOneDocument() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-openapi-routes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = GatewayConfiguration()
        configuration.dataDirectory = directory
        let gateway = try Gateway(configuration: configuration, log: Log(component: "openapi-test", minimumLevel: .error))
        defer { gateway.shutdown() }
        #expect(OpenAPIDocuments.all.map(\.name) == OpenAPIDocuments.names)
        var documented: [String: [String]] = [:]
        for document in OpenAPIDocuments.all {
            for operation in document.operations { documented["\(operation.method) \(operation.path)", default: []].append(document.name) }
        }
        let routes = gateway.server.router.table.map { "\($0.method) \($0.pattern)" }
        for route in routes where route != "GET /v1/images/" {  // the trailing-slash alias of GET /v1/images
            #expect(documented[route]?.count == 1, "\(route) is documented in \(documented[route] ?? [])")
        }
        for operation in documented.keys { #expect(routes.contains(operation), "\(operation) is documented but not routed") }
    }

    @Test func roostAnswersMatchTheirDocument() throws {
        let cluster = try Cluster(environment: ["ROOST_OPS_TOKEN": "ops-secret", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        let api = ExchangeRecorder(client: try TestClient(port: cluster.httpPort))
        let ops = [("Authorization", "Bearer ops-secret")]
        let photo = try Fixtures.bytes("eagle")

        // With no worker yet: a job to cancel, and a job whose blob is gone (it fails: retry and discard).
        let cancelled = try #require(api.request("POST", "/jobs/probe", headers: [("Content-Type", "image/jpeg")], body: photo).jsonBody["id"]?.stringValue)
        try api.request("DELETE", "/jobs/\(cancelled)")
        let queue = try cluster.queue()
        var doomedJobs: [String] = []
        for name in ["dog", "chelsea"] {
            let doomedPhoto = try Fixtures.bytes(name)
            doomedJobs.append(try #require(api.multipart("/jobs/probe", parts: [("file", "\(name).jpg", doomedPhoto)]).jsonBody["id"]?.stringValue))
            _ = try queue.connection.call(["DEL", .text(queue.layout.blob(.interactive, sha256: SHA256.hexDigest(doomedPhoto)))])
        }
        let (doomed, discarded) = (doomedJobs[0], doomedJobs[1])
        try cluster.startWorker()

        var ids: [String] = []
        for (kind, query) in [("probe", ""), ("classify", ""), ("faces", "?embedding=true"), ("birds", "?mode=checked")] {
            let submitted = try api.multipart("/jobs/\(kind)\(query)", parts: [("file", "photo.jpg", try Fixtures.bytes(kind == "faces" ? "person" : "eagle"))],
                                              headers: [("Idempotency-Key", "openapi-\(kind)"), ("X-Roost-Lane", "batch")])
            ids.append(try #require(submitted.jsonBody["id"]?.stringValue, "\(submitted.text)"))
        }
        try api.multipart("/jobs/probe", parts: [("file", "photo.jpg", try Fixtures.bytes("eagle"))], headers: [("Idempotency-Key", "openapi-probe")])
        for id in ids + doomedJobs { try waitUntilEnded(api, id) }
        try api.get("/jobs/unknown-job")
        try api.request("POST", "/jobs/nothing", headers: [("Content-Type", "image/jpeg")], body: photo)
        try api.request("POST", "/jobs/probe", headers: [("Content-Type", "image/jpeg")], body: Array("not a photo".utf8))

        try api.get("/heartbeat")
        try api.get("/metrics", headers: ops)
        try api.get("/metrics")
        try api.get("/ops/workers", headers: ops)
        try api.get("/ops/queues", headers: ops)
        try api.get("/ops/")
        try api.get("/ops/dashboard.js")
        try api.get("/ops/dashboard.css")
        try api.get("/ops/dashboard.json", headers: ops)
        try api.get("/ops/jobs/\(doomed)", headers: ops)
        try api.get("/ops/jobs/missing", headers: ops)
        let dashboard = ops + [("X-Requested-With", "roost-dashboard")]
        try api.request("POST", "/ops/jobs/\(ids[0])/retry", headers: dashboard)
        #expect(try api.request("POST", "/ops/jobs/\(doomed)/retry", headers: dashboard).status == 202)
        try waitUntilEnded(api, doomed)
        #expect(try api.request("POST", "/ops/jobs/\(discarded)/discard", headers: dashboard).status == 200)
        try api.request("POST", "/ops/jobs/\(doomed)/discard", headers: dashboard)
        for name in OpenAPIDocuments.names { try api.get("/openapi/\(name).json") }
        try api.get("/openapi/nothing.json")

        let problems = try api.check(document: "roost")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// Long-polls the job until it ended, recording every answer.
    private func waitUntilEnded(_ api: ExchangeRecorder, _ id: String) throws {
        let deadline = MonotonicDeadline.after(60)
        var state: JobState?
        repeat {
            state = JobState(rawValue: try api.get("/jobs/\(id)?wait=5").jsonBody["state"]?.stringValue ?? "")
        } while state?.isTerminal != true && !deadline.hasPassed
        #expect(state?.isTerminal == true, "job \(id) is still \(String(describing: state))")
    }

    @Test func birdsAnswersMatchTheirDocument() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "birds", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let api = ExchangeRecorder(client: try TestClient(port: cluster.httpPort))
        let eagle = try Fixtures.bytes("eagle")
        #expect(try api.multipart("/birds/identification/classify", parts: [("image", "eagle.jpg", eagle)]).status == 200)
        #expect(try api.multipart("/birds/identification/classify?version=2", parts: [("image", "dog.JPG", try Fixtures.bytes("dog"))]).status == 200)
        try api.multipart("/birds/identification/classify?version=7", parts: [("image", "eagle.jpg", eagle)])
        try api.multipart("/birds/identification/classify", parts: [("image", "eagle.gif", eagle)])
        try api.multipart("/birds/identification/classify", parts: [("image", "eagle.jpg", Array("GIF89a".utf8))])
        #expect(try api.multipart("/birds/identification/persona", parts: [("image", "person.jpeg", try Fixtures.bytes("person"))]).status == 200)
        let problems = try api.check(document: "birds")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func panelAnswersMatchTheirDocument() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "faces", "ROOST_WORKER_THREADS": "1",
                                                "ROOST_PANEL_ACCOUNTS": "admin:secret:admin,guard:pw:user"])
        defer { withExtendedLifetime(cluster) {} }
        try cluster.startGateway()
        try cluster.startWorker()
        let api = ExchangeRecorder(client: try TestClient(port: cluster.httpPort))
        try api.get("/api/v1/login?username=admin&password=wrong")
        let login = try api.get("/api/v1/login?username=admin&password=\(MD5.hex(Array("secret".utf8)))")
        let token = try #require(login.jsonBody["token"]?.stringValue, "\(login.text)")
        let auth = [("Authorization", "Bearer \(token)")]
        let created = try api.request("POST", "/api/v1/access/identifier/item", headers: auth,
                                      json: ["identifier_owner": ["name": "Grace", "type": "owner"], "identifier_type": "face_id", "lock": "all"])
        let uid = try #require(created.jsonBody["uid"]?.intValue, "\(created.text)")
        try api.request("POST", "/api/v1/access/identifier/item", headers: auth, json: ["identifier_type": "nothing"])
        try api.request("POST", "/api/v1/access/identifier/item", json: ["identifier_type": "card"])
        try api.get("/api/v1/access/identifier/item/\(uid)", headers: auth)
        try api.get("/api/v1/access/identifier/item/999999", headers: auth)
        try api.request("PATCH", "/api/v1/access/identifier/item/\(uid)", headers: auth, json: ["identifier_owner": ["name": "Grace H", "type": "owner"]])
        let enrolled = try api.multipart("/api/v1/access/identifier/item/face/file/\(uid)", parts: [("file", "grace.jpg", try Fixtures.bytes("grace_hopper_512x512"))],
                                         headers: auth)
        #expect(enrolled.status == 200, "\(enrolled.text)")
        try api.multipart("/api/v1/access/identifier/item/face/file/\(uid)", parts: [("file", "fruits.jpg", try Fixtures.bytes("fruits"))], headers: auth)
        let search = try api.multipart("/api/v1/access/identifier/face/search", parts: [("file", "grace.jpg", try Fixtures.bytes("grace_hopper_512x512"))],
                                       headers: auth)
        #expect(search.jsonBody["matches"]?[0]?["uid"]?.intValue == uid, "\(search.text)")
        try api.request("DELETE", "/api/v1/access/identifier/item/\(uid)", headers: auth)
        let problems = try api.check(document: "panel")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
