import Foundation

/// `roost import` arguments:
/// `roost import PATH... --kind K --server URL [--lane batch] [--concurrency N] [--api-key K] [--out results.jsonl|.csv] [--wait S]`.
/// `PATH` is a file, a folder (walked recursively, hidden entries skipped) or `@list.txt` (one path per line).
struct ImportOptions: Sendable {
    /// Files, folders and `@lists` to import.
    var paths: [String] = []
    /// The job kind (`POST /jobs/{kind}`).
    var kind = "classify"
    /// The gateway, `http://host:port` (default `$ROOST_SERVER` or `http://127.0.0.1:8080`).
    var server = ProcessInfo.processInfo.environment["ROOST_SERVER"] ?? "http://127.0.0.1:8080"
    /// `interactive` or `batch` (default).
    var lane = "batch"
    /// Files in flight at once.
    var concurrency = 4
    /// `X-Api-Key` (default `$ROOST_API_KEY`): the owner of the jobs.
    var apiKey = ProcessInfo.processInfo.environment["ROOST_API_KEY"]
    /// Result file: `.csv` for CSV, anything else JSON lines. Its journal is `<out>.journal`.
    var out = "results.jsonl"
    /// Long-poll seconds per status request.
    var wait = 30

    /// The usage text.
    static let usage = """
        usage: roost import PATH... --kind classify|probe|faces|birds|audio [--server URL] [--lane batch|interactive]
                                    [--concurrency N] [--api-key KEY] [--out results.jsonl|results.csv] [--wait SECONDS]
          PATH: a file, a folder (walked recursively) or @list.txt (one path per line).
          Interrupted, the same command resumes: files already in --out are skipped, submitted ones are not sent again.
        """

    /// Parses the arguments after `import`.
    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst(), !next.hasPrefix("--") else { throw UsageError("\(flag) needs a value") }
            return next
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--kind": kind = try value(argument)
            case "--server": server = try value(argument)
            case "--lane":
                lane = try value(argument)
                guard lane == "batch" || lane == "interactive" else { throw UsageError("--lane must be batch or interactive") }
            case "--concurrency":
                guard let n = Int(try value(argument)), (1...256).contains(n) else { throw UsageError("--concurrency must be 1 to 256") }
                concurrency = n
            case "--api-key": apiKey = try value(argument)
            case "--out": out = try value(argument)
            case "--wait":
                guard let n = Int(try value(argument)), (1...300).contains(n) else { throw UsageError("--wait must be 1 to 300 seconds") }
                wait = n
            case "-h", "--help": throw UsageError("")
            default:
                if argument.hasPrefix("--") { throw UsageError("unknown option \(argument)") }
                paths.append(argument)
            }
        }
        guard !paths.isEmpty else { throw UsageError("no PATH given") }
        guard kind.range(of: "^[a-z][a-z0-9_]{0,31}$", options: .regularExpression) != nil else {
            throw UsageError("--kind must be a job kind such as classify")
        }
    }

    /// True when the results are written as CSV.
    var writesCSV: Bool { out.lowercased().hasSuffix(".csv") }
}

/// A mistake in the command line; the message (empty for `--help`) is printed with the usage.
struct UsageError: Error {
    /// What is wrong.
    let message: String
    init(_ message: String) { self.message = message }
}
