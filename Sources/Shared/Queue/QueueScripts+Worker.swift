/// The worker's scripts: start and complete a batch, retry, promote due retries, let held jobs in.
///
/// `start` and `complete` take a whole batch of one stream in one call, and do per job only what
/// must be atomic with the job's state: `start` reads the state (one field) and writes the
/// running record with its lease; `complete` checks the lease (one field), writes the outcome
/// and its expiry. Everything else — the event, the acknowledgements, the trim, the counters — is
/// one command per batch (Redis's CPU per job, not round trips, limits the processing rate: see
/// docs/PERFORMANCE.md, *Queue*).
///
/// The lease (`lease` = `<worker id> <attempt>`) is written when an attempt starts and cleared when
/// it leaves `running` (finished, retried, dead-lettered or cancelled): an answer whose lease no
/// longer matches — a worker whose job was recovered by another, or cancelled — changes nothing.
extension QueueScripts {
    /// A worker takes the messages of one stream it was delivered: marks each job running and
    /// writes one `running` event for the batch.
    ///
    /// A message that carries its attempt (fresh from the stream: enqueue and promote write it)
    /// needs only the record's state; one without (recovered from a dead worker, or let in from a
    /// held set) reads attempts, parameters and blob from the record, and is dead-lettered when it
    /// was started `max_attempts` times already.
    ///
    /// KEYS: 1 stream, 2 events, 3 stats, 4 dead stream, 5 the lane's depth counter, then one job hash per message.
    /// ARGV: 1 worker id, 2 now, 3 events cap, 4 finished TTL s, 5 job key prefix, then 2 per
    /// message: its id, its attempt (0: read from the record).
    /// Returns 3 items per message, in order: the attempt started (0: skipped — cancelled,
    /// finished or expired; -1: dead-lettered; both acknowledged), then the params and blob
    /// SHA-256 read from the record (empty when the message carried them).
    public static let start = RedisScript(name: "start", source: settle + "\n" + """
    local worker, now, cap, ttl, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
    local out, acked, running = {}, {}, {}
    for i = 6, #KEYS do
      local key, a = KEYS[i], 2 * (i - 6) + 6
      -- The attempt stays a string: Lua formats numbers with sprintf when they are passed to Redis.
      local msg, attempt = ARGV[a], ARGV[a + 1]
      local id = string.sub(key, #prefix + 1)
      local params, blob, verdict = '', '', 'skip'
      if attempt ~= '0' then
        if redis.call('HGET', key, 'state') == 'queued' then verdict = 'run' end
      else
        local job = redis.call('HMGET', key, 'state', 'attempts', 'max_attempts', 'kind', 'params', 'blob')
        if job[1] == 'queued' or job[1] == 'running' then
          local started = tonumber(job[2])
          if started >= tonumber(job[3]) then
            local message = 'the job was started ' .. started .. ' times and its worker stopped each time'
            redis.call('HSET', key, 'state', 'dead', 'finished_at', now, 'error_code', 'stalled', 'error_message', message)
            redis.call('HDEL', key, 'lease')
            redis.call('EXPIRE', key, ttl)
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'id', id, 'kind', job[4], 'error_code', 'stalled', 'error_message', message)
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'id', id, 'state', 'dead', 'attempts', started,
              'finished_at', now, 'error_code', 'stalled', 'error_message', message)
            redis.call('HINCRBY', KEYS[3], 'dead:' .. job[4], 1)
            verdict = 'dead'
          else
            attempt, params, blob, verdict = tostring(started + 1), job[5] or '', job[6] or '', 'run'
          end
        end
      end
      local n = #out
      if verdict == 'run' then
        redis.call('HSET', key, 'state', 'running', 'started_at', now, 'worker', worker, 'attempts', attempt,
          'lease', worker .. ' ' .. attempt)
        running[#running + 1] = id .. ':' .. attempt
        out[n + 1], out[n + 2], out[n + 3] = attempt, params, blob
      else
        acked[#acked + 1] = msg
        out[n + 1], out[n + 2], out[n + 3] = (verdict == 'dead' and -1) or 0, '', ''
      end
    end
    if #running > 0 then
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'state', 'running', 'started_at', now, 'worker', worker,
        'jobs', table.concat(running, ' '))
    end
    if #acked > 0 then settle(KEYS[1], KEYS[5], acked) end
    return out
    """)

