/// A stream message delivered to a worker: the job to start.
public struct Delivery: Sendable, Equatable {
    /// The lane it came from.
    public let lane: Lane
    /// The kind of its stream.
    public let kind: JobKind
    /// The shard of its stream (its job's, see `JobID.shard`).
    public let shard: Int
    /// The stream entry id (acknowledged when the job ends).
    public let messageID: String
    /// The job id.
    public let jobID: String
    /// The attempt this message starts, when the entry carries it (fresh from `enqueue` or
    /// `promote`); nil for a message recovered from a dead worker or let in from a held set, whose
    /// attempt, params and blob `start` reads from the job's record.
    public let attempt: Int?
    /// The analysis parameters (JSON) the entry carries, if it carries its attempt.
    public let params: String?
    /// The SHA-256 of the upload the entry carries, if it carries its attempt.
    public let blobSHA256: String?
    /// The stream it came from.
    public var stream: QueueStream { QueueStream(lane, kind, shard: shard) }
    /// The partition it came from.
    public var partition: QueuePartition { QueuePartition(lane, shard: shard) }

    /// Describes a delivered message.
    public init(lane: Lane, kind: JobKind, shard: Int = 0, messageID: String, jobID: String, attempt: Int? = nil, params: String? = nil,
                blobSHA256: String? = nil) {
        self.lane = lane; self.kind = kind; self.shard = shard; self.messageID = messageID; self.jobID = jobID
        self.attempt = attempt; self.params = params; self.blobSHA256 = blobSHA256
    }

    /// When its stream entry was written (the milliseconds of its id, Redis's clock): the job's
    /// enqueue or its retry's promotion, when its record's expiry was last set.
    public var writtenAt: Double {
        guard let dash = messageID.firstIndex(of: "-"), let millis = Double(messageID[..<dash]) else { return 0 }
        return millis / 1000
    }

    /// The same message without what its entry carried, so `start` reads all from the record
    /// (a recovered message: its attempt is the record's, not the entry's).
    var recovered: Delivery { Delivery(lane: lane, kind: kind, shard: shard, messageID: messageID, jobID: jobID) }
}

/// Where a stalled-job scan of one stream stands: `XAUTOCLAIM` continues from `next` on the
/// following call, so a long pending list is walked to its end instead of its first page only.
public struct ReclaimScan: Sendable {
    /// The jobs claimed by this call (their idle time was reset by the claim itself).
    public let claimed: [Delivery]
    /// The cursor to pass next time (`0-0` once the scan wrapped around).
    public let next: String
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
    /// When its record's expiry was last set (`QueueSettings.recordTTL` from then): at enqueue or a
    /// retry's promotion, or by `start` for a message it read the record for.
    public var recordRenewedAt: Double = 0
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
    /// Reads up to `count` new messages per stream of the given kinds, lanes in priority order,
    /// without blocking; when all are empty and `blockMillis` is given, blocks on all of them until
    /// one has work (on Redis Cluster, on one slot of the first lane at a time: see `readGroup`). A
    /// worker passes only the kinds it runs, so it never receives another kind.
    ///
    /// A lane split into shards is read one shard first — shard `readTurn`, moving on after each
    /// batch found there, so every shard is served in turn — then, only if that one is empty, the
    /// others together (`count` shared between them): a busy lane costs one read, one `start` and
    /// one `complete` per batch, as with one shard, rather than a small batch per shard.
    public func fetch(consumer: String, kinds: [JobKind], lanes: [Lane] = Lane.allCases, count: Int, blockMillis: Int?) throws(RedisError) -> [Delivery] {
        for lane in lanes.sorted() {
            var others = layout.partitions(lane)
            let first = others.remove(at: Int(readTurn % UInt(others.count)))
            // The first shard with the whole count; only when it is empty, the others, sharing it.
            for (partitions, perStream) in [([first], count), (others, max(1, count / max(1, others.count)))] where !partitions.isEmpty {
                if settings.window(lane) > 0 { try releaseHeld(in: partitions, kinds: kinds) }
                let found = try read(layout.queueStreams(kinds: kinds, in: partitions), consumer: consumer, count: perStream, blockMillis: nil)
                guard !found.isEmpty else { continue }
                if partitions == [first] { readTurn &+= 1 }
                return found
            }
        }
        guard let blockMillis else { return [] }
        let found = try read(layout.queueStreams(kinds: kinds, lanes: lanes), consumer: consumer, count: max(1, count / layout.shards),
                             blockMillis: blockMillis, blockingSlots: layout.shards)
        // Several lanes may answer at once: interactive first.
        return found.sorted { $0.lane < $1.lane }
    }

