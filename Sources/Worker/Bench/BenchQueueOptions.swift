import Shared

/// The parsed command line of `roost-worker bench-queue`.
struct BenchQueueOptions {
    /// The usage text printed on a mistake.
    static let usage = """
    usage: roost-worker bench-queue enqueue --jobs N [--clients C] [--lane L]
           roost-worker bench-queue drain --total N --key KEY --parked PARKED [--type xlen|llen] [--timeout S]
           roost-worker bench-queue latency --rate R --seconds S [--lane L] [--timeout S]
    """

    /// `enqueue`, `drain` or `latency`.
    var mode = ""
    /// Jobs to enqueue (`--jobs`), or jobs the drained key held (`--total`).
    var jobs = 20_000
    /// Enqueuing threads.
    var clients = 1
    /// The lane jobs go to.
    var lane = Lane.interactive
    /// The key `drain` watches.
    var key = ""
    /// How `drain` measures the key: `xlen` (a Roost lane stream) or `llen` (a Sidekiq/RQ list).
    var keyType = "xlen"
    /// The key `drain` renames to `key` to release the jobs.
    var parkedKey = ""
    /// Jobs per second for `latency`.
    var rate = 1000.0
    /// Seconds `latency` enqueues for.
    var seconds = 5.0
    /// Upper bound on the run, seconds.
    var timeout = 120.0
    /// `enqueue`: the job kind (default `noop`, with a 16-byte blob).
    var kind = "noop"
    /// `enqueue --kind`: photo files whose bytes the jobs carry, in turn.
    var photos: [String] = []

    /// Parses `arguments` (everything after `bench-queue`).
    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        guard let mode = rest.popFirst(), ["enqueue", "drain", "latency"].contains(mode) else {
            throw UsageError(description: "give a mode: enqueue, drain or latency")
        }
        self.mode = mode
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws -> Double {
            let text = try value(flag)
            guard let n = Double(text), n > 0 else { throw UsageError(description: "\(flag) needs a positive number, got \(text)") }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--jobs", "--total": jobs = Int(try number(argument))
            case "--clients": clients = Int(try number(argument))
            case "--rate": rate = try number(argument)
            case "--seconds": seconds = try number(argument)
            case "--timeout": timeout = try number(argument)
            case "--kind": kind = try value(argument)
            case "--photo": photos.append(try value(argument))
            case "--key": key = try value(argument)
            case "--parked": parkedKey = try value(argument)
            case "--type":
                keyType = try value(argument)
                guard ["xlen", "llen"].contains(keyType) else { throw UsageError(description: "--type is xlen or llen") }
            case "--lane":
                let text = try value(argument)
                guard let parsed = Lane(header: text) else { throw UsageError(description: "unknown lane \(text)") }
                lane = parsed
            default: throw UsageError(description: "unknown option \(argument)")
            }
        }
        if mode == "drain", key.isEmpty || parkedKey.isEmpty { throw UsageError(description: "drain needs --key and --parked") }
        if kind != "noop", photos.isEmpty { throw UsageError(description: "--kind \(kind) needs at least one --photo") }
        if jobs < 1 || clients < 1 { throw UsageError(description: "--jobs and --clients must be at least 1") }
    }
}