    /// A worker finishes a batch of jobs of one stream, all started by one `start` call: each
    /// `succeeded` with a result or `failed` with a permanent error, if its lease is still this
    /// worker's attempt. Writes one event for the batch, then acknowledges, trims and counts with one
    /// command each. What the batch shares (its start, its duration) is passed once: every argument
    /// costs Redis an allocation or two.
    ///
    /// KEYS: 1 stream, 2 events, 3 stats, 4 the lane's depth counter, then one job hash per job.
    /// ARGV: 1 worker id, 2 now, 3 finished TTL s, 4 events cap, 5 kind, 6 job key prefix,
    /// 7 started_at, 8 duration bucket label, 9 duration s, then 4 per job: message id, attempt, and
    /// either `""` and the result JSON (succeeded) or the error code and message (failed).
    /// Returns one integer per job, in order: 1 recorded, 0 ignored (the lease is not this
    /// attempt's: cancelled, or recovered by another worker; the message is acknowledged only if
    /// the job ended).
    public static let complete = RedisScript(name: "complete", source: settle + "\n" + """
    local worker, now, ttl, cap, kind, prefix, started = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
    local out, acked, succeeded, failed = {}, {}, 0, 0
    local event = {'worker', worker, 'finished_at', now, 'started_at', started}
    local function flushEvent()
      if #event > 6 then redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', unpack(event)) end
      event = {'worker', worker, 'finished_at', now, 'started_at', started}
    end
    for i = 5, #KEYS do
      local key, a = KEYS[i], 4 * (i - 5) + 10
      local msg, attempt, code, text = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
      if redis.call('HGET', key, 'lease') ~= worker .. ' ' .. attempt then
        local current = redis.call('HGET', key, 'state')
        if current ~= 'running' and current ~= 'queued' then acked[#acked + 1] = msg end
        out[#out + 1] = 0
      else
        acked[#acked + 1] = msg
        local n = #event
        event[n + 1], event[n + 2], event[n + 3] = 'id', string.sub(key, #prefix + 1), 'attempts'
        event[n + 4], event[n + 5] = attempt, 'state'
        if code == '' then
          redis.call('HSET', key, 'state', 'succeeded', 'finished_at', now, 'result', text, 'lease', '')
          -- Error fields and retry_at exist only after a retry, so never on a first attempt.
          if attempt ~= '1' then redis.call('HDEL', key, 'error_code', 'error_message', 'retry_at') end
          event[n + 6], event[n + 7], event[n + 8] = 'succeeded', 'result', text
          succeeded = succeeded + 1
        else
          redis.call('HSET', key, 'state', 'failed', 'finished_at', now, 'error_code', code, 'error_message', text, 'lease', '')
          if attempt ~= '1' then redis.call('HDEL', key, 'retry_at') end
          event[n + 6], event[n + 7], event[n + 8], event[n + 9], event[n + 10] = 'failed', 'error_code', code, 'error_message', text
          failed = failed + 1
        end
        redis.call('EXPIRE', key, ttl)
        if #event > 4000 then flushEvent() end
        out[#out + 1] = 1
      end
    end
    flushEvent()
    if #acked > 0 then settle(KEYS[1], KEYS[4], acked) end
    local recorded = succeeded + failed
    if recorded > 0 then
      if succeeded > 0 then redis.call('HINCRBY', KEYS[3], 'succeeded:' .. kind, succeeded) end
      if failed > 0 then redis.call('HINCRBY', KEYS[3], 'failed:' .. kind, failed) end
      redis.call('HINCRBY', KEYS[3], 'duration_bucket:' .. kind .. ':' .. ARGV[8], recorded)
      redis.call('HINCRBY', KEYS[3], 'duration_count:' .. kind, recorded)
      redis.call('HINCRBYFLOAT', KEYS[3], 'duration_sum:' .. kind, string.format('%.6f', recorded * tonumber(ARGV[9])))
    end
    return out
    """)

