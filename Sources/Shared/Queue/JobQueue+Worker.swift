/// A stream message delivered to a worker: the job to start.
public struct Delivery: Sendable, Equatable {
    /// The lane it came from.
    public let lane: Lane
    /// The stream entry id (acknowledged when the job ends).
    public let messageID: String
    /// The job id.
    public let jobID: String
}

/// A job a worker has started: everything the analysis needs.
public struct RunningJob: Sendable {
    /// Where it came from.
    public let delivery: Delivery
    /// The analysis.
    public let kind: String
    /// Analysis parameters (a JSON object).
    public let params: JSON
    /// This attempt's number (1-based).
    public let attempt: Int
    /// The uploaded bytes, or nil if they expired before the job ran.
    public let blob: [UInt8]?
    /// When this attempt started (Unix seconds).
    public let startedAt: Double
}

/// How a job attempt ended.
public enum JobOutcome: Sendable {
    /// Success with a result document.
    case succeeded(JSON)
    /// A permanent error: fail now, do not retry.
    case failed(code: String, message: String)
    /// A transient error: retry later (or dead-letter after the last attempt).
    case retry(code: String, message: String)
}

extension JobQueue {
    /// Reads up to `count` new messages from `lanes` in priority order without blocking, or, when
    /// all are empty and `blockMillis` is given, blocks on all of them until one has work.
    public func fetch(consumer: String, lanes: [Lane] = Lane.allCases, count: Int, blockMillis: Int?) throws(RedisError) -> [Delivery] {
        for lane in lanes.sorted() {
            let found = try read(lanes: [lane], consumer: consumer, count: count, blockMillis: nil)
            if !found.isEmpty { return found }
        }
        guard let blockMillis else { return [] }
        let found = try read(lanes: lanes.sorted(), consumer: consumer, count: count, blockMillis: blockMillis)
        // Several lanes may answer at once: interactive first.
        return found.sorted { $0.lane < $1.lane }
    }

    private func read(lanes: [Lane], consumer: String, count: Int, blockMillis: Int?) throws(RedisError) -> [Delivery] {
        var command = ["XREADGROUP", "GROUP", QueueLayout.workerGroup, consumer, "COUNT", String(count)]
        if let blockMillis { command += ["BLOCK", String(blockMillis)] }
        command.append("STREAMS")
        command += lanes.map { layout.stream($0) }
        command += lanes.map { _ in ">" }
        let reply = try connection.call(command)
        return parseStreams(reply, lanes: lanes)
    }

    private func parseStreams(_ reply: RedisReply, lanes: [Lane]) -> [Delivery] {
        var deliveries: [Delivery] = []
        for stream in reply.array ?? [] {
            guard let parts = stream.array, parts.count == 2, let name = parts[0].text,
                  let lane = lanes.first(where: { layout.stream($0) == name }) else { continue }
            deliveries += parseEntries(parts[1], lane: lane)
        }
        return deliveries
    }

    func parseEntries(_ reply: RedisReply, lane: Lane) -> [Delivery] {
        var deliveries: [Delivery] = []
        for entry in reply.array ?? [] {
            guard let pair = entry.array, pair.count == 2, let messageID = pair[0].text,
                  let jobID = pair[1].fieldMap["id"]?.text else { continue }
            deliveries.append(Delivery(lane: lane, messageID: messageID, jobID: jobID))
        }
        return deliveries
    }

    /// Starts delivered jobs in one round trip (one `start` call per lane). Messages whose job was
    /// cancelled, finished or expired are acknowledged and left out; jobs started too often are dead-lettered.
    public func start(_ deliveries: [Delivery], worker: String) throws(RedisError) -> [RunningJob] {
        guard !deliveries.isEmpty else { return [] }
        let now = Clock.now()
        let lanes = Lane.allCases.filter { lane in deliveries.contains { $0.lane == lane } }
        let calls = lanes.map { lane -> (RedisScript, [String], [RedisArgument]) in
            let batch = deliveries.filter { $0.lane == lane }
            return (QueueScripts.start,
                    [layout.stream(lane), layout.events(lane), layout.stats(lane), layout.dead(lane)]
                        + batch.map { layout.job(lane, $0.jobID) },
                    [.text(worker), .text(Clock.text(now)), .text(layout.blobPrefix(lane)),
                     .text(String(settings.eventsCap)), .text(String(settings.finishedTTL))]
                        + batch.map { .text($0.messageID) })
        }
        let replies = try connection.evalPipeline(calls)
        var jobs: [RunningJob] = []
        for (lane, reply) in zip(lanes, replies) {
            if case let .error(message) = reply { throw .reply("start: \(message)") }
            let batch = deliveries.filter { $0.lane == lane }
            guard let answers = reply.array, answers.count == batch.count else { throw .unexpected("start returned \(reply)") }
            for (delivery, answer) in zip(batch, answers) {
                guard let items = answer.array, items.first?.text == "run", items.count == 6 else { continue }
                let params = (items[2].text).flatMap { try? JSON.parse($0) } ?? .object([])
                jobs.append(RunningJob(delivery: delivery, kind: items[1].text ?? "", params: params, attempt: items[3].int ?? 1,
                                       blob: items[4].int == 1 ? items[5].bytes : nil, startedAt: now))
            }
        }
        return jobs
    }

