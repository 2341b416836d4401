import Shared

/// TheDogAPI's settings (`ROOST_DOGAPI_*`).
struct DogAPISettings: Sendable {
    /// Requests per minute per API key (anonymous: per client address) (`ROOST_DOGAPI_RATE_LIMIT`, default 600; 0: unlimited).
    var rateLimit = 600
    /// Images an account may keep at once (`ROOST_DOGAPI_UPLOAD_QUOTA`, default 10000).
    var uploadQuota = 10_000

    /// Reads the variables.
    init(env: Environment) {
        rateLimit = env.int("ROOST_DOGAPI_RATE_LIMIT", default: rateLimit, range: 0...1_000_000)
        uploadQuota = env.int("ROOST_DOGAPI_UPLOAD_QUOTA", default: uploadQuota, range: 0...100_000_000)
    }

    /// Defaults.
    init() {}
}
