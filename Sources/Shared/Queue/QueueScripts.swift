/// The Lua scripts that move jobs between states. Each runs atomically inside Redis.
///
/// All keys of one call share a lane's hash tag. Timestamps are Unix seconds with
/// millisecond decimals. Every script that changes a job's state appends the change to the
/// lane's event stream (`XADD … MAXLEN ~ n`) so the gateway can record it and wake long-polls.
public enum QueueScripts {
    /// Lua: `release(held, stream, clock, window)` lets held jobs into `stream`, lowest virtual
    /// time first, until `window` entries wait there undelivered (jobs in flight do not count, so the
    /// window never limits how many workers run the lane); returns how many.
    ///
    /// Fairness by virtual time: an owner's next job is scored `max(owner's last score, the score
    /// last released) + 1`, so owners with jobs waiting take turns one job each, whatever they queued
    /// before — an import of 100,000 photos and one of 100 started later interleave from then on.
    /// An owner's entry in the clock is removed when its last held job is released, and the whole
    /// clock when nothing is held any more (so cancelled jobs leave nothing behind).
    static let fairRelease = """
    local function release(held, stream, clock, window)
      local pending = redis.pcall('XPENDING', stream, '\(QueueLayout.workerGroup)')
      local delivered = (type(pending) == 'table' and tonumber(pending[1])) or 0
      local room = window - (redis.call('XLEN', stream) - delivered)
      if room <= 0 then return 0 end
      local popped = redis.call('ZPOPMIN', held, room)
      for i = 1, #popped, 2 do
        local member, score = popped[i], popped[i + 1]
        local space = string.find(member, ' ', 1, true)
        local owner = string.sub(member, space + 1)
        redis.call('XADD', stream, '*', 'id', string.sub(member, 1, space - 1))
        redis.call('HSET', clock, '~released', score)
        if tonumber(redis.call('HGET', clock, owner) or '-1') == tonumber(score) then redis.call('HDEL', clock, owner) end
      end
      if #popped > 0 and redis.call('ZCARD', held) == 0 then redis.call('DEL', clock) end
      return #popped / 2
    end
    """

    /// Enqueue one job: blob, record, stream entry (or, on a fair lane, a place in the held set)
    /// and idempotency key in one step.
    ///
    /// The upload's bytes never enter Lua (Redis hashes every byte of a Lua string: two passes over
    /// a 200 KB photo were 40 % of Redis's CPU per job). The caller `SET`s them under a staging key
    /// just before, in the same pipeline; the script renames it to the blob (or drops it when the
    /// blob is already there, or the job is refused), so the blob appears with its job or not at all.
    ///
    /// KEYS: 1 the kind's stream, 2 job hash, 3 blob, 4 idempotency key (or the placeholder), 5 stats,
    /// 6 the kind's held set, 7 its fair clock, then the lane's n kind streams and n held sets
    /// (their sizes add up to the lane's depth), last the staging key holding the upload.
    /// ARGV: 1 id, 2 kind, 3 lane, 4 created_at, 5 owner, 6 params JSON, 7 max_attempts,
    /// 8 blob sha256, 9 blob TTL s, 10 idempotency TTL s (0: no key),
    /// 11 max lane depth (0: unlimited), 12 fairness window (0: straight into the stream), 13 n.
    /// Returns `{"created", id}`, `{"existing", id}` (same idempotency key) or `{"busy", depth}`;
    /// an error reply when neither the blob nor the staging key exists (the upload's `SET` failed).
    public static let enqueue = RedisScript(name: "enqueue", source: fairRelease + "\n" + """
    local staging = KEYS[#KEYS]
    local idemTTL = tonumber(ARGV[10])
    if idemTTL > 0 then
      local existing = redis.call('GET', KEYS[4])
      if existing then redis.call('DEL', staging) return {'existing', existing} end
    end
    local maxDepth = tonumber(ARGV[11])
    local n = tonumber(ARGV[13])
    if maxDepth > 0 then
      local depth = 0
      for i = 8, 7 + n do depth = depth + redis.call('XLEN', KEYS[i]) end
      for i = 8 + n, 7 + 2 * n do depth = depth + redis.call('ZCARD', KEYS[i]) end
      if depth >= maxDepth then redis.call('DEL', staging) return {'busy', tostring(depth)} end
    end
    if redis.call('EXISTS', KEYS[3]) == 1 then
      if redis.call('TTL', KEYS[3]) < tonumber(ARGV[9]) then redis.call('EXPIRE', KEYS[3], ARGV[9]) end
      redis.call('DEL', staging)
    elseif redis.call('EXISTS', staging) == 1 then
      redis.call('RENAME', staging, KEYS[3])
      redis.call('EXPIRE', KEYS[3], ARGV[9])
    else
      return redis.error_reply('ERR enqueue: the upload is missing (its SET failed)')
    end
    redis.call('HSET', KEYS[2], 'id', ARGV[1], 'kind', ARGV[2], 'lane', ARGV[3], 'state', 'queued',
      'attempts', 0, 'max_attempts', ARGV[7], 'created_at', ARGV[4], 'owner', ARGV[5],
      'params', ARGV[6], 'blob', ARGV[8])
    if idemTTL > 0 then redis.call('SET', KEYS[4], ARGV[1], 'EX', idemTTL) end
    local window = tonumber(ARGV[12])
    if window > 0 then
      local clock = KEYS[7]
      local score = math.max(tonumber(redis.call('HGET', clock, ARGV[5]) or '0'),
                             tonumber(redis.call('HGET', clock, '~released') or '0')) + 1
      redis.call('HSET', clock, ARGV[5], score)
      redis.call('ZADD', KEYS[6], score, ARGV[1] .. ' ' .. ARGV[5])
      release(KEYS[6], KEYS[1], clock, window)
    else
      redis.call('XADD', KEYS[1], '*', 'id', ARGV[1])
    end
    redis.call('HINCRBY', KEYS[5], 'enqueued:' .. ARGV[2], 1)
    return {'created', ARGV[1]}
    """)

