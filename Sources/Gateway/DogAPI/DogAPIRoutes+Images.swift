import Foundation
import Shared

/// Images: upload (multipart `file`, or `type=base64` with `image`), the review, and reading them back.
extension DogAPIRoutes {
    func registerImages(on router: Router) {
        let limit = configuration.maxUploadBytes * 4 / 3 + 4096  // base64 bodies are a third larger
        add(router, "POST", "/v1/images/upload", key: .required, bodyLimit: limit) { try upload($0, $1!, wait: false) }
        add(router, "POST", "/v1/images/upload-sync", key: .required, bodyLimit: limit) { try upload($0, $1!, wait: true) }
        add(router, "GET", "/v1/images", key: .required) { try list($0, $1!) }
        add(router, "GET", "/v1/images/", key: .required) { try list($0, $1!) }
        add(router, "GET", "/v1/images/{id}", key: .optional) { request, account in
            // The owner's (or an admin's) image, or a public one for anybody.
            guard let id = request.pathParameters["id"], try service.store.imageVisible(id: id, accountID: account?.id) || account?.isAdmin == true,
                  var image = try service.store.image(id: id) else { throw DogAPIError.notFound("Image not found") }
            if !image.isReviewed { image = try service.finishReview(image) }
            return .json(200, try document(image, request, links: false))
        }
        add(router, "DELETE", "/v1/images/{id}", key: .required) { try delete($0, $1!) }
        add(router, "GET", "/v1/images/{id}/status", key: .required) { try status($0, $1!) }
        add(router, "GET", "/v1/images/{id}/analysis", key: .required) { try analysis($0, $1!) }
        add(router, "GET", "/v1/images/{id}/labels", key: .required) { .json(200, .array(labelDocuments(try ownedImage($0, $1!)))) }
        router.add("GET", "/images/{file}") { request in try DogAPIError.answering { try file(request) } }
        router.add("GET", "/images/{size}/{file}") { request in try DogAPIError.answering { try sizeFile(request) } }
    }

    // MARK: Upload

    private func upload(_ request: HTTPRequest, _ account: DogAccount, wait: Bool) throws -> HTTPResponse {
        guard try service.store.imageCount(accountID: account.id) < service.uploadQuota else {
            throw DogAPIError.forbidden("UPLOAD_QUOTA_EXCEEDED - this account may keep \(service.uploadQuota) images; delete some first")
        }
        let form = try UploadForm(request)
        let upload = try ImageUpload.validate(form.bytes, filename: form.filename, maxPixels: configuration.maxImagePixels)
        let speciesID = Int(form.field("species_id") ?? "") == 2 ? 2 : 1
        let userBreeds = (form.field("breed_ids") ?? "").split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .filter { DogCatalogue.standard.breed(id: $0) != nil }
        let owner = DogAPIService.owner(accountID: account.id)
        let (record, _) = try service.jobs.submit(kind: JobKind.classify.rawValue, lane: try RequestIdentity.lane(request), image: upload,
                                                  owner: owner, idempotencyKey: try RequestIdentity.idempotencyKey(request))
        // The bytes, kept for as long as an image uses them (the job's copy goes with the job's retention).
        service.files.pin(upload.sha256)
        defer { service.files.unpin(upload.sha256) }
        try service.files.save(upload.bytes, sha256: upload.sha256)
        let now = Clock.now()
        var image = DogImage(id: try newFileID(), accountID: account.id, subID: form.field("sub_id"), sha256: upload.sha256,
                             mimeType: upload.mimeType,
                             width: upload.header.width, height: upload.header.height, originalFilename: form.filename,
                             status: "to_be_reviewed", unsafeReasons: [], speciesID: speciesID, jobID: record.id, analysis: nil,
                             breeds: userBreeds.map { ($0, nil, "user") }, createdAt: now, updatedAt: now)
        try service.store.insertImage(image)
        try service.requestSizes(upload, accountID: account.id)
        if record.state.isTerminal { image = try service.finishReview(image) }  // answered from the result cache
        guard wait else { return .json(201, try document(image, request, links: true)) }
        if !image.isReviewed {
            _ = try service.jobs.waitForResult(id: record.id, requester: owner, timeout: configuration.syncTimeout)
            image = try service.finishReview(try service.store.image(id: image.id) ?? image)
        }
        if image.status == "unsafe" { throw DogAPIError.badRequest("Classifcation failed: correct animal not found.") }
        return .json(image.isReviewed ? 201 : 202, try document(image, request, links: true))
    }

