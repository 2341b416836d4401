/// The Lua scripts that move jobs between states. Each runs atomically inside Redis.
///
/// All keys of one call share a partition's hash tag (a lane's, or one shard of it: see
/// `QueuePartition`); "the lane's" keys below are its partition's. Timestamps are Unix seconds with
/// millisecond decimals. Every script that changes a job's state appends the change to the
/// lane's event stream (`XADD … MAXLEN ~ n`) so the gateway can record it and wake long-polls;
/// the worker's batch scripts write one event per batch (see `JobEvent` for the shapes).
///
/// A job stream keeps its acknowledged entries until `settle` trims them (`XTRIM MINID` below
/// the oldest entry still pending, once per batch: `XDEL` of each entry cost more than the rest
/// of `complete`), so a lane's depth is a counter (`QueueLayout.depth`) rather than `XLEN`.
/// The scripts of the worker's side are in `QueueScripts+Worker.swift`.
public enum QueueScripts {
    /// Lua: `release(held, stream, clock, window, jobs)` lets held jobs into `stream`, lowest virtual
    /// time first, until `window` entries wait there undelivered (jobs in flight do not count, so the
    /// window never limits how many workers run the lane), and writes each entry's id in its job's
    /// hash (`msg`; `jobs` is the job key prefix); returns how many.
    ///
    /// Fairness by virtual time: an owner's next job is scored `max(owner's last score, the score
    /// last released) + 1`, so owners with jobs waiting take turns one job each, whatever they queued
    /// before — an import of 100,000 photos and one of 100 started later interleave from then on.
    /// An owner's entry in the clock is removed when its last held job is released, and the whole
    /// clock when nothing is held any more (so cancelled jobs leave nothing behind).
    static let fairRelease = undelivered + "\n" + """
    local function release(held, stream, clock, window, jobs)
      local room = window - undelivered(stream)
      if room <= 0 then return 0 end
      local popped = redis.call('ZPOPMIN', held, room)
      for i = 1, #popped, 2 do
        local member, score = popped[i], popped[i + 1]
        local space = string.find(member, ' ', 1, true)
        local owner = string.sub(member, space + 1)
        local id = string.sub(member, 1, space - 1)
        redis.call('HSET', jobs .. id, 'msg', redis.call('XADD', stream, '*', 'id', id))
        redis.call('HSET', clock, '~released', score)
        if tonumber(redis.call('HGET', clock, owner) or '-1') == tonumber(score) then redis.call('HDEL', clock, owner) end
      end
      if #popped > 0 and redis.call('ZCARD', held) == 0 then redis.call('DEL', clock) end
      return #popped / 2
    end
    """

    /// Lua: `undelivered(stream)`, the entries of a job stream not yet delivered to the workers'
    /// group: the group's `lag` (Redis 7), which acknowledged entries awaiting their trim do not
    /// disturb. Where Redis cannot tell the lag (entries were `XDEL`eted after the group's last
    /// delivery, as before trimming replaced `XDEL`), `XLEN` minus the pending count.
    static let undelivered = workerGroup + "\n" + """
    local function undelivered(stream)
      local f = workerGroup(stream)
      if not f then return 0 end
      if f['lag'] then return tonumber(f['lag']) end
      return redis.call('XLEN', stream) - tonumber(f['pending'])
    end
    """

    /// Lua: `workerGroup(stream)`, the fields of the workers' group on a job stream as `XINFO
    /// GROUPS` gives them (`pending`, `lag`…), or nil when the stream or the group is missing.
    static let workerGroup = """
    local function workerGroup(stream)
      for _, group in ipairs(redis.pcall('XINFO', 'GROUPS', stream)) do
        local f = {}
        for i = 1, #group, 2 do f[group[i]] = group[i + 1] end
        if f['name'] == '\(QueueLayout.workerGroup)' then return f end
      end
      return nil
    end
    """