    /// A worker takes the messages of one lane it was delivered: marks each job running and
    /// returns what it needs. One call per batch, not per job (see `complete`).
    ///
    /// KEYS: 1 stream, 2 events, 3 stats, 4 dead stream, then one job hash per message.
    /// ARGV: 1 worker id, 2 now, 3 unused (was the blob key prefix), 4 events cap, 5 finished TTL s,
    /// then one message id per job.
    /// Returns one reply per job, in order: `{"run", kind, params, attempts, blob sha256}` (the
    /// worker `GET`s the blob after: bytes read inside Lua are hashed byte by byte),
    /// `{"skip", state}` (cancelled, finished or expired: the message is acknowledged) or
    /// `{"dead"}` (started too many times).
    public static let start = RedisScript(name: "start", source: """
    local worker, now, cap, ttl = ARGV[1], ARGV[2], ARGV[4], ARGV[5]
    local replies = {}
    for i = 5, #KEYS do
      local key, msg = KEYS[i], ARGV[i + 1]
      local job = redis.call('HMGET', key, 'state', 'attempts', 'max_attempts', 'kind', 'params', 'blob', 'id')
      local state = job[1]
      local attempts = tonumber(job[2])
      if (not state) or (state ~= 'queued' and state ~= 'running') then
        redis.call('XACK', KEYS[1], 'workers', msg)
        redis.call('XDEL', KEYS[1], msg)
        replies[#replies + 1] = {'skip', state or 'missing'}
      elseif attempts >= tonumber(job[3]) then
        local message = 'the job was started ' .. attempts .. ' times and its worker stopped each time'
        redis.call('HSET', key, 'state', 'dead', 'finished_at', now, 'error_code', 'stalled', 'error_message', message)
        redis.call('EXPIRE', key, ttl)
        redis.call('XACK', KEYS[1], 'workers', msg)
        redis.call('XDEL', KEYS[1], msg)
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'id', job[7], 'kind', job[4], 'error_code', 'stalled', 'error_message', message)
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'id', job[7], 'state', 'dead', 'attempts', attempts,
          'finished_at', now, 'error_code', 'stalled', 'error_message', message)
        redis.call('HINCRBY', KEYS[3], 'dead:' .. job[4], 1)
        replies[#replies + 1] = {'dead'}
      else
        attempts = attempts + 1
        redis.call('HSET', key, 'state', 'running', 'started_at', now, 'worker', worker, 'attempts', attempts)
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'id', job[7], 'state', 'running', 'attempts', attempts,
          'started_at', now, 'worker', worker)
        replies[#replies + 1] = {'run', job[4], job[5] or '', attempts, job[6] or ''}
      end
    end
    return replies
    """)