    /// A new image id: 9 characters of `[0-9A-Za-z_-]`.
    static func newImageID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-".utf8)
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<9).map { _ in alphabet[Int(generator.next() as UInt8) & 63] }, as: UTF8.self)
    }

    /// A new id for a file served at `/images/{id}` (dog images, pet photos, portraits, which share
    /// that namespace): `newImageID()`'s form, and no image, photo, portrait nor one of `taken` has it.
    func newFileID(excluding taken: Set<String> = []) throws -> String {
        var id = Self.newImageID()
        while try taken.contains(id) || service.store.imageFile(id: id) != nil { id = Self.newImageID() }
        return id
    }

    // MARK: Reading

    /// The image `id` when the request's account owns it (admins see all), else 404.
    func ownedImage(_ request: HTTPRequest, _ account: DogAccount) throws -> DogImage {
        guard let id = request.pathParameters["id"], var image = try service.store.image(id: id),
              image.accountID == account.id || account.isAdmin else { throw DogAPIError.notFound("Image not found") }
        if !image.isReviewed { image = try service.finishReview(image) }
        return image
    }

    private func status(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let image = try ownedImage(request, account)
        return .json(200, ["id": .string(image.id), "status": .string(image.status), "updated_at": .string(DogAPITime.format(image.updatedAt))])
    }

    private func list(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let (limit, page) = Self.paging(request)
        let subID = request.queryValue("sub_id").flatMap { $0.isEmpty ? nil : $0 }
        let ascending = request.queryValue("order")?.uppercased() == "ASC"
        let (images, total) = try service.store.images(accountID: account.id, subID: subID, limit: limit, page: page, ascending: ascending)
        let sizes = try service.store.sizes(originalSHA256s: images.map(\.sha256))
        return .json(200, .array(try images.map { try document($0, request, links: false, knownSizes: sizes[$0.sha256] ?? [:]) }),
                     headers: Self.paginationHeaders(count: total, page: page, limit: limit))
    }

    private func delete(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let image = try ownedImage(request, account)
        if let sha = try service.store.deleteImage(id: image.id) { service.removeUnused(sha) }
        return .json(200, ["message": "SUCCESS"])
    }

    /// The review as the service's analysis list: labels with confidences in percent.
    private func analysis(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let image = try ownedImage(request, account)
        guard image.isReviewed else { return .json(200, []) }
        return .json(200, [["labels": .array(labelDocuments(image)), "moderation_labels": .array(image.unsafeReasons.map { .string($0) }),
                            "vendor": "Roost (MobileNetV2 ImageNet classes; heuristic)", "image_id": .string(image.id),
                            "created_at": .string(DogAPITime.format(image.updatedAt))]])
    }

    /// The classifier's top classes as labels (`Name`, `Confidence` in percent).
    private func labelDocuments(_ image: DogImage) -> [JSON] {
        let top = image.analysis.flatMap { try? JSON.parse($0) }?["top"]?.arrayValue ?? []
        return top.map { entry in
            ["Name": .string(entry["label"]?.stringValue ?? ""), "Confidence": .double(((entry["probability"]?.doubleValue ?? 0) * 1e6).rounded() / 1e4),
             "Instances": [], "Parents": []]
        }
    }

    /// The bytes of an image, pet photo or portrait, at the URL its documents give: public by its
    /// unguessable id, like the real service's CDN; immutable.
    private func file(_ request: HTTPRequest) throws -> HTTPResponse {
        let parts = (request.pathParameters["file"] ?? "").split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let file = try service.store.imageFile(id: String(parts[0])), parts[1] == DogImage.fileExtension(mimeType: file.mimeType),
              let bytes = service.files.load(sha256: file.sha256) else { throw DogAPIError.notFound("Image not found") }
        let etag = "\"\(file.sha256)\""
        let headers = [("Content-Type", file.mimeType), ("Cache-Control", "public, max-age=31536000, immutable"), ("ETag", etag)]
        if request.headers["if-none-match"]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
            return HTTPResponse(status: 304, headers: Array(headers.dropFirst()))
        }
        return HTTPResponse(status: 200, headers: headers, body: bytes)
    }

    /// A web size of an image (`/images/{thumb|small|med}/{id}.jpg`); until it is made (or when it
    /// could not be), a redirect to the full image.
    private func sizeFile(_ request: HTTPRequest) throws -> HTTPResponse {
        let name = request.pathParameters["size"] ?? ""
        let parts = (request.pathParameters["file"] ?? "").split(separator: ".", maxSplits: 1)
        guard SizesJob.sizes.contains(where: { $0.name == name }), parts.count == 2, parts[1] == "jpg",
              let image = try service.store.image(id: String(parts[0])) else { throw DogAPIError.notFound("Image not found") }
        guard let size = try service.store.sizes(originalSHA256: image.sha256)[name], let bytes = service.files.load(sha256: size.fileSHA256) else {
            return HTTPResponse(status: 302, headers: [("Location", Self.imageURL(image, request)), ("Cache-Control", "no-store")])
        }
        let etag = "\"\(size.fileSHA256)\""
        let headers = [("Content-Type", "image/jpeg"), ("Cache-Control", "public, max-age=31536000, immutable"), ("ETag", etag)]
        if request.headers["if-none-match"]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
            return HTTPResponse(status: 304, headers: Array(headers.dropFirst()))
        }
        return HTTPResponse(status: 200, headers: headers, body: bytes)
    }

    // MARK: Documents

    /// The image document: the upload response's members (API-NOTES), the seed's, and Roost's review fields.
    /// `size` (`thumb`, `small`, `med`) makes `url` that size's when it has been made.
    /// `knownSizes`: the image's sizes when the caller fetched a page's at once.
    func document(_ image: DogImage, _ request: HTTPRequest, links: Bool, size: String? = nil,
                  knownSizes: [String: DogImageSize]? = nil) throws -> JSON {
        let sizes = try knownSizes ?? service.store.sizes(originalSHA256: image.sha256)
        let base = request.publicBaseURL(configured: nil)
        let url = size.flatMap { sizes[$0] } != nil ? "\(base)/images/\(size!)/\(image.id).jpg" : Self.imageURL(image, request)
        let breeds: [JSON] = image.breeds.compactMap { breed in DogCatalogue.standard.breed(id: breed.id)?.json }
        var members: [(String, JSON)] = [
            ("id", .string(image.id)), ("url", .string(url)),
            ("sub_id", image.subID.map { .string($0) } ?? .null), ("width", .int(image.width)), ("height", .int(image.height)),
            ("mime_type", .string(image.mimeType)), ("original_filename", image.originalFilename.map { .string($0) } ?? .null),
            ("pending", .int(image.isReviewed ? 0 : 1)), ("approved", .int(image.status == "labelled" || image.status == "clean" ? 1 : 0)),
            ("species_id", .string(String(image.speciesID))), ("breeds", .array(breeds)), ("categories", []),
            ("unsafe_reasons", .array(image.unsafeReasons.map { .string($0) })), ("status", .string(image.status)),
            ("created_at", .string(DogAPITime.format(image.createdAt))),
        ]
        if !sizes.isEmpty {
            members.append(("sizes", .object(SizesJob.sizes.compactMap { spec in
                sizes[spec.name].map { (spec.name, ["url": .string("\(base)/images/\(spec.name)/\(image.id).jpg"), "width": .int($0.width),
                                                    "height": .int($0.height)]) }
            })))
        }
        if links { members.append(("links", ["status": .string("/v1/images/\(image.id)/status")])) }
        return .object(members)
    }
}

