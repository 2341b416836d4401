import Foundation
import Shared

/// The BirdWeather API's logic between its routes and its store: who a token is, soundscape
/// files, and turning finished station-photo jobs into detections.
final class BirdWeatherService: Sendable {
    /// The tables.
    let store: BirdWeatherStore
    /// The species catalogue (empty, with a warning in the log, when `make models` has not run).
    let catalogue: SpeciesCatalogue
    /// Settings and the published detection configuration.
    let settings: BirdWeatherSettings
    /// Station token derivation.
    let tokens: StationTokens
    /// Soundscape files, content-addressed under `<data>/soundscapes/`.
    let soundscapeFiles: OriginalStore
    /// Log-in attempts per email and per client address.
    let throttle = LoginThrottle()
    /// A hash verified when an email is unknown, so that answers take as long as for a wrong password.
    let decoyHash: String
    let jobs: JobService
    /// The jobs table (photo and soundscape jobs' outcomes).
    let jobStore: JobStore
    private let log: Log

    /// Opens the store in `dataDirectory`'s database, loads the catalogue and the token key.
    init(dataDirectory: URL, settings: BirdWeatherSettings, jobs: JobService, jobStore: JobStore, log: Log) throws {
        self.settings = settings
        self.jobs = jobs
        self.jobStore = jobStore
        self.log = log
        store = try BirdWeatherStore(path: dataDirectory.appendingPathComponent("roost.sqlite").path)
        tokens = try StationTokens(keyFile: dataDirectory.appendingPathComponent("birdweather.key"))
        soundscapeFiles = try OriginalStore(directory: dataDirectory.appendingPathComponent("soundscapes"))
        decoyHash = SecretHash.decoy(iterations: settings.passwordIterations)
        var loaded = SpeciesCatalogue(species: [], imageNetNames: [])
        do {
            loaded = try SpeciesCatalogue(labelsFile: settings.labelsFile, imageNetLabelsFile: settings.imageNetLabelsFile)
        } catch let error as CatalogueError {
            log.warning("birdweather species catalogue unavailable", [("error", .string(error.description))])
        }
        catalogue = loaded
        if !loaded.all.isEmpty { try store.syncSpecies(loaded) }
    }

    /// Closes the store.
    func close() { store.close() }

    // MARK: Tokens

    /// The user behind a session token, or 401.
    func user(token: String?) throws -> (user: BWUser, token: String) {
        guard let token, !token.isEmpty else { throw BirdWeatherError.unauthorized("Missing authentication token") }
        guard let user = try store.user(tokenSHA256: StationTokens.digest(token)) else {
            throw BirdWeatherError.unauthorized("Invalid authentication token")
        }
        return (user, token)
    }

    /// The station a token opens: a station token opens its station, a user token the user's
    /// default station; anything else is 401.
    func station(token: String?) throws -> BWStation {
        guard let token, !token.isEmpty else { throw BirdWeatherError.unauthorized("Missing authentication token") }
        let digest = StationTokens.digest(token)
        if let station = try store.station(tokenSHA256: digest) { return station }
        if let user = try store.user(tokenSHA256: digest), let station = try store.stations(userID: user.id).first(where: \.isDefault) {
            return station
        }
        throw BirdWeatherError.unauthorized("Invalid station token")
    }

    /// Gives station `id` its token (recording the hash) and returns it.
    func issueStationToken(id: Int) throws -> String {
        let token = tokens.stationToken(id: id)
        try store.setStationToken(id: id, sha256: StationTokens.digest(token))
        return token
    }

    /// A new session token for `userID`.
    func issueUserToken(userID: Int) throws -> String {
        let token = StationTokens.random()
        try store.insertUserToken(sha256: StationTokens.digest(token), userID: userID)
        return token
    }

    /// The user document, with `token` as its `authToken` and each station with its own.
    func userJSON(_ user: BWUser, token: String) throws -> JSON {
        let stations = try store.stations(userID: user.id).map { $0.json(token: tokens.stationToken(id: $0.id)) }
        return ["email": .string(user.email), "firstName": user.firstName.map { .string($0) } ?? .null,
                "lastName": user.lastName.map { .string($0) } ?? .null, "displayName": .string(user.displayName),
                "authToken": .string(token), "stations": .array(stations)]
    }