    /// Lets held jobs of a fair lane's `partitions` into the streams of `kinds`, up to the window
    /// (see `QueueScripts.release`): one call per partition, pipelined.
    @discardableResult
    public func releaseHeld(in partitions: [QueuePartition], kinds: [JobKind]) throws(RedisError) -> Int {
        guard !kinds.isEmpty, !partitions.isEmpty else { return 0 }
        let calls = partitions.map { p -> (RedisScript, [String], [RedisArgument]) in
            (QueueScripts.release, kinds.flatMap { [layout.held(p, $0), layout.stream(p, $0), layout.fairClock(p, $0)] },
             [.text(String(settings.window(p.lane))), .text(layout.jobPrefix(p))])
        }
        var released = 0
        for reply in try connection.evalPipeline(calls) {
            if case let .error(message) = reply { throw .reply("release: \(message)") }
            released += reply.int ?? 0
        }
        return released
    }

    private func read(_ streams: [QueueStream], consumer: String, count: Int, blockMillis: Int?,
                      blockingSlots: Int = 1) throws(RedisError) -> [Delivery] {
        guard !streams.isEmpty else { return [] }
        let reply = try readGroup(QueueLayout.workerGroup, consumer: consumer, count: count, streams: streams.map { layout.stream($0) },
                                  blockMillis: blockMillis, blockingSlots: blockingSlots)
        var byName: [String: QueueStream] = [:]
        for stream in streams { byName[layout.stream(stream)] = stream }
        var deliveries: [Delivery] = []
        for entry in reply {
            guard let parts = entry.array, parts.count == 2, let name = parts[0].text, let stream = byName[name] else { continue }
            deliveries += parseEntries(parts[1], stream: stream)
        }
        return deliveries
    }

    func parseEntries(_ reply: RedisReply, stream: QueueStream) -> [Delivery] {
        var deliveries: [Delivery] = []
        for entry in reply.array ?? [] {
            guard let pair = entry.array, pair.count == 2, let messageID = pair[0].text else { continue }
            let fields = pair[1].fieldMap
            guard let jobID = fields["id"]?.text else { continue }
            let attempt = fields["attempt"]?.text.flatMap { Int($0) }
            deliveries.append(Delivery(lane: stream.lane, kind: stream.kind, shard: stream.shard, messageID: messageID, jobID: jobID,
                                       attempt: attempt,
                                       params: attempt == nil ? nil : fields["params"]?.text,
                                       blobSHA256: attempt == nil ? nil : fields["blob"]?.text))
        }
        return deliveries
    }

