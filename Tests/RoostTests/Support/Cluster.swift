import Foundation
@testable import Shared

/// Runs the real `roost-gateway` and `roost-worker` binaries against a private Redis, for
/// end-to-end tests. Everything started is stopped when the cluster is deinitialised.
final class Cluster: @unchecked Sendable {
    // Safe: `workers` is only mutated by the test that owns the cluster (one thread at a time).
    let redis: RedisServer
    let directory: URL
    /// The gateway's port; `startGateway` moves it when another process took it meanwhile.
    private(set) var httpPort: Int
    var gateway: ChildProcess?
    var workers: [ChildProcess] = []
    /// Gateways started by `startOtherGateway`.
    private var others: [ChildProcess] = []
    private(set) var baseEnvironment: [String: String]

    /// The directory holding the binaries: beside the running test bundle.
    static var binDirectory: URL {
        let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return exe.deletingLastPathComponent()
    }

    /// The repository root (for models and fixtures).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    init(environment: [String: String] = [:], redisArguments: [String] = []) throws {
        redis = try RedisServer(extraArguments: redisArguments)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        httpPort = try FreePort.find()
        var env = ProcessInfo.processInfo.environment
        env["ROOST_REDIS_URL"] = redis.url
        env["ROOST_HTTP_PORT"] = String(httpPort)
        env["ROOST_HTTP_HOST"] = "127.0.0.1"
        env["ROOST_DATA_DIR"] = directory.appendingPathComponent("data").path
        env["ROOST_MODELS_DIR"] = Cluster.repositoryRoot.appendingPathComponent("models").path
        env["ROOST_LOG_LEVEL"] = "info"
        for (k, v) in environment { env[k] = v }
        baseEnvironment = env
    }

    deinit {
        for w in workers { w.kill(signal: SIGKILL) }
        gateway?.kill(signal: SIGKILL)
        for other in others { other.kill(signal: SIGKILL) }
        redis.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    static func binary(_ name: String) throws -> String {
        let path = binDirectory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ChildProcess.SpawnError(description: "\(path) is missing: build first with `swift build -c release -Xswiftc -enable-testing` (make test does)")
        }
        return path
    }

    /// Starts the gateway and waits until it listens and answers. The port was free when picked,
    /// but another test may bind it first: then the gateway exits on `EADDRINUSE` and is started
    /// again on a new port. Readiness means *this* process holds the listening socket (from /proc),
    /// never just that something answers on the port.
    func startGateway(_ extra: [String: String] = [:]) throws {
        var env = baseEnvironment
        for (k, v) in extra { env[k] = v }
        let (process, port) = try launchGateway(env, port: httpPort, logName: "gateway.log")
        gateway = process
        httpPort = port
        baseEnvironment["ROOST_HTTP_PORT"] = String(port)
    }

    /// Starts one more gateway on the cluster's Redis, named `name` (its `ROOST_GATEWAY_ID`), with a
    /// data directory of its own (the same one each time it is started under that name), on a port
    /// of its own; waits until it answers. The caller stops it (the cluster kills it at the end).
    func startOtherGateway(named name: String, _ extra: [String: String] = [:]) throws -> (process: ChildProcess, port: Int) {
        var env = baseEnvironment
        env["ROOST_GATEWAY_ID"] = name
        env["ROOST_DATA_DIR"] = dataDirectory(ofGateway: name).path
        for (k, v) in extra { env[k] = v }
        let started = try launchGateway(env, port: try FreePort.find(), logName: "gateway-\(name).log")
        others.append(started.process)
        return started
    }

    /// The data directory of the gateway `startOtherGateway(named:)` starts as `name`.
    func dataDirectory(ofGateway name: String) -> URL { directory.appendingPathComponent("data-\(name)") }

    /// Starts a gateway with `env` on `port` (another free port when that one was taken meanwhile)
    /// and waits until it answers; returns it and the port it listens on.
    private func launchGateway(_ env: [String: String], port first: Int, logName: String) throws -> (process: ChildProcess, port: Int) {
        var port = first
        for _ in 0..<5 {
            var env = env
            env["ROOST_HTTP_PORT"] = String(port)
            let logFile = directory.appendingPathComponent(logName)
            let logStart = (try? FileManager.default.attributesOfItem(atPath: logFile.path)[.size] as? Int) ?? 0
            let process = try ChildProcess(executable: try Cluster.binary("roost-gateway"), arguments: [], environment: env,
                                           logFile: logFile)
            let newLog = { String(self.log(logName).utf8.dropFirst(logStart)) ?? "" }
            let listening = port
            let up = waitUntil(timeout: 30) { process.hasExited || process.isListening(port: listening) }
            if up, !process.hasExited,
               waitUntil(timeout: 30, { (try? TestClient(port: listening).get("/heartbeat").status) == 200 || process.hasExited }),
               !process.hasExited { return (process, port) }
            process.wait(timeout: 5)
            guard newLog().contains("in use") else { throw ChildProcess.SpawnError(description: "gateway did not start: \(newLog())") }
            port = try FreePort.find()
        }
        throw ChildProcess.SpawnError(description: "gateway found no free port: \(log(logName))")
    }

    /// Starts one worker process and returns it.
    @discardableResult
    func startWorker(_ extra: [String: String] = [:], name: String? = nil) throws -> ChildProcess {
        var env = baseEnvironment
        let id = name ?? "test-worker-\(workers.count + 1)"
        env["ROOST_WORKER_ID"] = id
        for (k, v) in extra { env[k] = v }
        let process = try ChildProcess(executable: try Cluster.binary("roost-worker"), arguments: [], environment: env,
                                       logFile: directory.appendingPathComponent("\(id).log"))
        workers.append(process)
        return process
    }

    /// A log file's text, for failure messages.
    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "(no log)"
    }

    /// A queue client on the cluster's Redis.
    func queue(_ settings: QueueSettings = QueueSettings()) throws -> JobQueue {
        let q = JobQueue(connection: try redis.connect(), settings: settings)
        try q.ensureGroups()
        return q
    }
}