    /// A transient failure: schedule a retry at `due`, or dead-letter after the last attempt.
    ///
    /// KEYS: 1 job hash, 2 stream, 3 delayed set, 4 events, 5 stats, 6 dead stream, 7 the lane's depth counter.
    /// ARGV: 1 message id, 2 worker id, 3 now, 4 due time, 5 error code, 6 error message,
    /// 7 finished TTL s, 8 events cap, 9 attempt.
    /// Returns `{"retry", due}`, `{"dead"}` or `{"ignored", state}` (the lease is not this attempt's).
    public static let retry = RedisScript(name: "retry", source: settle + "\n" + """
    local cur = redis.call('HMGET', KEYS[1], 'state', 'lease', 'kind', 'id', 'attempts', 'max_attempts')
    if cur[2] ~= ARGV[2] .. ' ' .. ARGV[9] then
      if cur[1] ~= 'running' and cur[1] ~= 'queued' then settle(KEYS[2], KEYS[7], {ARGV[1]}) end
      return {'ignored', cur[1] or 'missing'}
    end
    settle(KEYS[2], KEYS[7], {ARGV[1]})
    if tonumber(cur[5]) >= tonumber(cur[6]) then
      local message = ARGV[6] .. ' (gave up after ' .. cur[5] .. ' attempts)'
      redis.call('HSET', KEYS[1], 'state', 'dead', 'finished_at', ARGV[3], 'error_code', ARGV[5], 'error_message', message)
      redis.call('HDEL', KEYS[1], 'retry_at', 'lease')
      redis.call('EXPIRE', KEYS[1], ARGV[7])
      redis.call('XADD', KEYS[6], 'MAXLEN', '~', 10000, '*', 'id', cur[4], 'kind', cur[3], 'error_code', ARGV[5], 'error_message', message)
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'id', cur[4], 'state', 'dead', 'attempts', cur[5],
        'worker', ARGV[2], 'finished_at', ARGV[3], 'error_code', ARGV[5], 'error_message', message)
      redis.call('HINCRBY', KEYS[5], 'dead:' .. cur[3], 1)
      return {'dead'}
    end
    redis.call('HSET', KEYS[1], 'state', 'queued', 'retry_at', ARGV[4], 'error_code', ARGV[5], 'error_message', ARGV[6])
    redis.call('HDEL', KEYS[1], 'lease')
    redis.call('ZADD', KEYS[3], ARGV[4], cur[4])
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'id', cur[4], 'state', 'queued', 'attempts', cur[5],
      'retry_at', ARGV[4], 'error_code', ARGV[5], 'error_message', ARGV[6])
    redis.call('HINCRBY', KEYS[5], 'retried:' .. cur[3], 1)
    return {'retry', ARGV[4]}
    """)

    /// Moves retries that are due back onto the stream of their kind, with their next attempt,
    /// params and blob in the entry (as `enqueue` writes it). A retry whose record expired or that
    /// is no longer queued (cancelled meanwhile) is dropped.
    ///
    /// KEYS: 1 delayed set, 2 the lane's depth counter. ARGV: 1 now, 2 at most this many, 3 job key
    /// prefix, 4 stream key prefix (both in the lane's slot).
    /// Returns how many were moved.
    public static let promote = RedisScript(name: "promote", source: """
    local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
    local moved = 0
    for _, id in ipairs(ids) do
      redis.call('ZREM', KEYS[1], id)
      local job = redis.call('HMGET', ARGV[3] .. id, 'kind', 'state', 'attempts', 'params', 'blob')
      if job[1] and job[2] == 'queued' then
        redis.call('XADD', ARGV[4] .. job[1], '*', 'id', id, 'attempt', tonumber(job[3] or '0') + 1,
          'params', job[4] or '', 'blob', job[5] or '')
        moved = moved + 1
      end
    end
    if moved > 0 then redis.call('INCRBY', KEYS[2], moved) end
    return moved
    """)

    /// Lets held jobs of a fair lane into their streams (workers call it before reading the lane).
    ///
    /// KEYS: triples of (held set, stream, fair clock), one per kind. ARGV: 1 window.
    /// Returns how many jobs were let in.
    public static let release = RedisScript(name: "release", source: fairRelease + "\n" + """
    local moved = 0
    for i = 1, #KEYS, 3 do moved = moved + release(KEYS[i], KEYS[i + 1], KEYS[i + 2], tonumber(ARGV[1])) end
    return moved
    """)
}
