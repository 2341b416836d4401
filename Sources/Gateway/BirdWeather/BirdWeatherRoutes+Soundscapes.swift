import Foundation
import Shared

/// Soundscapes: upload (raw audio body, optionally gzip-encoded), list, show, purge, and the
/// files themselves, served by Roost at the URL each soundscape document gives.
extension BirdWeatherRoutes {
    func registerSoundscapes(on router: Router) {
        let limit = service.settings.maxSoundscapeBytes
        router.add("POST", "/api/v1/stations/{token}/soundscapes", bodyLimit: limit) { request in
            try BirdWeatherError.answering { try upload(request) }
        }
        router.add("GET", "/api/v1/stations/{token}/soundscapes") { request in try BirdWeatherError.answering { try list(request) } }
        router.add("DELETE", "/api/v1/stations/{token}/soundscapes") { request in try BirdWeatherError.answering { try purge(request) } }
        router.add("GET", "/api/v1/stations/{token}/soundscapes/{id}") { request in try BirdWeatherError.answering { try show(request) } }
        router.add("DELETE", "/api/v1/stations/{token}/soundscapes/{id}") { request in
            try BirdWeatherError.answering { try purgeOne(request) }
        }
        router.add("GET", "/api/v1/soundscapes/{file}") { request in try BirdWeatherError.answering { try file(request) } }
    }

    private func upload(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let p = try BirdWeatherParameters(request, readBody: false)
        guard p.nonBlank("timestamp") != nil else { throw BirdWeatherError.blank("timestamp") }
        let time = try p.time("timestamp")!
        let declared = p.nonBlank("type")?.lowercased()
        if let declared, !["flac", "wav", "mp3"].contains(declared) { throw BirdWeatherError.invalid("type", "is not included in the list") }
        if declared == "mp3" { throw BirdWeatherError.unsupportedMedia("MP3 soundscapes are not accepted: upload FLAC or WAV") }
        let audio = try decodedBody(request)
        guard !audio.isEmpty else { throw BirdWeatherError.blank("audio") }
        let header: AudioHeader
        do {
            header = try AudioHeader.read(audio)
        } catch let error {
            switch error {
            case .notAudio, .unsupported: throw BirdWeatherError.unsupportedMedia("The soundscape is not accepted: \(error.description)")
            case .truncated, .invalid: throw BirdWeatherError.invalid("audio", error.description)
            }
        }
        if let declared, declared != header.format.rawValue {
            throw BirdWeatherError.invalid("type", "says \(declared) but the audio is \(header.format.rawValue)")
        }
        guard header.duration <= service.settings.maxSoundscapeSeconds else {
            throw BirdWeatherError.invalid("audio", "is \(Int(header.duration.rounded(.up))) s long, over the limit of \(Int(service.settings.maxSoundscapeSeconds)) s")
        }
        let sha = SHA256.hexDigest(audio)
        var soundscape = BWSoundscape(id: 0, stationID: station.id, time: time, sha256: sha, urlKey: Self.randomKey(), format: header.format,
                                      filesize: audio.count, duration: header.duration, channels: header.channels)
        // Durable before it is recorded; the pin keeps a concurrent purge of the same bytes from removing the file in between.
        service.soundscapeFiles.pin(sha)
        defer { service.soundscapeFiles.unpin(sha) }
        try service.soundscapeFiles.save(audio, sha256: sha)
        soundscape.id = try service.store.insertSoundscape(soundscape)
        try service.analyse(soundscape, audio: AudioUpload(bytes: audio, header: header, sha256: sha))
        return .json(201, ["success": true, "soundscape": try document(soundscape, base: service.baseURL(request), withDetections: false)])
    }

