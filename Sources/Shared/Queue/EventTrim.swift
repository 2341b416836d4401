/// Keeps a lane's event stream short when several gateways read it, each through its own consumer
/// group (`QueueLayout.ingesterGroup(gatewayID:)`).
///
/// With one reader the ingester could `XDEL` what it recorded; with several, an entry one gateway
/// recorded may not have been read by another yet. So an entry goes once *every* group is past it:
/// the stream is trimmed (`XTRIM MINID`, exact) below the oldest entry any group still needs — its
/// oldest pending entry, or, with nothing pending, the entry after its last delivered one — by the
/// function that trims a job stream for the workers' one group (`QueueScripts.trimBelowGroups`). A gateway that is stopped
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
    public static let acknowledge = RedisScript(name: "events_acknowledge", source: QueueScripts.trimBelowGroups + "\n" + """
        local stream = KEYS[1]
        local acked = 0
        -- In slices: unpack is bounded by Lua's C stack.
        for first = 2, #ARGV, 1000 do
          acked = acked + redis.call('XACK', stream, ARGV[1], unpack(ARGV, first, math.min(first + 999, #ARGV)))
        end
        return {acked, trimBelowGroups(stream)}
        """)
}
