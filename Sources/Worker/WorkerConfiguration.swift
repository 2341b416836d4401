import Foundation
import Shared

/// A worker process's settings, read once from `ROOST_*` variables in `main`.
struct WorkerConfiguration: Sendable {
    /// Redis (`ROOST_REDIS_URL`, default `redis://127.0.0.1:6379`).
    var redis = RedisEndpoint()
    /// Queue behaviour shared with the gateway.
    var queue = QueueSettings()
    /// Analysis threads (`ROOST_WORKER_THREADS`, default: one per core).
    var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Messages each thread takes per read (`ROOST_WORKER_PREFETCH`, default 4): bounded prefetch.
    var prefetch = 4
    /// Where models are (`ROOST_MODELS_DIR`, default `./models`).
    var modelsDirectory = URL(fileURLWithPath: "models")
    /// This process's id in the fleet (`ROOST_WORKER_ID`, default `host:pid:random`).
    var workerID = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt16.random(in: 0...UInt16.max))"
    /// Seconds between heartbeats and keep-alives (`ROOST_HEARTBEAT_INTERVAL`, default 5; capped at a third of the visibility timeout).
    var heartbeatInterval = 5.0
    /// Seconds SIGTERM waits for in-flight jobs (`ROOST_DRAIN_TIMEOUT`, default 60).
    var drainTimeout = 60.0
    /// Job kinds this worker runs (`ROOST_WORKER_KINDS`, comma-separated, default every kind of `JobKind.all`).
    var kinds = JobKind.all.map(\.rawValue)
    /// True when `ROOST_WORKER_KINDS` is set: then a kind whose model is missing stops the worker;
    /// by default such a kind (`audio` without `make models`' BirdNET files) is left out with a warning.
    var kindsExplicit = false
    /// Longest recording an `audio` job decodes (`ROOST_MAX_AUDIO_SECONDS`, default 3600 s).
    var maxAudioSeconds = 3600.0
    /// Largest image a job may decode, in pixels (`ROOST_MAX_IMAGE_PIXELS`, default 40000000).
    var maxImagePixels = 40_000_000
    /// Longest side face detection runs at (`ROOST_FACE_MAX_SIDE`, default 1920); larger photos are shrunk to it.
    var faceMaxSide = FaceAnalyzer.defaultMaxSide

    /// Reads the environment.
    init(environment env: Environment) {
        do { redis = try RedisEndpoint(url: env.string("ROOST_REDIS_URL", default: "redis://127.0.0.1:6379")) } catch {
            Environment.fatal(error.description)
        }
        queue = QueueSettings(environment: env)
        threads = env.int("ROOST_WORKER_THREADS", default: threads, range: 1...256)
        prefetch = env.int("ROOST_WORKER_PREFETCH", default: prefetch, range: 1...1000)
        modelsDirectory = URL(fileURLWithPath: env.string("ROOST_MODELS_DIR", default: "models"))
        workerID = env.string("ROOST_WORKER_ID", default: workerID)
        // The id ends the first line of a job's `done` (`JobEnd`).
        if workerID.isEmpty || workerID.count > 200 || workerID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            Environment.fatal("ROOST_WORKER_ID must be 1 to 200 characters without control characters (newlines, tabs)")
        }
        heartbeatInterval = min(env.seconds("ROOST_HEARTBEAT_INTERVAL", default: heartbeatInterval), queue.visibilityTimeout / 3)
        drainTimeout = env.seconds("ROOST_DRAIN_TIMEOUT", default: drainTimeout)
        kindsExplicit = !(env.values["ROOST_WORKER_KINDS"] ?? "").isEmpty
        maxAudioSeconds = env.seconds("ROOST_MAX_AUDIO_SECONDS", default: maxAudioSeconds)
        kinds = env.string("ROOST_WORKER_KINDS", default: kinds.joined(separator: ","))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        maxImagePixels = env.int("ROOST_MAX_IMAGE_PIXELS", default: maxImagePixels, range: 1...1_000_000_000)
        faceMaxSide = env.int("ROOST_FACE_MAX_SIDE", default: faceMaxSide, range: 32...8192)
    }
}