    /// Lua: `trimBelowGroups(stream)` removes the entries of `stream` before the oldest one any of
    /// its consumer groups still needs (`XTRIM MINID`, exact): per group its oldest pending entry,
    /// or, with nothing pending, the entry after its last delivered one. A delivered entry is either
    /// pending or acknowledged, and a group's undelivered entries all come after its last delivered
    /// one, so every entry removed was delivered to and acknowledged by every group. A job stream has
    /// one group (the workers'); an event stream one per gateway (`EventTrim`). A stream without
    /// groups is left to its cap. Returns how many entries went.
    static let trimBelowGroups = """
    local function trimBelowGroups(stream)
      local floor, floorMs, floorSeq
      local function consider(ms, seq)
        ms, seq = tonumber(ms), tonumber(seq)
        if not floor or ms < floorMs or (ms == floorMs and seq < floorSeq) then
          floor, floorMs, floorSeq = string.format('%d-%d', ms, seq), ms, seq
        end
      end
      for _, group in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
        local f = {}
        for i = 1, #group, 2 do f[group[i]] = group[i + 1] end
        local oldest = tonumber(f['pending']) > 0 and redis.call('XPENDING', stream, f['name'])[2]
        if oldest then
          consider(string.match(oldest, '^(%d+)-(%d+)$'))
        else
          local ms, seq = string.match(f['last-delivered-id'], '^(%d+)-(%d+)$')
          consider(ms, tonumber(seq) + 1)
        end
      end
      if not floor then return 0 end
      return redis.call('XTRIM', stream, 'MINID', floor)
    end
    """

