/// Keeps a lane's event stream short when several gateways read it, each through its own consumer
/// group (`QueueLayout.ingesterGroup(gatewayID:)`).
///
/// With one reader the ingester could `XDEL` what it recorded; with several, an entry one gateway
/// recorded may not have been read by another yet. So an entry goes once *every* group is past it:
/// the stream is trimmed (`XTRIM MINID`, exact) below the oldest entry any group still needs — its
/// oldest pending entry, or, with nothing pending, the entry after its last delivered one — as
/// `QueueScripts.settle` trims a job stream for the workers' one group. A gateway that is stopped
/// holds the trim back until it is back and has caught up; one that is gone for good holds it back
/// until its group is removed (`XGROUP DESTROY <events> <gateway id>`). The `MAXLEN ~` cap on every
/// `XADD` (`ROOST_EVENTS_CAP`) bounds the stream either way.
public enum EventTrim {
    /// Acknowledges entries for one group, then trims the stream below the oldest entry any group
    /// still needs. Every entry removed is one each group has delivered and acknowledged (a group's
    /// undelivered entries all come after its last delivered one), so no gateway misses an event.
    /// A stream without groups is left to its cap.
    ///
    /// KEYS: 1 a lane's event stream. ARGV: 1 the consumer group, 2… entry ids to acknowledge.
    /// Returns `{acknowledged, trimmed}`.
    public static let acknowledge = RedisScript(name: "events_acknowledge", source: """
        local stream = KEYS[1]
        local acked = 0
        -- In slices: unpack is bounded by Lua's C stack.
        for first = 2, #ARGV, 1000 do
          acked = acked + redis.call('XACK', stream, ARGV[1], unpack(ARGV, first, math.min(first + 999, #ARGV)))
        end
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
        if not floor then return {acked, 0} end
        return {acked, redis.call('XTRIM', stream, 'MINID', floor)}
        """)
}