    /// Starts delivered jobs in one round trip: one `start` call per stream, pipelined with the
    /// `GET` of every blob the entries name (each distinct blob once). Messages whose job was
    /// cancelled, ended or expired are acknowledged and left out; jobs started too often are
    /// dead-lettered. Blobs named only by the record (recovered messages) take a second round trip.
    public func start(_ deliveries: [Delivery], worker: String) throws(RedisError) -> [RunningJob] {
        guard !deliveries.isEmpty else { return [] }
        let now = Clock.now()
        var streams: [QueueStream] = []
        for d in deliveries where !streams.contains(d.stream) { streams.append(d.stream) }
        let batches = streams.map { stream in deliveries.filter { $0.stream == stream } }
        let calls = zip(streams, batches).map { stream, batch -> (RedisScript, [String], [RedisArgument]) in
            let p = stream.partition
            return (QueueScripts.start,
                    [layout.stream(stream), layout.events(p), layout.stats(p), layout.dead(p), layout.depth(p), layout.cancelled(p)],
                    [.text(worker), .text(Clock.text(now)), .text(String(settings.eventsCap)), .text(String(settings.finishedTTL)),
                     .text(layout.jobPrefix(p)), .text(String(settings.recordTTL)),
                     .text(batch.map(\.messageID).joined(separator: " ")), .text(batch.map(\.jobID).joined(separator: " ")),
                     .text(batch.map { String($0.attempt ?? 0) }.joined(separator: " ")),
                     .text(batch.compactMap { d in d.attempt.map { d.jobID + ":" + String($0) } }.joined(separator: " ")),
                     .text(String(batch.filter { $0.attempt == nil }.count))])
        }
        var blobKeys: [String] = []
        for d in deliveries {
            guard let sha = d.blobSHA256, !sha.isEmpty else { continue }
            let key = layout.blob(d.partition, sha256: sha)
            if !blobKeys.contains(key) { blobKeys.append(key) }
        }
        let replies = try connection.evalPipeline(calls, then: blobKeys.map { ["GET", .text($0)] })
        var blobs: [String: [UInt8]] = [:]
        for (key, reply) in zip(blobKeys, replies[calls.count...]) { blobs[key] = reply.bytes }

        var started: [(delivery: Delivery, attempt: Int, params: String, blobKey: String, renewedAt: Double)] = []
        for (batch, reply) in zip(batches, replies) {
            if case let .error(message) = reply { throw .reply("start: \(message)") }
            // Only the messages that did not start with their entry's attempt are named, 4 items each.
            guard let items = reply.array, items.count % 4 == 0 else { throw .unexpected("start returned \(reply)") }
            var named: [Int: (attempt: Int, params: String, blob: String)] = [:]
            for first in stride(from: 0, to: items.count, by: 4) {
                guard let position = items[first].int, let attempt = items[first + 1].int, (1...batch.count).contains(position) else {
                    throw .unexpected("start returned \(reply)")
                }
                named[position - 1] = (attempt, items[first + 2].text ?? "", items[first + 3].text ?? "")
            }
            for (index, delivery) in batch.enumerated() {
                var attempt = delivery.attempt ?? 0, params = delivery.params ?? "", sha = delivery.blobSHA256 ?? ""
                var renewedAt = delivery.writtenAt
                if let read = named[index] {
                    attempt = read.attempt
                    if !read.params.isEmpty { params = read.params }
                    if !read.blob.isEmpty { sha = read.blob }
                    renewedAt = now
                }
                guard attempt > 0 else { continue }
                started.append((delivery, attempt, params, layout.blob(delivery.partition, sha256: sha), renewedAt))
            }
        }
        // Blobs only the record named (recovered messages): a second round trip, rarely taken.
        let missing = started.map(\.blobKey).filter { blobs[$0] == nil && !blobKeys.contains($0) }
        if !missing.isEmpty {
            for (key, reply) in zip(missing, try connection.pipeline(missing.map { ["GET", .text($0)] })) { blobs[key] = reply.bytes }
        }
        return started.map { job in
            RunningJob(delivery: job.delivery, kind: job.delivery.kind.rawValue,
                       params: (try? JSON.parse(job.params)) ?? .object([]), attempt: job.attempt, blob: blobs[job.blobKey] ?? nil,
                       startedAt: now, recordRenewedAt: job.renewedAt)
        }
    }

    /// Records how jobs ended, in one round trip; acknowledges their messages.
    /// Returns, per job, whether the outcome was recorded (false: something ended the job first —
    /// a cancellation, or another attempt of it — or, for a retry, the attempt no longer holds it).
    @discardableResult
    public func finish(_ results: [(job: RunningJob, outcome: JobOutcome)], worker: String) throws(RedisError) -> [Bool] {
        guard !results.isEmpty else { return [] }
        let now = Clock.now()
        let nowText = Clock.text(now)
        var calls: [(RedisScript, [String], [RedisArgument])] = []
        // Where each result's answer is: (call, position inside that call's batch (1-based) or nil for a single reply).
        var answers = [(call: Int, position: Int?)](repeating: (0, nil), count: results.count)
        // Successes and permanent failures: one `complete` call per stream and start for the whole batch
        // (jobs started together share their start, and so their duration).
        var completeCall: [String: Int] = [:]
        var renew: [Int: [Int]] = [:]  // call → positions whose record's expiry must be renewed
        for (index, (job, outcome)) in results.enumerated() {
            let d = job.delivery
            switch outcome {
            case let .retry(code, message):
                let due = now + settings.retryDelay(afterAttempt: job.attempt)
                answers[index] = (calls.count, nil)
                calls.append((QueueScripts.retry,
                              [layout.job(d.lane, d.jobID), layout.stream(d.stream), layout.delayed(d.partition), layout.events(d.partition),
                               layout.stats(d.partition), layout.dead(d.partition), layout.depth(d.partition)],
                              [.text(d.messageID), .text(worker), .text(nowText), .text(Clock.text(due)), .text(code),
                               .text(message), .text(String(settings.finishedTTL)), .text(String(settings.eventsCap)),
                               .text(String(job.attempt)), .text(Clock.text(job.startedAt)), .text(d.jobID)]))
            case .succeeded, .failed:
                var end = JobEnd(state: .succeeded, attempts: job.attempt, startedAt: job.startedAt, finishedAt: now, worker: worker,
                                 payload: "")
                if case let .succeeded(json) = outcome { end.payload = json.serialized() }
                if case let .failed(code, message) = outcome {
                    end.state = .failed
                    end.errorCode = code.isEmpty ? "failed" : code
                    end.payload = message
                }
                let group = layout.stream(d.stream) + " " + Clock.text(job.startedAt)
                let call: Int
                if let existing = completeCall[group] {
                    call = existing
                } else {
                    call = calls.count
                    completeCall[group] = call
                    let duration = max(0, now - job.startedAt)
                    calls.append((QueueScripts.complete,
                                  [layout.stream(d.stream), layout.events(d.partition), layout.stats(d.partition), layout.depth(d.partition),
                                   layout.cancelled(d.partition)],
                                  [.text(d.kind.rawValue), .text(layout.jobPrefix(d.partition)), .text(DurationBuckets.label(for: duration)),
                                   .text(String(format: "%.6f", duration)), .text(String(settings.finishedTTL)),
                                   .text(String(settings.eventsCap)), .text("")]))
                }
                let position = (calls[call].2.count - 7) / 3 + 1
                answers[index] = (call, position)
                // A record that may outlive its expiry before the finished TTL ends gets a new one.
                if now - job.recordRenewedAt > Double(settings.blobTTL) / 2 { renew[call, default: []].append(position) }
                calls[call].2 += [.text(d.messageID), .text(d.jobID), .text(end.encoded)]
            }
        }
        for (call, positions) in renew { calls[call].2[6] = .text(positions.map(String.init).joined(separator: " ")) }
        let replies = try connection.evalPipeline(calls)
        var ignored: [Int: Set<Int>] = [:]
        for (call, reply) in replies.enumerated() where calls[call].0.name == QueueScripts.complete.name {
            if case let .error(message) = reply { throw .reply("finish: \(message)") }
            guard let items = reply.array else { throw .unexpected("complete returned \(reply)") }
            ignored[call] = Set(items.compactMap(\.int))
        }
        return try answers.map { answer throws(RedisError) in
            let reply = replies[answer.call]
            if case let .error(message) = reply { throw .reply("finish: \(message)") }
            if let position = answer.position { return ignored[answer.call]?.contains(position) != true }
            return reply.array?.first?.text != "ignored"
        }
    }

