import Foundation
import Shared

/// The BirdWeather API v1 (seed 001) at its native paths under `/api/v1`: accounts, guest and
/// user stations, station stats, species and detections, soundscapes, the species catalogue and
/// the configuration; beyond the seed, `POST /api/v1/stations` (more stations per user) and
/// station photos classified by the workers.
///
/// Every answer is `{"success": true, ...}` or an error in the service's shapes (see
/// `BirdWeatherError`). Station tokens travel in paths, so their routes are logged by pattern.
struct BirdWeatherRoutes {
    let service: BirdWeatherService
    let configuration: GatewayConfiguration

    /// Adds the routes to `router`.
    func register(on router: Router) {
        router.add("POST", "/api/v1/authenticate") { request in try BirdWeatherError.answering { try authenticate(request) } }
        router.add("POST", "/api/v1/user") { request in try BirdWeatherError.answering { try createUser(request) } }
        router.add("GET", "/api/v1/user") { request in try BirdWeatherError.answering { try showUser(request) } }
        router.add("PATCH", "/api/v1/user") { request in try BirdWeatherError.answering { try updateUser(request) } }
        router.add("DELETE", "/api/v1/user") { request in try BirdWeatherError.answering { try deleteUser(request) } }
        router.add("POST", "/api/v1/guest") { request in try BirdWeatherError.answering { try createGuest(request) } }
        router.add("POST", "/api/v1/stations") { request in try BirdWeatherError.answering { try createStation(request) } }
        registerStations(on: router)
        registerSoundscapes(on: router)
        registerSpecies(on: router)
    }

    // MARK: Accounts

    private func authenticate(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try BirdWeatherParameters(request)
        let email = p.nonBlank("email") ?? ""
        let password = p.string("password") ?? ""
        if let wait = service.throttle.attempt(account: email.lowercased(), address: RequestIdentity.host(ofRemoteAddress: request.remoteAddress)) {
            throw BirdWeatherError.throttled(wait)
        }
        let found = try service.store.user(email: email)
        // The same PBKDF2 work whether or not the email exists.
        let matches = SecretHash.verify(password, against: found?.passwordHash ?? service.decoyHash) && found != nil
        guard let user = found?.user, matches else { throw BirdWeatherError.unauthorized("Invalid credentials") }
        let token = try service.issueUserToken(userID: user.id)
        return .json(200, ["success": true, "user": try service.userJSON(user, token: token)])
    }

    private func createUser(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try BirdWeatherParameters(request)
        var errors = FieldErrors()
        let email = errors.email(p.nonBlank("email"))
        let password = errors.password(p.string("password"), required: true)
        let displayName = errors.name("displayName", p.nonBlank("displayName"), required: true)
        let firstName = errors.name("firstName", p.nonBlank("firstName"), required: false)
        let lastName = errors.name("lastName", p.nonBlank("lastName"), required: false)
        var guest: BWStation?
        if let guestToken = p.nonBlank("authToken") {
            guest = try service.store.station(tokenSHA256: StationTokens.digest(guestToken))
            if guest?.type != "guest" || guest?.userID != nil { errors.add("authToken", "is not the token of an unclaimed guest station") }
        }
        try errors.check()
        let hash = SecretHash.make(password!, iterations: service.settings.passwordIterations)
        guard let (user, stationID) = try service.store.createUser(email: email!, passwordHash: hash, firstName: firstName, lastName: lastName,
                                                                  displayName: displayName!, guestStationID: guest?.id) else {
            throw BirdWeatherError.invalid("email", "has already been taken")
        }
        if guest == nil { _ = try service.issueStationToken(id: stationID) }
        let token = try service.issueUserToken(userID: user.id)
        return .json(201, ["success": true, "user": try service.userJSON(user, token: token)])
    }

    private func showUser(_ request: HTTPRequest) throws -> HTTPResponse {
        let (user, token) = try service.user(token: try BirdWeatherParameters(request).token)
        return .json(200, ["success": true, "user": try service.userJSON(user, token: token)])
    }

