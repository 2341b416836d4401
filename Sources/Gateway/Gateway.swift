import Foundation
import Shared

/// The gateway process: SQLite store, Redis pool, result ingester and HTTP server, wired together.
///
/// Stop order: long-polls are answered at once, the HTTP server stops accepting and finishes in-flight requests first (they may
/// still need Redis and SQLite), then the ingester records what it has read, then the store closes.
final class Gateway: @unchecked Sendable {
    // Safe: all properties are set in init and never reassigned; each is itself thread-safe.
    let configuration: GatewayConfiguration
    let store: JobStore
    /// The face-identifier API's store: its own connection to the same database file.
    let faceStore: FaceIDStore
    /// The BirdWeather API: its store (another connection to the same file), catalogue and files.
    let birdWeather: BirdWeatherService
    /// TheDogAPI: its store (another connection to the same file) and image files.
    let dogAPI: DogAPIService
    let server: HTTPServer
    private let ingester: ResultIngester
    private let waiters: JobWaiters
    private let janitor: StoreJanitor
    private let rates: LaneRateSampler
    private let log: Log

    /// Job kinds the job API accepts.
    static let jobKinds: Set<String> = Set(JobKind.submittable.map(\.rawValue))

    /// Opens the store (running migrations), prepares Redis and builds the routes.
    init(configuration: GatewayConfiguration, log: Log) throws {
        self.configuration = configuration
        self.log = log
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let databasePath = configuration.dataDirectory.appendingPathComponent("roost.sqlite").path
        store = try JobStore(path: databasePath)
        faceStore = try FaceIDStore(path: databasePath)
        let pool = RedisPool(endpoint: configuration.redis, settings: configuration.queue)
        let waiters = JobWaiters(limit: configuration.maxLongPolls)
        self.waiters = waiters
        let originals = try OriginalStore(directory: configuration.dataDirectory.appendingPathComponent("originals"))
        let jobs = JobService(store: store, pool: pool, waiters: waiters, settings: configuration.queue, originals: originals,
                              kinds: Gateway.jobKinds, cache: ResultCache(scope: configuration.resultCache, pool: pool))
        let metrics = GatewayMetrics()
        let router = Router()
        JobRoutes(jobs: jobs, configuration: configuration).register(on: router)
        BirdRoutes(jobs: jobs, configuration: configuration).register(on: router)
        OpsRoutes(pool: pool, metrics: metrics, store: store, access: OpsAccess(token: configuration.opsToken), waiters: waiters).register(on: router)
        rates = LaneRateSampler(pool: pool)
        DashboardRoutes(pool: pool, store: store, originals: originals, sampler: rates, access: OpsAccess(token: configuration.opsToken))
            .register(on: router)
        try FaceIDRoutes(store: faceStore, jobs: jobs, configuration: configuration, log: log).register(on: router)
        let birdWeather = try BirdWeatherService(dataDirectory: configuration.dataDirectory, settings: configuration.birdWeather, jobs: jobs,
                                                 jobStore: store, log: log)
        self.birdWeather = birdWeather
        BirdWeatherRoutes(service: birdWeather, configuration: configuration).register(on: router)
        let dogAPI = try DogAPIService(dataDirectory: configuration.dataDirectory, settings: configuration.dogAPI, jobs: jobs, jobStore: store, log: log)
        self.dogAPI = dogAPI
        DogAPIRoutes(service: dogAPI, configuration: configuration, access: OpsAccess(token: configuration.opsToken)).register(on: router)
        OpenAPIRoutes().register(on: router)
        server = HTTPServer(configuration: configuration.http, router: router, log: log, onRequest: { metrics.record($0) })
        metrics.gaugeConnections { [server] in server.openConnections }
        janitor = StoreJanitor(store: store, pool: pool, waiters: waiters, originals: originals, retentionDays: configuration.retentionDays,
                               interval: configuration.janitorInterval, staleAfter: configuration.staleAfter, log: log)
        ingester = ResultIngester(store: store, waiters: waiters, endpoint: configuration.redis, settings: configuration.queue,
                                  gatewayID: configuration.gatewayID, consumer: configuration.gatewayID, log: log,
                                  onRecorded: { [store] ended in
                                      // Each API looks only at its own jobs; a job with no row here is another gateway's.
                                      let owners = try store.owners(ofJobs: ended)
                                      let owned = { (prefix: String) in zip(ended, owners).filter { $0.1?.hasPrefix(prefix) ?? false }.map(\.0) }
                                      let birdJobs = owned(BirdWeatherService.ownerPrefix), dogJobs = owned(DogAPIService.ownerPrefix)
                                      if !birdJobs.isEmpty { try birdWeather.jobsEnded(birdJobs) }
                                      if !dogJobs.isEmpty { try dogAPI.jobsEnded(dogJobs) }
                                  })
    }

    /// Starts ingesting and serving: the ingester first, whose consumer group must exist before the
    /// first job is accepted (see `ResultIngester.start`).
    func start() throws {
        try ingester.start()
        janitor.start()
        rates.start()
        try server.start()
        log.info("gateway listening", [("port", .int(server.boundPort)), ("redis", .string(configuration.redis.redacted)),
                                       ("data", .string(configuration.dataDirectory.path))])
    }

    /// Graceful stop, in the order described above.
    func shutdown() {
        waiters.close()
        server.shutdown()
        ingester.shutdown()
        janitor.shutdown()
        rates.shutdown()
        faceStore.close()
        birdWeather.close()
        dogAPI.close()
        store.close()
        log.info("gateway stopped")
    }
}