    /// Moves due retries of every partition back onto their kinds' streams (one call per
    /// partition, pipelined); returns how many moved.
    @discardableResult
    public func promoteDueRetries(limit: Int = 1000) throws(RedisError) -> Int {
        let now = Clock.text(Clock.now())
        var moved = 0
        for reply in try connection.evalPipeline(layout.partitions.map { p in
            (QueueScripts.promote, [layout.delayed(p), layout.depth(p)],
             [.text(now), .text(String(limit)), .text(layout.jobPrefix(p)), .text(layout.streamPrefix(p)), .text(String(settings.recordTTL))])
        }) {
            if case let .error(message) = reply { throw .reply("promote: \(message)") }
            moved += reply.int ?? 0
        }
        return moved
    }

    /// Claims up to `count` messages of `stream` that no live worker kept alive for `minIdle`
    /// seconds (their worker died), handing them to `consumer`, scanning the pending list from
    /// `cursor` (`0-0` to start). The claim resets the messages' idle time.
    public func reclaimStalled(_ stream: QueueStream, consumer: String, minIdle: Double, cursor: String = "0-0",
                               count: Int = 100) throws(RedisError) -> ReclaimScan {
        let reply = try connection.call(["XAUTOCLAIM", layout.stream(stream), QueueLayout.workerGroup, consumer,
                                         String(Int(minIdle * 1000)), cursor, "COUNT", String(count)])
        if case let .error(message) = reply { throw .reply("reclaim: \(message)") }
        guard let parts = reply.array, parts.count >= 2 else { return ReclaimScan(claimed: [], next: "0-0") }
        return ReclaimScan(claimed: parseEntries(parts[1], stream: stream).map(\.recovered), next: parts[0].text ?? "0-0")
    }

    /// Resets the idle time of messages this consumer is still working on, so a slow job is
    /// never recovered (and run twice) while its worker lives. One `XCLAIM` per stream, pipelined.
    public func keepAlive(_ deliveries: [Delivery], consumer: String) throws(RedisError) {
        var byStream: [QueueStream: [String]] = [:]
        for d in deliveries { byStream[d.stream, default: []].append(d.messageID) }
        var commands: [[RedisArgument]] = []
        for (stream, ids) in byStream {
            var command: [String] = ["XCLAIM", layout.stream(stream), QueueLayout.workerGroup, consumer, "0"]
            command += ids
            command.append("JUSTID")
            commands.append(command.map { RedisArgument.text($0) })
        }
        guard !commands.isEmpty else { return }
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