    /// A worker finishes a batch of jobs of one lane: each `succeeded` with a result or `failed`
    /// with a permanent error. One call per batch, not per job: the acknowledgements and the
    /// counters of the whole batch are written with one command each, which roughly halves the
    /// calls Redis runs per job (the queue benchmark found Redis's CPU, not round trips, limits
    /// the processing rate).
    ///
    /// KEYS: 1 stream, 2 events, 3 stats, then one job hash per job.
    /// ARGV: 1 worker id, 2 now, 3 finished TTL s, 4 events cap, then 7 per job: message id,
    /// state, result JSON, error code, error message, duration bucket label, duration s.
    /// Returns one reply per job, in order: `{"done"}`, or `{"ignored", state}` when the job is no
    /// longer this worker's (cancelled, or recovered by another worker; the message is
    /// acknowledged only if the job ended).
    public static let complete = RedisScript(name: "complete", source: """
    local worker, now, ttl, cap = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
    local replies, acked, counts, sums = {}, {}, {}, {}
    local function add(map, field, amount) map[field] = (map[field] or 0) + amount end
    for i = 4, #KEYS do
      local a = 4 + (i - 4) * 7
      local msg, state, result, code, message, bucket, duration =
        ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7]
      local cur = redis.call('HMGET', KEYS[i], 'state', 'worker', 'kind', 'id', 'attempts', 'started_at')
      if cur[1] ~= 'running' or cur[2] ~= worker then
        if cur[1] ~= 'running' and cur[1] ~= 'queued' then acked[#acked + 1] = msg end
        replies[#replies + 1] = {'ignored', cur[1] or 'missing'}
      else
        acked[#acked + 1] = msg
        if state == 'succeeded' then
          redis.call('HSET', KEYS[i], 'state', 'succeeded', 'finished_at', now, 'result', result)
        else
          redis.call('HSET', KEYS[i], 'state', 'failed', 'finished_at', now, 'error_code', code, 'error_message', message)
        end
        -- Error fields and retry_at exist only after a retry, so never on a first attempt.
        if tonumber(cur[5]) > 1 then
          if state == 'succeeded' then redis.call('HDEL', KEYS[i], 'error_code', 'error_message', 'retry_at')
          else redis.call('HDEL', KEYS[i], 'retry_at') end
        end
        redis.call('EXPIRE', KEYS[i], ttl)
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', cap, '*', 'id', cur[4], 'state', state, 'attempts', cur[5],
          'worker', worker, 'started_at', cur[6] or '', 'finished_at', now, 'result', result,
          'error_code', code, 'error_message', message)
        local kind = cur[3]
        add(counts, state .. ':' .. kind, 1)
        add(counts, 'duration_bucket:' .. kind .. ':' .. bucket, 1)
        add(counts, 'duration_count:' .. kind, 1)
        add(sums, 'duration_sum:' .. kind, tonumber(duration))
        replies[#replies + 1] = {'done'}
      end
    end
    -- In slices: unpack is bounded by Lua's C stack.
    for first = 1, #acked, 1000 do
      local last = math.min(first + 999, #acked)
      redis.call('XACK', KEYS[1], 'workers', unpack(acked, first, last))
      redis.call('XDEL', KEYS[1], unpack(acked, first, last))
    end
    for field, n in pairs(counts) do redis.call('HINCRBY', KEYS[3], field, n) end
    for field, sum in pairs(sums) do redis.call('HINCRBYFLOAT', KEYS[3], field, string.format('%.6f', sum)) end
    return replies
    """)

