import Foundation
import Shared

/// Runs `roost import`: `concurrency` threads, each with its own keep-alive connection, take the
/// next file, submit it (once: see `ImportLedger`), long-poll its job to the end and record the
/// outcome. `503`/`429` wait for `Retry-After`; a gateway that cannot be reached is retried with
/// backoff (`maxOutage` seconds at most, then the import stops, to be resumed later).
final class Importer: @unchecked Sendable {
    // @unchecked Sendable: `next` and `fatal` are only touched under `lock`; the rest is immutable or thread-safe.
    private let options: ImportOptions
    private let files: [String]
    private let ledger: ImportLedger
    private let progress: ImportProgress
    private let host: String
    private let port: Int
    private let lock = NSLock()
    private var next = 0
    private var fatal: String?
    /// Longest the gateway may be unreachable before the import gives up (seconds).
    let maxOutage: Double

    /// An import of `files` (already expanded) into the gateway of `options`.
    init(options: ImportOptions, files: [String], maxOutage: Double = 300) throws {
        self.options = options
        (host, port) = try HTTPClient.endpoint(options.server)
        let ledger = try ImportLedger(out: options.out, csv: options.writesCSV)
        self.ledger = ledger
        let pending = files.filter { !ledger.finished.contains($0) }
        self.files = pending
        progress = ImportProgress(total: files.count, alreadyDone: files.count - pending.count, earlierFailures: ledger.finishedFailures)
        self.maxOutage = maxOutage
    }

    /// Imports every pending file; returns the exit status (0 all succeeded or skipped, 1 some failed
    /// in this run or an earlier one of the same import, 3 stopped early).
    func run() -> Int32 {
        let group = DispatchGroup()
        for index in 0..<min(options.concurrency, max(files.count, 1)) {
            let thread = Thread { [self] in
                let client = HTTPClient(host: host, port: port, timeout: Double(options.wait) + 30)
                while let path = take() {
                    let outcome = importFile(path, client: client)
                    if let outcome {
                        ledger.record(outcome)
                        progress.finished(outcome)
                    }
                }
                group.leave()
            }
            thread.name = "roost-import-\(index)"
            group.enter()
            thread.start()
        }
        while group.wait(timeout: .now() + 0.5) == .timedOut { progress.tick() }
        FileHandle.standardError.write(Data((progress.summary(out: options.out) + "\n").utf8))
        if let fatal = lock.withLock({ fatal }) {
            FileHandle.standardError.write(Data("roost import: stopped: \(fatal)\nrun the same command again to resume\n".utf8))
            return 3
        }
        return progress.failed + progress.earlierFailures > 0 ? 1 : 0
    }

    private func take() -> String? {
        lock.withLock {
            guard fatal == nil, next < files.count else { return nil }
            defer { next += 1 }
            return files[next]
        }
    }

    private func stop(_ reason: String) { lock.withLock { if fatal == nil { fatal = reason } } }