    private func updateUser(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try BirdWeatherParameters(request)
        var (user, token) = try service.user(token: p.token)
        var errors = FieldErrors()
        if p.value("email") != nil, let email = errors.email(p.nonBlank("email")) { user.email = email }
        let password = p.value("password") != nil ? errors.password(p.string("password"), required: true) : nil
        if p.value("displayName") != nil, let name = errors.name("displayName", p.nonBlank("displayName"), required: true) { user.displayName = name }
        if p.value("firstName") != nil { user.firstName = errors.name("firstName", p.nonBlank("firstName"), required: false) }
        if p.value("lastName") != nil { user.lastName = errors.name("lastName", p.nonBlank("lastName"), required: false) }
        try errors.check()
        let hash = password.map { SecretHash.make($0, iterations: service.settings.passwordIterations) }
        guard try service.store.updateUser(user, passwordHash: hash, keepingTokenSHA256: StationTokens.digest(token)) else { throw BirdWeatherError.invalid("email", "has already been taken") }
        return .json(200, ["success": true, "user": try service.userJSON(user, token: token)])
    }

    private func deleteUser(_ request: HTTPRequest) throws -> HTTPResponse {
        let (user, _) = try service.user(token: try BirdWeatherParameters(request).token)
        service.removeUnusedSoundscapeFiles(try service.store.deleteUser(id: user.id))
        return .json(200, ["success": true])
    }

    private func createGuest(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = try service.store.createStation(userID: nil, name: "Guest", lat: nil, lon: nil)
        let token = try service.issueStationToken(id: id)
        guard let station = try service.store.station(id: id) else { throw HTTPError.internal() }
        return .json(201, ["success": true, "station": station.json(token: token)])
    }

    private func createStation(_ request: HTTPRequest) throws -> HTTPResponse {
        let p = try BirdWeatherParameters(request)
        let (user, _) = try service.user(token: p.token)
        var errors = FieldErrors()
        let name = errors.name("name", p.nonBlank("name"), required: true)
        let lat = errors.coordinate("lat", try? p.number("lat"), present: p.value("lat") != nil, range: -90...90)
        let lon = errors.coordinate("lon", try? p.number("lon"), present: p.value("lon") != nil, range: -180...180)
        try errors.check()
        let id = try service.store.createStation(userID: user.id, name: name!, lat: lat, lon: lon)
        let token = try service.issueStationToken(id: id)
        guard let station = try service.store.station(id: id) else { throw HTTPError.internal() }
        return .json(201, ["success": true, "station": station.json(token: token)])
    }
}

/// Collects 422 field errors in order, with Rails' messages.
struct FieldErrors {
    private(set) var fields: [(String, [String])] = []

    /// Adds `message` to `field`.
    mutating func add(_ field: String, _ message: String) {
        if let i = fields.firstIndex(where: { $0.0 == field }) { fields[i].1.append(message) } else { fields.append((field, [message])) }
    }

    /// Throws the collected errors, if any.
    func check() throws { if !fields.isEmpty { throw BirdWeatherError.invalid(fields) } }

    /// A present, plausible email of at most 254 characters.
    mutating func email(_ value: String?) -> String? {
        guard let value else { add("email", "can't be blank"); return nil }
        guard value.utf8.count <= 254 else { add("email", "is too long (maximum is 254 characters)"); return nil }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !value.contains(where: \.isWhitespace) else { add("email", "is invalid"); return nil }
        return value
    }

    /// A password of 6 to 128 characters (Devise's defaults).
    mutating func password(_ value: String?, required: Bool) -> String? {
        guard let value, !value.isEmpty else { if required { add("password", "can't be blank") }; return nil }
        guard value.count >= 6 else { add("password", "is too short (minimum is 6 characters)"); return nil }
        guard value.count <= 128 else { add("password", "is too long (maximum is 128 characters)"); return nil }
        return value
    }

    /// A name of at most 100 characters.
    mutating func name(_ field: String, _ value: String?, required: Bool) -> String? {
        guard let value else { if required { add(field, "can't be blank") }; return nil }
        guard value.count <= 100 else { add(field, "is too long (maximum is 100 characters)"); return nil }
        return value
    }

    /// A coordinate within `range`, when present.
    mutating func coordinate(_ field: String, _ value: Double??, present: Bool, range: ClosedRange<Double>) -> Double? {
        guard present else { return nil }
        guard let parsed = value, let number = parsed else { add(field, "is not a number"); return nil }
        guard range.contains(number) else {
            add(field, "must be between \(Int(range.lowerBound)) and \(Int(range.upperBound))"); return nil
        }
        return number
    }
}