    /// A transient failure: schedule a retry at `due`, or dead-letter after the last attempt.
    ///
    /// KEYS: 1 job hash, 2 stream, 3 delayed set, 4 events, 5 stats, 6 dead stream.
    /// ARGV: 1 message id, 2 worker id, 3 now, 4 due time, 5 error code, 6 error message,
    /// 7 finished TTL s, 8 events cap.
    /// Returns `{"retry", due}`, `{"dead"}` or `{"ignored", state}`.
    public static let retry = RedisScript(name: "retry", source: """
    local cur = redis.call('HMGET', KEYS[1], 'state', 'worker', 'kind', 'id', 'attempts', 'max_attempts')
    if cur[1] ~= 'running' or cur[2] ~= ARGV[2] then
      if cur[1] ~= 'running' and cur[1] ~= 'queued' then
        redis.call('XACK', KEYS[2], 'workers', ARGV[1])
        redis.call('XDEL', KEYS[2], ARGV[1])
      end
      return {'ignored', cur[1] or 'missing'}
    end
    redis.call('XACK', KEYS[2], 'workers', ARGV[1])
    redis.call('XDEL', KEYS[2], ARGV[1])
    if tonumber(cur[5]) >= tonumber(cur[6]) then
      local message = ARGV[6] .. ' (gave up after ' .. cur[5] .. ' attempts)'
      redis.call('HSET', KEYS[1], 'state', 'dead', 'finished_at', ARGV[3], 'error_code', ARGV[5], 'error_message', message)
      redis.call('HDEL', KEYS[1], 'retry_at')
      redis.call('EXPIRE', KEYS[1], ARGV[7])
      redis.call('XADD', KEYS[6], 'MAXLEN', '~', 10000, '*', 'id', cur[4], 'kind', cur[3], 'error_code', ARGV[5], 'error_message', message)
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'id', cur[4], 'state', 'dead', 'attempts', cur[5],
        'worker', ARGV[2], 'finished_at', ARGV[3], 'error_code', ARGV[5], 'error_message', message)
      redis.call('HINCRBY', KEYS[5], 'dead:' .. cur[3], 1)
      return {'dead'}
    end
    redis.call('HSET', KEYS[1], 'state', 'queued', 'retry_at', ARGV[4], 'error_code', ARGV[5], 'error_message', ARGV[6])
    redis.call('ZADD', KEYS[3], ARGV[4], cur[4])
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'id', cur[4], 'state', 'queued', 'attempts', cur[5],
      'retry_at', ARGV[4], 'error_code', ARGV[5], 'error_message', ARGV[6])
    redis.call('HINCRBY', KEYS[5], 'retried:' .. cur[3], 1)
    return {'retry', ARGV[4]}
    """)

    /// Moves retries that are due back onto the stream of their kind. A retry whose record
    /// expired or that is no longer queued (cancelled meanwhile) is dropped.
    ///
    /// KEYS: 1 delayed set. ARGV: 1 now, 2 at most this many, 3 job key prefix, 4 stream key prefix
    /// (both in the lane's slot).
    /// Returns how many were moved.
    public static let promote = RedisScript(name: "promote", source: """
    local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
    local moved = 0
    for _, id in ipairs(ids) do
      redis.call('ZREM', KEYS[1], id)
      local job = redis.call('HMGET', ARGV[3] .. id, 'kind', 'state')
      if job[1] and job[2] == 'queued' then
        redis.call('XADD', ARGV[4] .. job[1], '*', 'id', id)
        moved = moved + 1
      end
    end
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

    /// Cancels a job that has not finished. A queued job never runs (a held one leaves its held
    /// set); a running one's result is discarded.
    ///
    /// KEYS: 1 job hash, 2 delayed set, 3 events, 4 stats.
    /// ARGV: 1 id, 2 now, 3 finished TTL s, 4 events cap, 5 held-set key prefix (same slot).
    /// Returns `{"cancelled", previous state}`, `{"final", state}` or `{"missing"}`.
    public static let cancel = RedisScript(name: "cancel", source: """
    local cur = redis.call('HMGET', KEYS[1], 'state', 'kind', 'attempts', 'owner')
    if not cur[1] then return {'missing'} end
    if cur[1] ~= 'queued' and cur[1] ~= 'running' then return {'final', cur[1]} end
    if cur[1] == 'queued' and cur[2] then redis.call('ZREM', ARGV[5] .. cur[2], ARGV[1] .. ' ' .. (cur[4] or '')) end
    redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished_at', ARGV[2], 'error_code', 'cancelled', 'error_message', 'cancelled by the client')
    redis.call('HDEL', KEYS[1], 'retry_at')
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'id', ARGV[1], 'state', 'cancelled', 'attempts', cur[3],
      'finished_at', ARGV[2], 'error_code', 'cancelled', 'error_message', 'cancelled by the client')
    redis.call('HINCRBY', KEYS[4], 'cancelled:' .. cur[2], 1)
    return {'cancelled', cur[1]}
    """)

    /// Every script, for loading at start-up.
    public static let all: [RedisScript] = [enqueue, start, complete, retry, promote, cancel, release]
}