    /// Submits (or finds) and awaits one file's job; nil when the import is stopping.
    private func importFile(_ path: String, client: HTTPClient) -> ImportOutcome? {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ImportOutcome(path: path, jobID: nil, state: "rejected", result: nil, error: ("unreadable", "cannot read the file"))
        }
        let bytes = [UInt8](data)
        if options.kind != "audio", !ImportFiles.looksLikeImage(bytes) {
            return ImportOutcome(path: path, jobID: nil, state: "skipped", result: nil, error: ("not_an_image", "not a JPEG or PNG file"))
        }
        let sha = SHA256.hexDigest(bytes)
        var jobID = ledger.submission(for: path, sha256: sha)
        if jobID == nil {
            switch submit(path: path, bytes: bytes, sha256: sha, client: client) {
            case .job(let id):
                ledger.recordSubmission(path: path, sha256: sha, jobID: id)
                jobID = id
            case .refused(let outcome): return outcome
            case .stopping: return nil
            }
        }
        return awaitJob(path: path, jobID: jobID!, client: client)
    }

    private enum Submission {
        case job(String)
        case refused(ImportOutcome)
        case stopping
    }

    private func submit(path: String, bytes: [UInt8], sha256: String, client: HTTPClient) -> Submission {
        let boundary = "roost-import-\(sha256.prefix(24))"
        let name = ((path as NSString).lastPathComponent).replacingOccurrences(of: "\"", with: "_")
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        var headers = [("Content-Type", "multipart/form-data; boundary=\(boundary)"), ("X-Roost-Lane", options.lane),
                       ("Idempotency-Key", "roost-import-\(options.kind)-\(sha256)")]
        if let key = options.apiKey { headers.append(("X-Api-Key", key)) }
        var outageStart: Date?
        while true {
            if lock.withLock({ fatal != nil }) { return .stopping }
            do {
                let response = try client.send("POST", "/jobs/\(options.kind)", headers: headers, body: body)
                outageStart = nil
                let json = (try? JSON.parse(response.body)) ?? .null
                switch response.status {
                case 200, 201, 202:
                    guard let id = json["id"]?.stringValue else { return .refused(rejected(path, response, json)) }
                    return .job(id)
                case 429, 503:
                    Thread.sleep(forTimeInterval: Double(response.header("Retry-After") ?? "") ?? 5)
                case 404 where json["error"]?["message"]?.stringValue?.contains("unknown job kind") == true:
                    stop(json["error"]?["message"]?.stringValue ?? "unknown job kind")
                    return .stopping
                case 401, 403:
                    stop("the gateway refused the credentials (\(response.status))")
                    return .stopping
                default:
                    return .refused(rejected(path, response, json))
                }
            } catch {
                client.close()
                if !waitOutOutage(&outageStart, error) { return .stopping }
            }
        }
    }

    private func rejected(_ path: String, _ response: HTTPClientResponse, _ json: JSON) -> ImportOutcome {
        let code = json["error"]?["code"]?.stringValue ?? "http_\(response.status)"
        let message = json["error"]?["message"]?.stringValue ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        return ImportOutcome(path: path, jobID: nil, state: "rejected", result: nil, error: (code, message))
    }

    /// Long-polls the job until it ends.
    private func awaitJob(path: String, jobID: String, client: HTTPClient) -> ImportOutcome? {
        var headers: [(String, String)] = []
        if let key = options.apiKey { headers.append(("X-Api-Key", key)) }
        var outageStart: Date?
        while true {
            if lock.withLock({ fatal != nil }) { return nil }
            do {
                let response = try client.send("GET", "/jobs/\(jobID)?wait=\(options.wait)", headers: headers)
                outageStart = nil
                let json = (try? JSON.parse(response.body)) ?? .null
                switch response.status {
                case 200:
                    guard let state = json["state"]?.stringValue else { continue }
                    guard ["succeeded", "failed", "dead", "cancelled"].contains(state) else { continue }
                    let error = json["error"].map { ($0["code"]?.stringValue ?? state, $0["message"]?.stringValue ?? "") }
                    return ImportOutcome(path: path, jobID: jobID, state: state, result: json["result"], error: error)
                case 429, 503:
                    Thread.sleep(forTimeInterval: Double(response.header("Retry-After") ?? "") ?? 5)
                case 404:
                    return ImportOutcome(path: path, jobID: jobID, state: "lost", result: nil,
                                         error: ("job_not_found", "the gateway no longer knows job \(jobID) (another API key, or removed by retention)"))
                default:
                    Thread.sleep(forTimeInterval: 1)
                }
            } catch {
                client.close()
                if !waitOutOutage(&outageStart, error) { return nil }
            }
        }
    }

    /// Sleeps before retrying an unreachable gateway; false (and the import stops) after `maxOutage`.
    private func waitOutOutage(_ start: inout Date?, _ error: any Error) -> Bool {
        let began = start ?? Date()
        start = began
        let down = Date().timeIntervalSince(began)
        if down > maxOutage {
            stop("the gateway at \(options.server) has not answered for \(Int(down)) s (\(error))")
            return false
        }
        Thread.sleep(forTimeInterval: min(5, 0.25 * pow(2, min(down, 10))))
        return true
    }
}