/// The upload request's image and fields: multipart (`file`, or `image` with `type=base64`), or a
/// JSON / form body with `type=base64` and `image`; fields may also come in the query string.
struct UploadForm {
    /// The image bytes.
    let bytes: [UInt8]
    /// The client's file name.
    let filename: String?
    private let fields: [String: String]
    private let query: [String: String]

    /// Reads `request`; a missing or undecodable image is `400`.
    init(_ request: HTTPRequest) throws {
        query = request.query
        let type = (request.headers["content-type"] ?? "").lowercased()
        var fields: [String: String] = [:]
        var file: MultipartPart?
        if type.hasPrefix("multipart/") {
            let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["content-type"])
            for part in parts where part.filename == nil && part.body.count <= 4096 { fields[part.name] = part.text }
            file = parts.first(named: "file") ?? parts.first { $0.name == "image" && $0.filename != nil }
            if file == nil, fields["image"] == nil, let big = parts.first(named: "image") { fields["image"] = big.text }
        } else if type.hasPrefix("application/json") {
            let json = (try? JSON.parse(request.body)) ?? .null
            for (name, value) in json.objectValue ?? [] { if let text = value.stringValue { fields[name] = text } else if let n = value.intValue { fields[name] = String(n) } }
        } else if type.hasPrefix("application/x-www-form-urlencoded") {
            fields = PercentDecoding.formFields(String(decoding: request.body, as: UTF8.self))
        }
        self.fields = fields
        if let file, !file.body.isEmpty {
            bytes = file.body
            filename = file.filename
        } else if let text = fields["image"], (fields["type"] ?? query["type"])?.lowercased() == "base64" || file == nil {
            // Data URLs (`data:image/png;base64,...`) are accepted too.
            let payload = text.range(of: ";base64,").map { String(text[$0.upperBound...]) } ?? text
            guard let data = Data(base64Encoded: payload.filter { !$0.isWhitespace }), !data.isEmpty else {
                throw DogAPIError.badRequest("The 'image' field is not valid base64.")
            }
            bytes = [UInt8](data)
            filename = fields["filename"]
        } else {
            throw DogAPIError.badRequest("No image was sent: add the file as multipart field 'file', or send type=base64 with 'image'.")
        }
    }

    /// Field `name` from the body, else the query string; nil when absent or empty.
    func field(_ name: String) -> String? {
        let value = fields[name] ?? query[name]
        return value?.isEmpty == false ? value : nil
    }
}