    // MARK: Soundscape files

    /// Removes the files of `shas` no soundscape row uses any more.
    func removeUnusedSoundscapeFiles(_ shas: [String]) {
        for sha in Set(shas) {
            do {
                _ = try soundscapeFiles.removeIfUnpinned(sha) { try !store.soundscapeFileInUse(sha256: sha) }
            } catch {
                log.warning("soundscape file not removed", [("sha256", .string(sha)), ("error", .string(String(describing: error)))])
            }
        }
    }

    /// The scheme and host soundscape URLs start with.
    func baseURL(_ request: HTTPRequest) -> String { request.publicBaseURL(configured: settings.publicURL) }

    // MARK: Station photos

    /// The job owner of a station's photo jobs.
    static func photoOwner(stationID: Int) -> String { ownerPrefix + "station:\(stationID)" }

    /// How every owner of this API's jobs begins, photos' and soundscapes' (the ingester hands it only those jobs).
    static let ownerPrefix = "birdweather:"

    /// Ends the processing photos among `jobIDs` whose jobs ended (called by the ingester after
    /// each batch, and by the photo routes); idempotent.
    func jobsEnded(_ jobIDs: [String]) throws {
        for photo in try store.processingPhotos(jobIDs: jobIDs) { try finish(photo) }
        try soundJobsEnded(jobIDs)
    }

    /// Ends `photo` when its job has ended: a detection when the job saw a bird the catalogue
    /// knows, else the reason there is none.
    func finish(_ photo: BWPhoto) throws {
        guard let row = try jobStore.job(id: photo.jobID), let state = JobState(rawValue: row.state), state.isTerminal else { return }
        guard state == .succeeded, let text = row.resultJSON, let json = try? JSON.parse(text), let result = BirdsResult(json: json) else {
            let message = state == .succeeded ? "the analysis returned no answer" : (row.errorMessage ?? "the photo could not be analysed (\(state.rawValue))")
            _ = try store.finishPhoto(id: photo.id, status: "failed", label: nil, probability: nil, message: message, detection: nil)
            return
        }
        guard result.shows == "bird" else {
            _ = try store.finishPhoto(id: photo.id, status: "no_bird", label: result.label, probability: result.probability,
                                      message: result.shows == "other" ? "the photo shows \(result.label), not a bird"
                                          : "the photo shows a \(result.shows) (\(result.label)), not a bird", detection: nil)
            return
        }
        guard let index = result.classIndex, let speciesID = catalogue.imageNetSpecies[index], let species = catalogue.species(id: speciesID) else {
            _ = try store.finishPhoto(id: photo.id, status: "no_species", label: result.label, probability: result.probability,
                                      message: "the classifier's class '\(result.label)' matches no BirdNET species", detection: nil)
            return
        }
        let configuration = settings.detection
        let score = DetectionConfiguration.score(confidence: result.probability, probability: nil)
        let metadata: JSON = ["source": "photo", "job_id": .string(photo.jobID), "imagenet_class": .int(index),
                              "label": .string(result.label), "method": .string(result.method)]
        let detection = BWDetection(id: 0, stationID: photo.stationID, speciesID: species.id, time: photo.time, lat: photo.lat, lon: photo.lon,
                                    confidence: result.probability, probability: nil, score: score,
                                    certainty: configuration.certainty(score: score), algorithm: "roost-photo/\(result.model)",
                                    metadata: metadata.serialized(), soundscape: nil)
        let listed = configuration.isListed(confidence: result.probability, score: score, species: species.birdNETName)
        _ = try store.finishPhoto(id: photo.id, status: "detected", label: result.label, probability: result.probability,
                                  message: listed ? nil : "below the listing thresholds (confidenceGte, scoreGte)",
                                  detection: (detection, listed))
    }
}
