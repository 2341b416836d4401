import Foundation
import Shared

/// Station stats, species and detections (`/api/v1/stations/{token}/...`), and station photos.
extension BirdWeatherRoutes {
    func registerStations(on router: Router) {
        router.add("GET", "/api/v1/stations/{token}/stats") { request in try BirdWeatherError.answering { try stats(request) } }
        router.add("GET", "/api/v1/stations/{token}/species") { request in try BirdWeatherError.answering { try species(request) } }
        router.add("GET", "/api/v1/stations/{token}/detections") { request in try BirdWeatherError.answering { try detections(request) } }
        router.add("POST", "/api/v1/stations/{token}/detections") { request in try BirdWeatherError.answering { try postDetection(request) } }
        router.add("GET", "/api/v1/stations/{token}/detections/{id}") { request in try BirdWeatherError.answering { try detection(request) } }
        router.add("POST", "/api/v1/stations/{token}/photos", bodyLimit: configuration.maxUploadBytes) { request in
            try BirdWeatherError.answering { try postPhoto(request) }
        }
        router.add("GET", "/api/v1/stations/{token}/photos/{id}") { request in try BirdWeatherError.answering { try photo(request) } }
    }

    /// The station of the path's token (any token form in the request is ignored: the path names it).
    func station(_ request: HTTPRequest) throws -> BWStation {
        try service.station(token: request.pathParameters["token"])
    }

    /// A path id: a positive integer, else 404 (the record cannot exist).
    func pathID(_ request: HTTPRequest, _ what: String) throws -> Int {
        guard let text = request.pathParameters["id"], let id = Int(text), id > 0 else { throw BirdWeatherError.notFound("\(what) not found") }
        return id
    }

    /// `since` when given, else the start of `period` (day, week, month; nil for all).
    private func since(_ p: BirdWeatherParameters) throws -> Double? {
        if let since = try p.time("since") { return since.epoch }
        let period = p.nonBlank("period") ?? "day"
        let now = Clock.now()
        switch period {
        case "day": return now - 86_400
        case "week": return now - 7 * 86_400
        case "month": return now - 30 * 86_400
        case "all": return nil
        default: throw BirdWeatherError.invalid("period", "is not included in the list")
        }
    }

    /// `limit` between 1 and 100 (default 100; above 100 is 100, as documented).
    func limit(_ p: BirdWeatherParameters) throws -> Int {
        guard let limit = try p.integer("limit") else { return 100 }
        guard limit >= 1 else { throw BirdWeatherError.invalid("limit", "must be greater than 0") }
        return min(limit, 100)
    }

    /// `order` (`asc`/`desc`, any case) or `fallback`.
    func ascending(_ p: BirdWeatherParameters, default fallback: Bool) throws -> Bool {
        switch p.nonBlank("order")?.lowercased() {
        case nil: return fallback
        case "asc"?: return true
        case "desc"?: return false
        default: throw BirdWeatherError.invalid("order", "is not included in the list")
        }
    }

    /// The listing filters shared by detections and soundscapes.
    func listQuery(_ p: BirdWeatherParameters) throws -> BWListQuery {
        var q = BWListQuery()
        q.from = try p.time("from")?.epoch
        q.to = try p.time("to")?.epoch
        q.speciesID = try p.integer("species_id")
        q.ascending = try ascending(p, default: false)
        q.cursor = try p.integer("cursor")
        q.limit = try limit(p)
        return q
    }

    private func stats(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let counts = try service.store.stats(stationID: station.id, since: try since(BirdWeatherParameters(request, readBody: false)))
        return .json(200, ["success": true, "detections": .int(counts.detections), "species": .int(counts.species)])
    }

