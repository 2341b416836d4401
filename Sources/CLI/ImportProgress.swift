import Foundation

/// Counts what an import did and shows it on standard error: a bar redrawn in place on a
/// terminal, a plain line every `plainInterval` seconds otherwise (logs, CI).
final class ImportProgress: @unchecked Sendable {
    // @unchecked Sendable: the counters are only touched under `lock`.
    private let lock = NSLock()
    private let total: Int
    private let started = Date()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let plainInterval: Double
    private var lastDrawn = Date.distantPast
    /// Files finished this run, by state.
    private(set) var succeeded = 0, failed = 0, skipped = 0
    /// Files found already finished in the results file.
    let alreadyDone: Int
    /// How many of those failed.
    let earlierFailures: Int

    /// Progress over `total` files of which `alreadyDone` (`earlierFailures` of them failed) were finished by an earlier run.
    init(total: Int, alreadyDone: Int, earlierFailures: Int = 0, plainInterval: Double = 5) {
        self.total = total
        self.alreadyDone = alreadyDone
        self.earlierFailures = earlierFailures
        self.plainInterval = plainInterval
    }

    /// Counts one finished file and redraws when due.
    func finished(_ outcome: ImportOutcome) {
        lock.withLock {
            if outcome.state == "succeeded" { succeeded += 1 } else if outcome.state == "skipped" { skipped += 1 } else { failed += 1 }
            draw(force: false)
        }
    }

    /// Redraws if due (call periodically so the rate and ETA move while jobs are slow).
    func tick() { lock.withLock { draw(force: false) } }

    private func draw(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDrawn) >= (isTerminal ? 0.2 : plainInterval) else { return }
        lastDrawn = now
        let done = alreadyDone + succeeded + failed + skipped
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(succeeded + failed + skipped) / elapsed
        let left = total - done
        let eta = rate > 0 ? Self.duration(Double(left) / rate) : "--:--"
        let percent = total == 0 ? 100 : done * 100 / total
        let figures = "\(done)/\(total) \(percent)%  \(String(format: "%.1f", rate)) files/s  ETA \(eta)  failed \(failed + earlierFailures)  skipped \(skipped)"
        if isTerminal {
            let width = 30, filled = total == 0 ? width : done * width / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(figures)\u{1B}[K".utf8))
        } else {
            FileHandle.standardError.write(Data("roost import: \(figures)\n".utf8))
        }
    }

    /// The closing summary (after a last redraw).
    func summary(out: String) -> String {
        lock.withLock {
            draw(force: true)
            if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            let elapsed = Date().timeIntervalSince(started)
            return "roost import: \(total) files: \(succeeded) succeeded, \(failed) failed, \(skipped) skipped (not images)"
                + (alreadyDone > 0 ? ", \(alreadyDone) done by an earlier run (\(earlierFailures) failed)" : "")
                + " in \(Self.duration(elapsed)); results in \(out)"
        }
    }

    /// `m:ss` or `h:mm:ss`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
