import Foundation
import Shared

/// The gateway's settings, read once from `ROOST_*` variables in `main`.
struct GatewayConfiguration: Sendable {
    /// Redis (`ROOST_REDIS_URL`, default `redis://127.0.0.1:6379`).
    var redis = RedisEndpoint()
    /// This gateway's name among the gateways sharing one Redis (`ROOST_GATEWAY_ID`, default
    /// `gateway`): its ingester's consumer group on the event streams
    /// (`QueueLayout.ingesterGroup(gatewayID:)`), so each gateway reads every event.
    var gatewayID = QueueLayout.ingesterGroup
    /// Queue behaviour shared with the workers.
    var queue = QueueSettings()
    /// HTTP server settings (`ROOST_HTTP_*`).
    var http = HTTPServerConfiguration()
    /// Directory of the SQLite database and the kept uploads, `originals/` (`ROOST_DATA_DIR`, default `.roost/data`).
    var dataDirectory = URL(fileURLWithPath: ".roost/data")
    /// Largest upload accepted by upload routes (`ROOST_MAX_UPLOAD_BYTES`, default 10 MiB).
    var maxUploadBytes = 10 << 20
    /// Largest image accepted, in pixels, read from the JPEG header before enqueue (`ROOST_MAX_IMAGE_PIXELS`, default 40000000).
    var maxImagePixels = 40_000_000
    /// Longest recording `POST /jobs/audio` accepts, by its header (`ROOST_MAX_AUDIO_SECONDS`, default 3600 s).
    var maxAudioSeconds = 3600.0
    /// Longest `?wait=` a status request may hold, in seconds (`ROOST_MAX_WAIT`, default 30).
    var maxWait = 30.0
    /// Long-polls waiting at once (`ROOST_MAX_LONG_POLLS`, default 10000; each is parked, holding
    /// no thread, only its connection); beyond it `?wait=` answers at once.
    var maxLongPolls = 10_000
    /// How long synchronous endpoints wait for a worker before answering 202 (`ROOST_SYNC_TIMEOUT`, default 20 s).
    var syncTimeout = 20.0
    /// The face-identifier API (`ROOST_PANEL_*`, `ROOST_FACE_*`).
    var faceID = FaceIDSettings()
    /// The BirdWeather API (`ROOST_SOUNDSCAPE_*`, `ROOST_BIRDWEATHER_*`, the catalogue from `ROOST_MODELS_DIR`).
    var birdWeather = BirdWeatherSettings()
    /// TheDogAPI (`ROOST_DOGAPI_*`).
    var dogAPI = DogAPISettings()

    /// Bearer token for `/ops/*` and `/metrics` (`ROOST_OPS_TOKEN`; unset: those answer on loopback only).
    var opsToken: String? = nil

    /// Days finished jobs are kept in SQLite (`ROOST_STORE_RETENTION_DAYS`, default 30).
    var retentionDays = 30.0
    /// Seconds between store janitor rounds (`ROOST_JANITOR_INTERVAL`, default 60).
    var janitorInterval = 60.0
    /// Seconds an unfinished job may go without news before the janitor checks it against Redis and,
    /// when Redis lost it, queues it again from its original (`ROOST_STALE_AFTER`, default 120).
    var staleAfter = 120.0
    /// Whose results a job may reuse (`ROOST_RESULT_CACHE`: `owner`, `shared` or `off`; see `ResultCache`).
    var resultCache = ResultCache.Scope.owner

    /// Defaults (tests override fields).
    init() {}

    /// Reads the environment.
    init(environment env: Environment) {
        do { redis = try RedisEndpoint(url: env.string("ROOST_REDIS_URL", default: "redis://127.0.0.1:6379")) } catch {
            Environment.fatal(error.description)
        }
        queue = QueueSettings(environment: env)
        gatewayID = env.string("ROOST_GATEWAY_ID", default: gatewayID)
        guard QueueLayout.isValidGatewayID(gatewayID) else {
            Environment.fatal("ROOST_GATEWAY_ID must be 1 to 64 characters of A-Z, a-z, 0-9, _ and - (got '\(gatewayID)')")
        }
        http = HTTPServerConfiguration(environment: env)
        dataDirectory = URL(fileURLWithPath: env.string("ROOST_DATA_DIR", default: ".roost/data"))
        maxUploadBytes = env.int("ROOST_MAX_UPLOAD_BYTES", default: maxUploadBytes, range: 1_024...(1 << 30))
        maxImagePixels = env.int("ROOST_MAX_IMAGE_PIXELS", default: maxImagePixels, range: 1...1_000_000_000)
        maxAudioSeconds = env.seconds("ROOST_MAX_AUDIO_SECONDS", default: maxAudioSeconds)
        maxWait = env.seconds("ROOST_MAX_WAIT", default: maxWait)
        syncTimeout = env.seconds("ROOST_SYNC_TIMEOUT", default: syncTimeout)
        maxLongPolls = env.int("ROOST_MAX_LONG_POLLS", default: maxLongPolls, range: 0...100_000)
        retentionDays = env.seconds("ROOST_STORE_RETENTION_DAYS", default: retentionDays)
        janitorInterval = env.seconds("ROOST_JANITOR_INTERVAL", default: janitorInterval)
        staleAfter = env.seconds("ROOST_STALE_AFTER", default: staleAfter)
        faceID = FaceIDSettings(environment: env)
        let cacheScope = env.string("ROOST_RESULT_CACHE", default: resultCache.rawValue)
        guard let scope = ResultCache.Scope(rawValue: cacheScope) else {
            Environment.fatal("ROOST_RESULT_CACHE must be owner, shared or off (got '\(cacheScope)')")
        }
        resultCache = scope
        birdWeather = BirdWeatherSettings(env: env)
        dogAPI = DogAPISettings(env: env)
        opsToken = env.values["ROOST_OPS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