    /// Lua: `settle(stream, depth, ids)` acknowledges the messages `ids` of a job stream, lowers the
    /// lane's depth counter by how many were pending (never below 0), and trims the stream below
    /// what the workers' group still needs (`trimBelowGroups`).
    static let settle = trimBelowGroups + "\n" + """
    local function settle(stream, depth, ids)
      local acked = 0
      -- In slices: unpack is bounded by Lua's C stack.
      for first = 1, #ids, 1000 do
        acked = acked + redis.call('XACK', stream, '\(QueueLayout.workerGroup)', unpack(ids, first, math.min(first + 999, #ids)))
      end
      if acked > 0 and redis.call('DECRBY', depth, acked) < 0 then redis.call('SET', depth, 0) end
      trimBelowGroups(stream)
      return acked
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
    /// The stream entry carries what a worker needs to start the job (`id`, `attempt` 1, `params`,
    /// `blob`), so `start` reads nothing of the record. Entries let in from a fair lane's held set
    /// carry the id only; `start` reads the rest from the record for those.
    ///
    /// The record gets its expiry here, `blobTTL + finishedTTL`, so that `complete` need not set one
    /// per job (a job that has not started within `blobTTL` has lost its upload anyway; `start`
    /// renews it for messages it reads the record for, `complete` for jobs older than half of `blobTTL`).
    /// Its `state` is written once, `queued`, for workers older than `done`; `msg` is its stream
    /// entry's id (written when the entry is: here, by `release` or `promote`), by which readers
    /// find a running attempt in the stream's pending list (`peek`).
    ///
    /// KEYS: 1 the kind's stream, 2 job hash, 3 blob, 4 idempotency key (or the placeholder), 5 stats,
    /// 6 the kind's held set, 7 its fair clock, 8 the lane's depth counter, 9 the staging key
    /// holding the upload.
    /// ARGV: 1 id, 2 kind, 3 lane (not stored: the record's key names it), 4 created_at, 5 owner, 6 params JSON, 7 max_attempts,
    /// 8 blob sha256, 9 blob TTL s, 10 idempotency TTL s (0: no key),
    /// 11 max lane depth (0: unlimited), 12 fairness window (0: straight into the stream),
    /// 13 the record's TTL s, 14 the job key prefix.
    /// Returns `{"created", id}`, `{"existing", id}` (same idempotency key) or `{"busy", depth}`;
    /// an error reply when neither the blob nor the staging key exists (the upload's `SET` failed).
    public static let enqueue = RedisScript(name: "enqueue", source: fairRelease + "\n" + """
    local staging = KEYS[9]
    local idemTTL = tonumber(ARGV[10])
    if idemTTL > 0 then
      local existing = redis.call('GET', KEYS[4])
      if existing then redis.call('DEL', staging) return {'existing', existing} end
    end
    local maxDepth = tonumber(ARGV[11])
    if maxDepth > 0 then
      local depth = tonumber(redis.call('GET', KEYS[8]) or '0')
      if depth >= maxDepth then redis.call('DEL', staging) return {'busy', tostring(depth)} end
    end
    -- An existing blob (the same bytes: it is named by their SHA-256) gets a fresh expiry — `EXPIRE`
    -- is also the test that it exists — and the staged copy goes. Renaming the staged copy over it
    -- instead cost more: the allocator then hands every upload fresh pages to fault in.
    if redis.call('EXPIRE', KEYS[3], ARGV[9]) == 1 then
      redis.call('DEL', staging)
    else
      local renamed = redis.pcall('RENAME', staging, KEYS[3])
      if type(renamed) == 'table' and renamed.err then
        return redis.error_reply('ERR enqueue: the upload is missing (its SET failed)')
      end
      redis.call('EXPIRE', KEYS[3], ARGV[9])
    end
    local window = tonumber(ARGV[12])
    -- The stream entry's id goes in the record (`msg`): readers find a running attempt by it in the pending list.
    local msg = false
    if window == 0 then msg = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'attempt', 1, 'params', ARGV[6], 'blob', ARGV[8]) end
    redis.call('HSET', KEYS[2], 'id', ARGV[1], 'kind', ARGV[2], 'state', 'queued',
      'attempts', 0, 'max_attempts', ARGV[7], 'created_at', ARGV[4], 'owner', ARGV[5],
      'params', ARGV[6], 'blob', ARGV[8], 'msg', msg or '')
    redis.call('EXPIRE', KEYS[2], ARGV[13])
    if idemTTL > 0 then redis.call('SET', KEYS[4], ARGV[1], 'EX', idemTTL) end
    if window > 0 then
      local clock = KEYS[7]
      local score = math.max(tonumber(redis.call('HGET', clock, ARGV[5]) or '0'),
                             tonumber(redis.call('HGET', clock, '~released') or '0')) + 1
      redis.call('HSET', clock, ARGV[5], score)
      redis.call('ZADD', KEYS[6], score, ARGV[1] .. ' ' .. ARGV[5])
      release(KEYS[6], KEYS[1], clock, window, ARGV[14])
    end
    redis.call('INCR', KEYS[8])
    redis.call('HINCRBY', KEYS[5], 'enqueued:' .. ARGV[2], 1)
    return {'created', ARGV[1]}
    """)

    /// Sets a lane's depth counter when it does not exist — the first start after an upgrade from
    /// `XDEL`-on-acknowledge, or after the key was lost — from the streams themselves: per kind,
    /// the entries not yet delivered (the group's `lag`) plus those pending; where Redis cannot tell
    /// the lag (entries were `XDEL`eted after the last delivery, as before trimming), `XLEN`, which
    /// then counts exactly those; plus the held sets. Does nothing when the counter exists.
    ///
    /// KEYS: 1 the lane's depth counter, then its n kind streams, then their n held sets.
    /// Returns the depth set, or -1 when the counter existed.
    public static let initDepth = RedisScript(name: "init_depth", source: workerGroup + "\n" + """
    if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
    local n = (#KEYS - 1) / 2
    local depth = 0
    for i = 2, 1 + n do
      local f = workerGroup(KEYS[i])
      if f and f['lag'] then
        depth = depth + tonumber(f['lag']) + tonumber(f['pending'])
      else
        depth = depth + redis.call('XLEN', KEYS[i])
      end
    end
    for i = 2 + n, #KEYS do depth = depth + redis.call('ZCARD', KEYS[i]) end
    redis.call('SET', KEYS[1], depth)
    return depth
    """)

    /// Cancels a job that has not ended. A queued job never runs (a held one leaves its held set
    /// and the lane's depth, a scheduled retry its delayed set; one in a stream is put in the
    /// lane's cancelled set, which `start` consults); a running one's result is discarded (`done`
    /// is written here, so `complete`'s `HSETNX` finds it and changes nothing).
    ///
    /// KEYS: 1 job hash, 2 delayed set, 3 events, 4 stats, 5 the lane's depth counter, 6 its cancelled set.
    /// ARGV: 1 id, 2 now, 3 finished TTL s, 4 events cap, 5 held-set key prefix, 6 stream key
    /// prefix (both in the lane's slot), 7 the cancelled set's TTL s (renewed by each
    /// cancellation: every member is met by `start` or `complete` well within it, unless Redis
    /// lost its stream entry).
    /// Returns `{"cancelled", previous state}`, `{"final", state}` or `{"missing"}`.
    public static let cancel = RedisScript(name: "cancel", source: pendingAttempt + "\n" + packEnd + "\n" + """
    local id, now = ARGV[1], ARGV[2]
    local cur = redis.call('HMGET', KEYS[1], 'kind', 'done', 'attempts', 'owner', 'state', 'msg')
    if not cur[1] then return {'missing'} end
    if cur[2] then return {'final', string.match(cur[2], '^(%a+)')} end
    if cur[5] and cur[5] ~= 'queued' and cur[5] ~= 'running' then return {'final', cur[5]} end
    local attempts, worker = tonumber(cur[3] or '0'), '-'
    local deliveries, consumer = pendingAttempt(ARGV[6] .. cur[1], cur[6])
    local waiting = false
    if deliveries > 0 then
      attempts, worker = attempts + deliveries, consumer
    else
      if redis.call('ZREM', ARGV[5] .. cur[1], id .. ' ' .. (cur[4] or '')) == 1 then
        waiting = true
        if redis.call('DECR', KEYS[5]) < 0 then redis.call('SET', KEYS[5], 0) end
      end
      if redis.call('ZREM', KEYS[2], id) == 1 then waiting = true end
    end
    if not waiting then
      redis.call('SADD', KEYS[6], id)
      redis.call('EXPIRE', KEYS[6], ARGV[7])
    end
    local done = packEnd('cancelled', attempts, now, '-', worker, 'cancelled', 'cancelled by the client')
    redis.call('HSET', KEYS[1], 'done', done)
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'id', id, 'done', done)
    redis.call('HINCRBY', KEYS[4], 'cancelled:' .. cur[1], 1)
    return {'cancelled', deliveries > 0 and 'running' or 'queued'}
    """)

    /// Lua: `packEnd(state, attempts, finished, ran, worker, code, message)`, a job's end as its
    /// `done` field holds it, for the scripts that end jobs in Lua (`cancel`, dead-lettering); the
    /// format is `JobEnd`'s (`ran` and `worker` may be `-`).
    static let packEnd = """
    local function packEnd(state, attempts, finished, ran, worker, code, message)
      return state .. ' ' .. attempts .. ' ' .. finished .. ' ' .. ran .. ' ' .. worker .. '\\n' .. code .. '\\n' .. message
    end
    """

    /// Lua: `pendingAttempt(stream, msg)`: how many times the entry `msg` of `stream` was delivered
    /// and to which worker, while it is pending (delivered, not acknowledged); `0, false` otherwise
    /// (or when `msg` is empty or false). Delivery counts only grow by `XREADGROUP` and by recovery
    /// (`XAUTOCLAIM`; the heartbeat's `XCLAIM … JUSTID` does not count), so the job's running
    /// attempt is the record's `attempts` (those before this entry) plus the deliveries.
    static let pendingAttempt = """
    local function pendingAttempt(stream, msg)
      if not msg or msg == '' then return 0, false end
      local entry = redis.call('XPENDING', stream, '\(QueueLayout.workerGroup)', msg, msg, 1)[1]
      if not entry then return 0, false end
      return tonumber(entry[4]), entry[2]
    end
    """

    /// Reads a job's record: its hash, and while it has not ended and its stream entry is pending,
    /// the running attempt's worker and deliveries (`pending_worker`, `pending_deliveries`, which
    /// `JobRecord` reads as `running`). When the attempt started is not kept in Redis — the
    /// `running` event carries it to the gateway.
    ///
    /// KEYS: 1 job hash. ARGV: 1 stream key prefix (the lane's).
    /// Returns the hash's fields and values (empty when it does not exist), plus those two.
    public static let peek = RedisScript(name: "peek", source: pendingAttempt + "\n" + """
    local fields = redis.call('HGETALL', KEYS[1])
    if #fields == 0 then return fields end
    local kind, done, msg
    for i = 1, #fields, 2 do
      local f = fields[i]
      if f == 'kind' then kind = fields[i + 1] elseif f == 'done' then done = true elseif f == 'msg' then msg = fields[i + 1] end
    end
    if kind and not done then
      local deliveries, consumer = pendingAttempt(ARGV[1] .. kind, msg)
      if deliveries > 0 then
        fields[#fields + 1], fields[#fields + 2], fields[#fields + 3], fields[#fields + 4] =
          'pending_worker', consumer, 'pending_deliveries', deliveries
      end
    end
    return fields
    """)

    /// Every script, for loading at start-up.
    public static let all: [RedisScript] = [enqueue, start, complete, retry, promote, cancel, release, initDepth, peek]
}