    private func species(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let p = try BirdWeatherParameters(request, readBody: false)
        let sort = p.nonBlank("sort") ?? "top"
        guard ["top", "common_name", "scientific_name"].contains(sort) else { throw BirdWeatherError.invalid("sort", "is not included in the list") }
        let ascending = try ascending(p, default: sort != "top")
        let limit = try limit(p)
        let page = try p.integer("page") ?? 1
        guard page >= 1 else { throw BirdWeatherError.invalid("page", "must be greater than 0") }
        let tallies = try service.store.speciesTallies(stationID: station.id, since: try since(p), speciesID: try p.integer("species_id"),
                                                       sort: sort, ascending: ascending, limit: limit, offset: (page - 1) * limit)
        let items: [JSON] = tallies.map { t in
            let s = service.catalogue.species(id: t.speciesID)
            return ["id": .int(t.speciesID), "commonName": s.map { .string($0.commonName) } ?? .null,
                    "scientificName": s.map { .string($0.scientificName) } ?? .null, "color": s.map { .string($0.color) } ?? .null,
                    "imageUrl": nil, "thumbnailUrl": nil,
                    "detections": ["total": .int(t.total), "almostCertain": .int(t.almostCertain), "veryLikely": .int(t.veryLikely),
                                   "uncertain": .int(t.uncertain), "unlikely": .int(t.unlikely)],
                    "latestDetectionAt": t.latest.json]
        }
        return .json(200, ["success": true, "species": .array(items)])
    }

    private func detections(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let q = try listQuery(BirdWeatherParameters(request, readBody: false))
        let found = try service.store.detections(stationID: station.id, query: q, baseURL: service.baseURL(request))
        return .json(200, ["success": true, "detections": .array(found.map { $0.json(species: service.catalogue.species(id: $0.speciesID)) })])
    }

    private func detection(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        guard let found = try service.store.detection(id: try pathID(request, "Detection"), stationID: station.id,
                                                      baseURL: service.baseURL(request)) else {
            throw BirdWeatherError.notFound("Detection not found")
        }
        return .json(200, ["success": true, "detection": found.json(species: service.catalogue.species(id: found.speciesID))])
    }

    /// What station software posts after each 3-s analysis.
    private func postDetection(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let p = try BirdWeatherParameters(request)
        var errors = FieldErrors()
        var time: BirdWeatherTime?
        if p.nonBlank("timestamp") == nil { errors.add("timestamp", "can't be blank") } else {
            do { time = try p.time("timestamp") } catch { errors.add("timestamp", "is not a valid ISO 8601 timestamp") }
        }
        let lat = errors.coordinate("lat", try? p.number("lat"), present: p.value("lat") != nil, range: -90...90) ?? station.lat
        let lon = errors.coordinate("lon", try? p.number("lon"), present: p.value("lon") != nil, range: -180...180) ?? station.lon
        let confidence = fraction("confidence", p, required: true, &errors)
        let probability = fraction("probability", p, required: false, &errors)
        let scientific = p.nonBlank("scientificName"), common = p.nonBlank("commonName")
        let species = service.catalogue.species(scientificName: scientific, commonName: common)
        if scientific == nil && common == nil {
            errors.add("species", "can't be blank: send commonName and scientificName")
        } else if species == nil {
            errors.add("species", "is not in the BirdNET 2.4 catalogue")
        }
        let soundscapeID = (try? p.integer("soundscapeId")) ?? nil
        if p.value("soundscapeId") != nil, soundscapeID == nil { errors.add("soundscapeId", "is not an integer") }
        let start = (try? p.number("soundscapeStartTime")) ?? nil, end = (try? p.number("soundscapeEndTime")) ?? nil
        if let start, let end, end < start { errors.add("soundscapeEndTime", "must not be before soundscapeStartTime") }
        let algorithm = p.nonBlank("algorithm")
        if let algorithm, algorithm.count > 100 { errors.add("algorithm", "is too long (maximum is 100 characters)") }
        try errors.check()
        let configuration = service.settings.detection
        let score = DetectionConfiguration.score(confidence: confidence!, probability: probability)
        var metadata: String?
        if let value = p.value("metadata") { metadata = value.serialized(); if metadata!.utf8.count > 16_384 { throw BirdWeatherError.invalid("metadata", "is too long") } }
        let new = BWDetection(id: 0, stationID: station.id, speciesID: species!.id, time: time!, lat: lat, lon: lon, confidence: confidence!,
                              probability: probability, score: score, certainty: configuration.certainty(score: score),
                              algorithm: algorithm, metadata: metadata, soundscape: soundscapeID.map { _ in ("", start, end) })
        let listed = configuration.isListed(confidence: confidence!, score: score, species: species!.birdNETName)
        guard let id = try service.store.insertDetection(new, soundscapeID: soundscapeID, listed: listed) else {
            throw BirdWeatherError.invalid("soundscapeId", "is not a soundscape of this station")
        }
        let stored = try service.store.detection(id: id, stationID: station.id, baseURL: service.baseURL(request))
        return .json(201, ["success": true, "detection": stored?.json(species: species) ?? .null])
    }

