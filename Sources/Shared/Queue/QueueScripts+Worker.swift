/// The worker's scripts: start and complete a batch, retry, promote due retries, let held jobs in.
///
/// `start` and `complete` take a whole batch of one stream in one call. Per job, `complete` runs
/// one command — `HSETNX done`, which writes the outcome and tests that nothing ended the job first
/// (another attempt of it, or a cancellation) — and `start` none for a message that carries its
/// attempt. Everything else is one command per batch: the events, the acknowledgements, the trim,
/// the counters. Redis's CPU per job, not round trips, limits the processing rate: every command a
/// script runs costs about 1 µs of call overhead besides its own work (docs/PERFORMANCE.md, *Queue*).
///
/// Which attempt runs, and where, is the stream's pending list: the message's consumer is its
/// worker, its delivery count the attempt (plus the attempts of earlier entries, in the record),
/// so starting a job writes nothing of its own. That is also an attempt's lease for `retry`: a
/// transient failure reported by an attempt that lost its job (recovered by another worker, or
/// cancelled) changes nothing. An outcome needs no lease: the first attempt to finish is recorded,
/// every later answer is ignored (`HSETNX`), so each job is recorded exactly once.
extension QueueScripts {
    /// A worker takes the messages of one stream it was delivered, and writes one `running` event
    /// for the batch.
    ///
    /// A message that carries its attempt (fresh from the stream: enqueue and promote write it)
    /// costs no command of its own; it is skipped only when its job is in the cancelled set. One
    /// without (recovered from a dead worker, or let in from a held set) reads the record and its
    /// delivery count, renews the record's expiry, and is dead-lettered when the job was started
    /// `max_attempts` times already.
    ///
    /// The batch comes as four strings, not as arguments per message (each argument costs Redis an
    /// allocation and Lua an interned string): in the usual case — every message carries its
    /// attempt, and no job of the lane is cancelled — the script only writes the `running` event
    /// the worker prepared, and looks at no message.
    ///
    /// KEYS: 1 stream, 2 events, 3 stats, 4 dead stream, 5 the lane's depth counter, 6 its
    /// cancelled set.
    /// ARGV: 1 worker id, 2 now, 3 events cap, 4 finished TTL s, 5 job key prefix, 6 the record's
    /// TTL s, 7 the message ids, 8 their jobs' ids, 9 their attempts (0: read from the record),
    /// each separated by spaces, 10 the `jobs` of the `running` event if every message starts with
    /// the attempt it carries (`<job id>:<attempt>` separated by spaces), 11 how many messages
    /// carry no attempt.
    /// Returns 4 items per message that did not start with the attempt its entry carries, none for
    /// the others: its position (1-based), the attempt started (0: skipped — cancelled, ended or
    /// expired; -1: dead-lettered; both acknowledged), then the params and blob SHA-256 read from
    /// the record (empty when not read).
    public static let start = RedisScript(name: "start", source: settle + "\n" + packEnd + "\n" + """
    local worker, now, cap, ttl, prefix, life = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
    local cancelling = redis.call('EXISTS', KEYS[6]) == 1
    if ARGV[11] == '0' and not cancelling then
      if ARGV[10] ~= '' then
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'state', 'running', 'started_at', now, 'worker', worker, 'jobs', ARGV[10])
      end
      return {}
    end
    local function words(text)
      local list = {}
      for word in string.gmatch(text, '%S+') do list[#list + 1] = word end
      return list
    end
    local msgs, ids, attempts = words(ARGV[7]), words(ARGV[8]), words(ARGV[9])
    local out, acked, running = {}, {}, {}
    local count = #msgs
    local cancelled = {}
    if count > 0 and cancelling then
      for from = 0, count - 1, 1000 do
        local found = redis.call('SMISMEMBER', KEYS[6], unpack(ids, from + 1, math.min(from + 1000, count)))
        for j = 1, #found do if found[j] == 1 then cancelled[from + j] = true end end
      end
    end
    for n = 1, count do
      -- The attempt stays a string: Lua formats numbers with sprintf when they are passed to Redis.
      local msg, id, attempt = msgs[n], ids[n], attempts[n]
      local verdict, fresh, params, blob = 'run', attempt ~= '0', '', ''
      if cancelled[n] then
        verdict = 'skip'
        redis.call('SREM', KEYS[6], id)
      elseif not fresh then
        local key = prefix .. id
        local job = redis.call('HMGET', key, 'done', 'attempts', 'max_attempts', 'kind', 'params', 'blob', 'state')
        if not job[4] or job[1] or (job[7] ~= false and job[7] ~= 'queued' and job[7] ~= 'running') then
          verdict = 'skip'
        else
          local entry = redis.call('XPENDING', KEYS[1], '\(QueueLayout.workerGroup)', msg, msg, 1)[1]
          local started = (tonumber(job[2]) or 0) + (entry and tonumber(entry[4]) or 1) - 1
          if started >= tonumber(job[3]) then
            local message = 'the job was started ' .. started .. ' times and its worker stopped each time'
            local done = packEnd('dead', started, now, '-', '-', 'stalled', message)
            redis.call('HSET', key, 'done', done)
            redis.call('EXPIRE', key, ttl)
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'id', id, 'kind', job[4], 'error_code', 'stalled', 'error_message', message)
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'id', id, 'done', done)
            redis.call('HINCRBY', KEYS[3], 'dead:' .. job[4], 1)
            verdict = 'dead'
          else
            attempt, params, blob = tostring(started + 1), job[5] or '', job[6] or ''
            -- Let in from a held set: the entry's id was written by `release`; recovered: unchanged.
            redis.call('EXPIRE', key, life)
          end
        end
      end
      if verdict == 'run' then
        running[#running + 1] = id .. ':' .. attempt
        if not fresh then
          local o = #out
          out[o + 1], out[o + 2], out[o + 3], out[o + 4] = n, attempt, params, blob
        end
      else
        acked[#acked + 1] = msg
        local o = #out
        out[o + 1], out[o + 2], out[o + 3], out[o + 4] = n, (verdict == 'dead' and -1) or 0, '', ''
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
    /// `succeeded` with a result or `failed` with a permanent error, unless something ended the job
    /// first. Per job one `HSETNX` of its `done` (a `JobEnd` the worker packed); then one event for
    /// the batch (`ended` and the kind, then each recorded job's id and `done`), and one command
    /// each to acknowledge, trim and count.
    /// Every message is acknowledged: a job whose `HSETNX` found `done` has ended.
    ///
    /// KEYS: 1 stream, 2 events, 3 stats, 4 the lane's depth counter, 5 its cancelled set.
    /// ARGV (below) name the jobs by id: each job's hash is the job key prefix and its id.
    /// ARGV: 1 kind, 2 job key prefix, 3 duration bucket label, 4 duration s (the batch's: its
    /// jobs started together), 5 finished TTL s, 6 events cap, 7 the positions (1-based, spaces
    /// between) of the jobs whose record's expiry must be renewed (older than half the blob TTL;
    /// usually none), then 3 per job: message id, job id, `done`.
    /// Returns the positions (1-based) of the jobs whose outcome was ignored (another attempt
    /// ended them, or a cancellation); usually none.
    public static let complete = RedisScript(name: "complete", source: settle + "\n" + """
    local prefix, ttl, cap = ARGV[2], ARGV[5], ARGV[6]
    local count = (#ARGV - 7) / 3
    local acked, ended, ignored, event = {}, {}, {}, {'ended', ARGV[1]}
    local succeeded, failed = 0, 0
    local function flushEvent()
      if #event > 2 then redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', unpack(event)) end
      event = {'ended', ARGV[1]}
    end
    for n = 1, count do
      local a = 3 * n + 5
      local msg, id, done = ARGV[a], ARGV[a + 1], ARGV[a + 2]
      acked[n], ended[n] = msg, id
      if redis.call('HSETNX', prefix .. id, 'done', done) == 1 then
        local e = #event
        event[e + 1], event[e + 2] = id, done
        -- 115: the 's' of `succeeded`.
        if string.byte(done, 1) == 115 then succeeded = succeeded + 1 else failed = failed + 1 end
        if e > 4000 then flushEvent() end
      else
        ignored[#ignored + 1] = n
      end
    end
    for position in string.gmatch(ARGV[7], '%d+') do redis.call('EXPIRE', prefix .. ended[tonumber(position)], ttl) end
    if #ignored > 0 and redis.call('EXISTS', KEYS[5]) == 1 then
      for _, n in ipairs(ignored) do redis.call('SREM', KEYS[5], ended[n]) end
    end
    flushEvent()
    settle(KEYS[1], KEYS[4], acked)
    local recorded, kind = succeeded + failed, ARGV[1]
    if recorded > 0 then
      if succeeded > 0 then redis.call('HINCRBY', KEYS[3], 'succeeded:' .. kind, succeeded) end
      if failed > 0 then redis.call('HINCRBY', KEYS[3], 'failed:' .. kind, failed) end
      redis.call('HINCRBY', KEYS[3], 'duration_bucket:' .. kind .. ':' .. ARGV[3], recorded)
      redis.call('HINCRBY', KEYS[3], 'duration_count:' .. kind, recorded)
      redis.call('HINCRBYFLOAT', KEYS[3], 'duration_sum:' .. kind, string.format('%.6f', recorded * tonumber(ARGV[4])))
    end
    return ignored
    """)

    /// A transient failure: schedule a retry at `due`, or dead-letter after the last attempt.
    /// Acts only while the message is pending with this worker for this attempt (its lease).
    ///
    /// KEYS: 1 job hash, 2 stream, 3 delayed set, 4 events, 5 stats, 6 dead stream, 7 the lane's depth counter.
    /// ARGV: 1 message id, 2 worker id, 3 now, 4 due time, 5 error code, 6 error message,
    /// 7 finished TTL s, 8 events cap, 9 attempt, 10 when the attempt started, 11 job id.
    /// Returns `{"retry", due}`, `{"dead"}` or `{"ignored", state}` (the lease is not this attempt's;
    /// the message is acknowledged if the job ended or its record is gone).
    public static let retry = RedisScript(name: "retry", source: settle + "\n" + packEnd + "\n" + """
    local id, attempt = ARGV[11], ARGV[9]
    local cur = redis.call('HMGET', KEYS[1], 'kind', 'max_attempts', 'done', 'attempts')
    local entry = redis.call('XPENDING', KEYS[2], '\(QueueLayout.workerGroup)', ARGV[1], ARGV[1], 1)[1]
    if cur[3] or not cur[1] or not entry or entry[2] ~= ARGV[2]
        or (tonumber(cur[4]) or 0) + tonumber(entry[4]) ~= tonumber(attempt) then
      local state = (cur[3] and string.match(cur[3], '^(%a+)')) or (cur[1] and 'running') or 'missing'
      if state ~= 'running' then settle(KEYS[2], KEYS[7], {ARGV[1]}) end
      return {'ignored', state}
    end
    settle(KEYS[2], KEYS[7], {ARGV[1]})
    if tonumber(attempt) >= tonumber(cur[2]) then
      local message = ARGV[6] .. ' (gave up after ' .. attempt .. ' attempts)'
      local ran = string.format('%.3f', math.max(0, tonumber(ARGV[3]) - tonumber(ARGV[10])))
      local done = packEnd('dead', attempt, ARGV[3], ran, ARGV[2], ARGV[5], message)
      redis.call('HSET', KEYS[1], 'done', done)
      redis.call('HDEL', KEYS[1], 'retry_at')
      redis.call('EXPIRE', KEYS[1], ARGV[7])
      redis.call('XADD', KEYS[6], 'MAXLEN', '~', 10000, '*', 'id', id, 'kind', cur[1], 'error_code', ARGV[5], 'error_message', message)
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'id', id, 'done', done)
      redis.call('HINCRBY', KEYS[5], 'dead:' .. cur[1], 1)
      return {'dead'}
    end
    -- `msg` is cleared: the job is not in a stream until `promote` writes its next entry.
    redis.call('HSET', KEYS[1], 'attempts', attempt, 'retry_at', ARGV[4], 'error_code', ARGV[5], 'error_message', ARGV[6], 'msg', '')
    redis.call('ZADD', KEYS[3], ARGV[4], id)
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'id', id, 'state', 'queued', 'attempts', attempt,
      'retry_at', ARGV[4], 'error_code', ARGV[5], 'error_message', ARGV[6])
    redis.call('HINCRBY', KEYS[5], 'retried:' .. cur[1], 1)
    return {'retry', ARGV[4]}
    """)

    /// Moves retries that are due back onto the stream of their kind, with their next attempt,
    /// params and blob in the entry (as `enqueue` writes it, with its id in the record's `msg`), and renews the record's expiry. A
    /// retry whose record expired or that ended meanwhile (cancelled, or a late answer of an
    /// earlier attempt was recorded) is dropped.
    ///
    /// KEYS: 1 delayed set, 2 the lane's depth counter. ARGV: 1 now, 2 at most this many, 3 job key
    /// prefix, 4 stream key prefix (both in the lane's slot), 5 the record's TTL s.
    /// Returns how many were moved.
    public static let promote = RedisScript(name: "promote", source: """
    local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
    local moved = 0
    for _, id in ipairs(ids) do
      redis.call('ZREM', KEYS[1], id)
      local key = ARGV[3] .. id
      local job = redis.call('HMGET', key, 'kind', 'done', 'attempts', 'params', 'blob', 'state')
      if job[1] and not job[2] and (not job[6] or job[6] == 'queued') then
        local msg = redis.call('XADD', ARGV[4] .. job[1], '*', 'id', id, 'attempt', tonumber(job[3] or '0') + 1,
          'params', job[4] or '', 'blob', job[5] or '')
        redis.call('HSET', key, 'msg', msg)
        redis.call('EXPIRE', key, ARGV[5])
        moved = moved + 1
      end
    end
    if moved > 0 then redis.call('INCRBY', KEYS[2], moved) end
    return moved
    """)

    /// Lets held jobs of a fair lane into their streams (workers call it before reading the lane).
    ///
    /// KEYS: triples of (held set, stream, fair clock), one per kind. ARGV: 1 window, 2 job key prefix.
    /// Returns how many jobs were let in.
    public static let release = RedisScript(name: "release", source: fairRelease + "\n" + """
    local moved = 0
    for i = 1, #KEYS, 3 do moved = moved + release(KEYS[i], KEYS[i + 1], KEYS[i + 2], tonumber(ARGV[1]), ARGV[2]) end
    return moved
    """)
}
