import Foundation
import Shared

/// The bird-identification API (seed 000): `POST /birds/identification/classify?version=1|2` and
/// `POST /birds/identification/persona`, multipart field `image`; `GET /heartbeat` is the gateway's own.
///
/// The client waits: the photo goes to a `birds` job on the interactive lane and the answer is
/// sent when the job ends; after `ROOST_SYNC_TIMEOUT` seconds the answer is `202` with the job's id
/// and status link instead (poll `GET /jobs/{id}`, as the same client). Errors are plain text, as
/// the real service sends them (`Incorrect file type.`, `Version number not recognized.`).
/// Besides the four body members, the response carries `X-Roost-Method` (how the score was
/// obtained: the answer is a heuristic over ImageNet classes), `X-Roost-Job-Id` and `X-Roost-Cached`.
struct BirdRoutes {
    let jobs: JobService
    let configuration: GatewayConfiguration

    /// The file name endings the real service accepts, compared lower-cased.
    static let imageExtensions = [".jpg", ".jpeg", ".png"]

    /// Adds the routes to `router`.
    func register(on router: Router) {
        router.add("POST", "/birds/identification/classify", bodyLimit: configuration.maxUploadBytes) { request in
            try answer(request) { try Self.classifyMode(version: request.queryValue("version")) }
        }
        router.add("POST", "/birds/identification/persona", bodyLimit: configuration.maxUploadBytes) { request in
            try answer(request) { .persona }
        }
    }

    /// `version` absent or `1` → `species`, `2` → `checked`, anything else → 400.
    static func classifyMode(version: String?) throws -> BirdsMode {
        guard let text = version?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .species }
        switch Int(text) {
        case 1?: return .species
        case 2?: return .checked
        default: throw HTTPError.custom(.text(400, "Version number not recognized."))
        }
    }

    /// Runs the job for the photo in `request` and answers; any failure becomes a plain-text error.
    private func answer(_ request: HTTPRequest, mode: () throws -> BirdsMode) throws -> HTTPResponse {
        do {
            let image = try photo(request)
            let owner = RequestIdentity.owner(request)
            let (submitted, _) = try jobs.submit(kind: JobKind.birds.rawValue, lane: .interactive, image: image, params: try mode().params,
                                                 owner: owner, idempotencyKey: try RequestIdentity.idempotencyKey(request))
            let record = submitted.state.isTerminal
                ? submitted : try jobs.waitForResult(id: submitted.id, requester: owner, timeout: configuration.syncTimeout)
            return try response(for: record)
        } catch let error as HTTPError where error.response.header("Content-Type")?.hasPrefix("text/plain") == true {
            throw error
        } catch {
            guard let http = GatewayError.httpError(for: error) else { throw error }
            var plain = HTTPResponse.text(http.status, http.message)
            plain.headers += http.response.headers.filter { HTTPHeaders.sameName($0.0, "Retry-After") }
            throw HTTPError.custom(plain)
        }
    }

    /// The `image` part, checked by file name (as the real service does) and then by content.
    private func photo(_ request: HTTPRequest) throws -> ImageUpload {
        let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["content-type"])
        guard let part = parts.first(named: "image") else {
            throw HTTPError.custom(.text(400, "No image was sent: add the photo as multipart field 'image'."))
        }
        let name = (part.filename ?? "").lowercased()
        guard Self.imageExtensions.contains(where: { name.hasSuffix($0) }) else {
            throw HTTPError.custom(.text(400, "Incorrect file type."))
        }
        guard !part.body.isEmpty else { throw HTTPError.custom(.text(400, "The uploaded file is empty.")) }
        return try ImageUpload.validate(part.body, filename: part.filename, maxPixels: configuration.maxImagePixels)
    }

    /// 200 with the answer, 202 while the job is still running, or the job's failure as text.
    private func response(for record: JobRecord) throws -> HTTPResponse {
        let link = "/jobs/\(record.id)"
        switch record.state {
        case .succeeded:
            guard let text = record.resultJSON, let json = try? JSON.parse(text), let result = BirdsResult(json: json) else {
                throw HTTPError.custom(.text(500, "The analysis returned no answer."))
            }
            return .json(200, BirdAnswer(result).json(),
                         headers: [("X-Roost-Method", result.method), ("X-Roost-Job-Id", record.id),
                                   ("X-Roost-Cached", record.cached ? "true" : "false")])
        case .failed, .dead:
            let code = record.errorCode ?? ""
            if JobErrorCode.imageErrors.contains(code) {
                let status = code == "image_too_large" ? 413 : code == "not_jpeg" ? 415 : 400
                throw HTTPError.custom(.text(status, record.errorMessage ?? "The image could not be read."))
            }
            throw HTTPError.custom(.text(500, "The image could not be classified (\(code.isEmpty ? "unknown error" : code))."))
        case .cancelled:
            throw HTTPError.custom(.text(409, "The classification was cancelled."))
        case .queued, .running:
            let body: JSON = ["id": .string(record.id), "state": .string(record.state.rawValue), "kind": .string(record.kind),
                              "links": ["status": .string(link)]]
            return .json(202, body, headers: [("Location", link), ("Retry-After", "1")])
        }
    }
}