    /// A number in 0…1.
    private func fraction(_ name: String, _ p: BirdWeatherParameters, required: Bool, _ errors: inout FieldErrors) -> Double? {
        guard p.value(name) != nil else { if required { errors.add(name, "can't be blank") }; return nil }
        guard let value = (try? p.number(name)) ?? nil else { errors.add(name, "is not a number"); return nil }
        guard (0...1).contains(value) else { errors.add(name, "must be between 0 and 1"); return nil }
        return value
    }

    // MARK: Photos (beyond the seed)

    /// A station's photo: classified by a `birds` worker (version 2's check); a bird the catalogue
    /// knows becomes a detection whose `algorithm` names the model.
    private func postPhoto(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["content-type"])
        guard let part = parts.first(named: "file") ?? parts.first(named: "image"), !part.body.isEmpty else {
            throw BirdWeatherError.blank("file")
        }
        func field(_ name: String) -> String? {
            (parts.first(named: name)?.text ?? request.queryValue(name))?.trimmingCharacters(in: .whitespaces)
        }
        var errors = FieldErrors()
        var time = BirdWeatherTime(epoch: Clock.now())
        if let text = field("timestamp"), !text.isEmpty {
            if let parsed = BirdWeatherTime(iso8601: text) { time = parsed } else { errors.add("timestamp", "is not a valid ISO 8601 timestamp") }
        }
        let lat = errors.coordinate("lat", field("lat").map { Double($0) }, present: field("lat") != nil, range: -90...90) ?? station.lat
        let lon = errors.coordinate("lon", field("lon").map { Double($0) }, present: field("lon") != nil, range: -180...180) ?? station.lon
        try errors.check()
        let image = try ImageUpload.validate(part.body, filename: part.filename, maxPixels: configuration.maxImagePixels)
        let owner = BirdWeatherService.photoOwner(stationID: station.id)
        let (record, _) = try service.jobs.submit(kind: JobKind.birds.rawValue, lane: .interactive, image: image, params: BirdsMode.checked.params,
                                                  owner: owner, idempotencyKey: nil)
        let id = try service.store.insertPhoto(BWPhoto(id: 0, stationID: station.id, jobID: record.id, time: time, lat: lat, lon: lon,
                                                       status: "processing"))
        var photo = try service.store.photo(id: id, stationID: station.id)
        if record.state.isTerminal, let pending = photo {   // answered from the result cache
            try service.finish(pending)
            photo = try service.store.photo(id: id, stationID: station.id)
        }
        return .json(201, ["success": true, "photo": try photoJSON(photo!, request)],
                     headers: [("Location", "/api/v1/stations/\(request.pathParameters["token"]!)/photos/\(id)")])
    }

    /// A photo and its outcome; `?wait=N` (at most `ROOST_MAX_WAIT`) waits for it while it is processed.
    private func photo(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let id = try pathID(request, "Photo")
        guard var photo = try service.store.photo(id: id, stationID: station.id) else { throw BirdWeatherError.notFound("Photo not found") }
        if photo.status == "processing" {
            let wait = min(max(0, Double(request.queryValue("wait") ?? "") ?? 0), configuration.maxWait)
            let owner = BirdWeatherService.photoOwner(stationID: station.id)
            let record = wait > 0 ? try service.jobs.wait(id: photo.jobID, requester: owner, timeout: wait)
                                  : try service.jobs.find(id: photo.jobID, requester: owner)
            if record.state.isTerminal {
                try service.finish(photo)
                photo = try service.store.photo(id: id, stationID: station.id) ?? photo
            }
        }
        return .json(200, ["success": true, "photo": try photoJSON(photo, request)])
    }

    private func photoJSON(_ photo: BWPhoto, _ request: HTTPRequest) throws -> JSON {
        let detection = try photo.detectionID.flatMap { try service.store.detection(id: $0, stationID: photo.stationID, baseURL: service.baseURL(request)) }
        return ["id": .int(photo.id), "stationId": .int(photo.stationID), "timestamp": photo.time.json, "status": .string(photo.status),
                "label": photo.label.map { .string($0) } ?? .null, "probability": photo.probability.map { .double($0) } ?? .null,
                "message": photo.message.map { .string($0) } ?? .null, "jobId": .string(photo.jobID),
                "detection": detection.map { $0.json(species: service.catalogue.species(id: $0.speciesID)) } ?? .null]
    }
}
