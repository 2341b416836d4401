import Foundation
import Shared

/// How one file ended.
struct ImportOutcome: Sendable {
    /// The file.
    let path: String
    /// Its job id, when one was created.
    let jobID: String?
    /// The job's final state, or `skipped` (not an image) / `rejected` (refused by the gateway).
    let state: String
    /// The job's result document, when it succeeded.
    let result: JSON?
    /// The error code and message, when it did not.
    let error: (code: String, message: String)?

    /// True for outcomes that make the import exit non-zero.
    var isFailure: Bool { state != "succeeded" && state != "skipped" }
}

/// What an import has done, kept on disk so that an interrupted import resumes without
/// submitting anything twice:
/// - the **results file** (`--out`) gets one line per finished file; on resume, files already in
///   it are skipped (its lines are read back: JSON lines, or CSV whose first column is the path);
/// - the **journal** (`<out>.journal`, JSON lines) records each submission (path, SHA-256, job
///   id) before its result is awaited; on resume a submitted file's job is polled again, not sent again.
/// Both are appended line by line and flushed; a line cut short by a kill is ignored when read.
/// (The gateway's `Idempotency-Key`, derived from the file's content, covers the gap between a
/// submission and its journal line.)
final class ImportLedger: @unchecked Sendable {
    // @unchecked Sendable: the files and maps are only touched under `lock`.
    private let lock = NSLock()
    private let csv: Bool
    private let output: UnsafeMutablePointer<FILE>
    private let journal: UnsafeMutablePointer<FILE>
    /// Files already in the results file.
    let finished: Set<String>
    /// How many of them failed (their state is neither `succeeded` nor `skipped`).
    let finishedFailures: Int
    private var submissions: [String: (sha256: String, jobID: String)]

    /// Opens (creating or resuming) the results file `out` and its journal.
    init(out: String, csv: Bool) throws {
        self.csv = csv
        let journalPath = out + ".journal"
        let previous = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let earlier = Self.entries(inResults: previous, csv: csv)
        finished = Set(earlier.map(\.path))
        finishedFailures = earlier.filter { $0.state != "succeeded" && $0.state != "skipped" }.count
        var submissions: [String: (String, String)] = [:]
        for line in ((try? String(contentsOfFile: journalPath, encoding: .utf8)) ?? "").split(separator: "\n") {
            guard let entry = try? JSON.parse(Array(line.utf8)), let path = entry["path"]?.stringValue,
                  let sha = entry["sha256"]?.stringValue, let id = entry["job_id"]?.stringValue else { continue }
            submissions[path] = (sha, id)
        }
        self.submissions = submissions
        guard let output = fopen(out, "a"), let journal = fopen(journalPath, "a") else {
            throw UsageError("cannot write \(out) or \(journalPath): \(String(cString: strerror(errno)))")
        }
        self.output = output
        self.journal = journal
        // A line cut short by a kill is ended, so the next line starts clean.
        if !previous.isEmpty, !previous.hasSuffix("\n") { fputs("\n", output) }
        if previous.isEmpty, csv { fputs("path,job_id,state,result,error_code,error_message\n", output) }
        fflush(output)
    }

    deinit {
        fclose(output)
        fclose(journal)
    }

    /// The job submitted earlier for `path` with this content, if any.
    func submission(for path: String, sha256: String) -> String? {
        lock.withLock { submissions[path].flatMap { $0.sha256 == sha256 ? $0.jobID : nil } }
    }

    /// Records that `path` (content `sha256`) became job `jobID`.
    func recordSubmission(path: String, sha256: String, jobID: String) {
        let line: JSON = ["path": .string(path), "sha256": .string(sha256), "job_id": .string(jobID)]
        lock.withLock {
            submissions[path] = (sha256, jobID)
            fputs(line.serialized() + "\n", journal)
            fflush(journal)
        }
    }

    /// Writes the file's result line.
    func record(_ outcome: ImportOutcome) {
        let line = csv ? Self.csvLine(outcome) : Self.jsonLine(outcome)
        lock.withLock {
            fputs(line + "\n", output)
            fflush(output)
        }
    }

    static func jsonLine(_ o: ImportOutcome) -> String {
        var members: [(String, JSON)] = [("path", .string(o.path)), ("job_id", o.jobID.map { .string($0) } ?? .null), ("state", .string(o.state))]
        if let result = o.result { members.append(("result", result)) }
        if let error = o.error { members.append(("error", ["code": .string(error.code), "message": .string(error.message)])) }
        return JSON.object(members).serialized()
    }

    static func csvLine(_ o: ImportOutcome) -> String {
        [o.path, o.jobID ?? "", o.state, o.result?.serialized() ?? "", o.error?.code ?? "", o.error?.message ?? ""]
            .map(csvField).joined(separator: ",")
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The paths of complete lines of a results file.
    static func paths(inResults text: String, csv: Bool) -> Set<String> {
        Set(entries(inResults: text, csv: csv).map(\.path))
    }

    /// The path and state of each complete line of a results file.
    static func entries(inResults text: String, csv: Bool) -> [(path: String, state: String)] {
        var entries: [(String, String)] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }  // cut short by a kill
        for line in lines {
            if csv {
                guard let (path, rest) = csvFirstField(String(line)), path != "path" else { continue }
                entries.append((path, rest.split(separator: ",", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""))
            } else if let entry = try? JSON.parse(Array(line.utf8)), let path = entry["path"]?.stringValue {
                entries.append((path, entry["state"]?.stringValue ?? ""))
            }
        }
        return entries
    }

    /// The first field of a CSV line (quoted or not) and the rest of the line after its comma;
    /// nil when a quoted field is not closed on it.
    static func csvFirstField(_ line: String) -> (field: String, rest: Substring)? {
        guard line.hasPrefix("\"") else {
            guard let comma = line.firstIndex(of: ",") else { return (line, "") }
            return (String(line[..<comma]), line[line.index(after: comma)...])
        }
        var field = ""
        var index = line.index(after: line.startIndex)
        while index < line.endIndex {
            let character = line[index]
            index = line.index(after: index)
            if character == "\"" {
                if index < line.endIndex, line[index] == "\"" { field.append("\""); index = line.index(after: index); continue }
                return (field, index < line.endIndex ? line[line.index(after: index)...] : "")
            }
            field.append(character)
        }
        return nil
    }
}