    /// The body, gunzipped when `Content-Encoding: gzip` says so (bounded by the soundscape limit).
    private func decodedBody(_ request: HTTPRequest) throws -> [UInt8] {
        let encoding = (request.headers["content-encoding"] ?? "identity").trimmingCharacters(in: .whitespaces).lowercased()
        switch encoding {
        case "identity", "": return request.body
        case "gzip", "x-gzip":
            do {
                return try Gzip.decompress(request.body, maxOutput: service.settings.maxSoundscapeBytes)
            } catch .outputLimit(let limit) {
                throw BirdWeatherError.tooLarge("The soundscape expands beyond \(limit) bytes")
            } catch {
                throw BirdWeatherError.invalid("audio", "is not valid gzip: \(error.description)")
            }
        default:
            throw BirdWeatherError.unsupportedMedia("Content-Encoding \(encoding) is not supported: send gzip or no encoding")
        }
    }

    private func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let p = try BirdWeatherParameters(request, readBody: false)
        let q = try listQuery(p)
        let withDetections = try p.bool("detections") ?? false
        let base = service.baseURL(request)
        let found = try service.store.soundscapes(stationID: station.id, query: q)
        return .json(200, ["success": true, "soundscapes": .array(try found.map { try document($0, base: base, withDetections: withDetections) })])
    }

    private func show(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let withDetections = try BirdWeatherParameters(request, readBody: false).bool("detections") ?? false
        guard let found = try service.store.soundscape(id: try pathID(request, "Soundscape"), stationID: station.id) else {
            throw BirdWeatherError.notFound("Soundscape not found")
        }
        return .json(200, ["success": true, "soundscape": try document(found, base: service.baseURL(request), withDetections: withDetections)])
    }

    /// The soundscape document, with Roost's `analysis` member (BirdNET's progress over its parts)
    /// and, when asked, its detections.
    private func document(_ soundscape: BWSoundscape, base: String, withDetections: Bool) throws -> JSON {
        guard case var .object(members) = soundscape.json(baseURL: base) else { return soundscape.json(baseURL: base) }
        members.append(("analysis", try service.store.analysisProgress(soundscapeID: soundscape.id).json))
        if withDetections {
            let found = try service.store.detections(soundscapeID: soundscape.id, baseURL: base)
            members.append(("detections", .array(found.map { $0.json(species: service.catalogue.species(id: $0.speciesID)) })))
        }
        return .object(members)
    }

    private func purge(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let p = try BirdWeatherParameters(request)
        let deleted = try service.store.deleteSoundscapes(stationID: station.id, from: try p.time("from")?.epoch, to: try p.time("to")?.epoch)
        service.removeUnusedSoundscapeFiles(deleted.map(\.sha256))
        return .json(200, ["success": true, "count": .int(deleted.count)])
    }

    private func purgeOne(_ request: HTTPRequest) throws -> HTTPResponse {
        let station = try station(request)
        let deleted = try service.store.deleteSoundscapes(stationID: station.id, id: try pathID(request, "Soundscape"))
        guard !deleted.isEmpty else { throw BirdWeatherError.notFound("Soundscape not found") }
        service.removeUnusedSoundscapeFiles(deleted.map(\.sha256))
        return .json(200, ["success": true])
    }

    /// The audio at a soundscape's URL: public (the name is a random 128-bit key, like the real
    /// service's storage URLs), immutable, with its media type.
    private func file(_ request: HTTPRequest) throws -> HTTPResponse {
        let name = request.pathParameters["file"] ?? ""
        let parts = name.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let found = try service.store.soundscape(urlKey: String(parts[0])), found.format.rawValue == parts[1],
              let bytes = service.soundscapeFiles.load(sha256: found.sha256) else {
            throw BirdWeatherError.notFound("Soundscape not found")
        }
        let etag = "\"\(found.sha256)\""
        var headers = [("Content-Type", found.format.contentType), ("Cache-Control", "public, max-age=31536000, immutable"), ("ETag", etag)]
        if request.headers["if-none-match"]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
            return HTTPResponse(status: 304, headers: headers.filter { $0.0 != "Content-Type" })
        }
        headers.append(("Content-Disposition", "inline; filename=\"soundscape-\(found.id).\(found.format.rawValue)\""))
        return HTTPResponse(status: 200, headers: headers, body: bytes)
    }

    /// 32 hex digits of randomness.
    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