    /// Records how jobs ended, in one round trip; acknowledges their messages.
    /// Returns, per job, whether the outcome was recorded (false: cancelled or no longer this worker's).
    @discardableResult
    public func finish(_ results: [(job: RunningJob, outcome: JobOutcome)], worker: String) throws(RedisError) -> [Bool] {
        guard !results.isEmpty else { return [] }
        let now = Clock.now()
        let nowText = Clock.text(now)
        var calls: [(RedisScript, [String], [RedisArgument])] = []
        // Where each result's answer is: (call, reply index inside that call's array or nil for a single reply).
        var answers = [(call: Int, item: Int?)](repeating: (0, nil), count: results.count)
        // Successes and permanent failures: one `complete` call per lane for the whole batch.
        var completeCall: [Lane: Int] = [:]
        for (index, (job, outcome)) in results.enumerated() {
            let d = job.delivery
            switch outcome {
            case let .retry(code, message):
                let due = now + settings.retryDelay(afterAttempt: job.attempt)
                answers[index] = (calls.count, nil)
                calls.append((QueueScripts.retry,
                              [layout.job(d.lane, d.jobID), layout.stream(d.lane), layout.delayed(d.lane), layout.events(d.lane),
                               layout.stats(d.lane), layout.dead(d.lane)],
                              [.text(d.messageID), .text(worker), .text(nowText), .text(Clock.text(due)), .text(code),
                               .text(message), .text(String(settings.finishedTTL)), .text(String(settings.eventsCap))]))
            case .succeeded, .failed:
                var state = "succeeded", result = "", code = "", message = ""
                if case let .succeeded(json) = outcome { result = json.serialized() }
                if case let .failed(c, m) = outcome { state = "failed"; code = c; message = m }
                let duration = max(0, now - job.startedAt)
                let call: Int
                if let existing = completeCall[d.lane] {
                    call = existing
                } else {
                    call = calls.count
                    completeCall[d.lane] = call
                    calls.append((QueueScripts.complete, [layout.stream(d.lane), layout.events(d.lane), layout.stats(d.lane)],
                                  [.text(worker), .text(nowText), .text(String(settings.finishedTTL)), .text(String(settings.eventsCap))]))
                }
                answers[index] = (call, calls[call].1.count - 3)
                calls[call].1.append(layout.job(d.lane, d.jobID))
                calls[call].2 += [.text(d.messageID), .text(state), .text(result), .text(code), .text(message),
                                  .text(DurationBuckets.label(for: duration)), .text(String(format: "%.6f", duration))]
            }
        }
        let replies = try connection.evalPipeline(calls)
        return try answers.map { answer throws(RedisError) in
            var reply = replies[answer.call]
            if case let .error(message) = reply { throw .reply("finish: \(message)") }
            if let item = answer.item {
                guard let items = reply.array, item < items.count else { throw .unexpected("complete returned \(reply)") }
                reply = items[item]
            }
            return reply.array?.first?.text != "ignored"
        }
    }

    /// Moves due retries of every lane back onto their streams; returns how many moved.
    @discardableResult
    public func promoteDueRetries(limit: Int = 1000) throws(RedisError) -> Int {
        let now = Clock.text(Clock.now())
        var moved = 0
        for lane in Lane.allCases {
            moved += try connection.eval(QueueScripts.promote, keys: [layout.delayed(lane), layout.stream(lane)],
                                         arguments: [.text(now), .text(String(limit))]).int ?? 0
        }
        return moved
    }

    /// Claims messages of `lane` that no live worker kept alive for `minIdle` seconds (their
    /// worker died), handing them to `consumer`.
    public func reclaimStalled(lane: Lane, consumer: String, minIdle: Double, count: Int = 100) throws(RedisError) -> [Delivery] {
        let reply = try connection.call(["XAUTOCLAIM", layout.stream(lane), QueueLayout.workerGroup, consumer,
                                         String(Int(minIdle * 1000)), "0-0", "COUNT", String(count)])
        guard let parts = reply.array, parts.count >= 2 else { return [] }
        return parseEntries(parts[1], lane: lane)
    }

    /// Resets the idle time of messages this consumer is still working on, so a slow job is
    /// never recovered (and run twice) while its worker lives.
    public func keepAlive(_ deliveries: [Delivery], consumer: String) throws(RedisError) {
        var commands: [[RedisArgument]] = []
        for lane in Lane.allCases {
            let ids = deliveries.filter { $0.lane == lane }.map(\.messageID)
            guard !ids.isEmpty else { continue }
            var command: [String] = ["XCLAIM", layout.stream(lane), QueueLayout.workerGroup, consumer, "0"]
            command += ids
            command.append("JUSTID")
            commands.append(command.map { RedisArgument.text($0) })
        }
        for reply in try connection.pipeline(commands) {
            if case let .error(message) = reply { throw .reply("keep-alive: \(message)") }
        }
    }
}

/// Buckets of the job duration histogram (seconds), shared by workers (who count) and the gateway (who renders).
public enum DurationBuckets {
    /// Upper bounds, ascending; `+Inf` is implied.
    public static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// The label of the smallest bucket holding `seconds`.
    public static func label(for seconds: Double) -> String {
        for bound in bounds where seconds <= bound { return format(bound) }
        return "+Inf"
    }

    /// A bound as written in labels (`0.005`, `1`, `+Inf`).
    public static func format(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }
}