/// A small HTTP client over raw sockets: one connection per request.
struct TestClient {
    let port: Int

    init(port: Int) throws { self.port = port }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Double = 30) throws -> RawHTTPResponse {
        let client = try RawHTTPClient(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        // A server may answer (413) and close before reading a large body: read the answer anyway.
        do { try client.send(Array(head.utf8) + body) } catch { return try client.readResponse(timeout: timeout) }
        return try client.readResponse(timeout: timeout, isHead: method == "HEAD")
    }

    func get(_ path: String, headers: [(String, String)] = [], timeout: Double = 30) throws -> RawHTTPResponse {
        try request("GET", path, headers: headers, timeout: timeout)
    }

    /// POSTs `file` as multipart field `field`.
    func upload(_ path: String, file: [UInt8], field: String = "file", filename: String = "photo.jpg",
                headers: [(String, String)] = []) throws -> RawHTTPResponse {
        let boundary = "roost-test-\(UInt32.random(in: 0...UInt32.max))"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return try request("POST", path, headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")] + headers, body: body)
    }
}

extension TestClient {
    /// A `multipart/form-data` body of `parts` (name, file name for file parts, bytes) and its Content-Type.
    static func multipartBody(_ parts: [(String, String?, [UInt8])]) -> (contentType: String, body: [UInt8]) {
        let boundary = "roost-test-\(UInt32.random(in: 0...UInt32.max))"
        var body: [UInt8] = []
        for (name, filename, bytes) in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let filename { head += "; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream" }
            body += Array((head + "\r\n\r\n").utf8) + bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// Sends a multipart form (`parts`: name, file name for file parts, bytes).
    func multipart(_ path: String, parts: [(String, String?, [UInt8])], headers: [(String, String)] = [], method: String = "POST") throws -> RawHTTPResponse {
        let form = Self.multipartBody(parts)
        return try request(method, path, headers: [("Content-Type", form.contentType)] + headers, body: form.body)
    }

    /// Long-polls `GET /jobs/{id}` until the job is terminal or `timeout` seconds pass; returns the last status read.
    func terminalStatus(of id: String, headers: [(String, String)] = [], timeout: Double = 20) throws -> JSON {
        let deadline = Date().addingTimeInterval(timeout)
        var last: JSON = .null
        while Date() < deadline {
            last = try get("/jobs/\(id)?wait=5", headers: headers).jsonBody
            if let state = last["state"]?.stringValue, JobState(rawValue: state)?.isTerminal == true { return last }
        }
        return last
    }
}

extension RawHTTPResponse {
    /// The body parsed as JSON (`.null` when it is not JSON).
    var jsonBody: JSON { (try? JSON.parse(body)) ?? .null }
}
