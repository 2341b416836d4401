import CHiredis

/// A decoded Redis reply, copied out of hiredis's memory so it outlives `freeReplyObject`.
public enum RedisReply: Sendable, Equatable {
    /// A bulk string (binary-safe).
    case string([UInt8])
    /// A simple status such as `OK` or `QUEUED`.
    case status(String)
    /// An integer reply.
    case integer(Int)
    /// The nil bulk string or nil array.
    case null
    /// An array of replies (nested for streams).
    case array([RedisReply])
    /// An error reply: the command failed inside Redis (the connection is still fine).
    case error(String)

    /// Copies a hiredis reply tree; `depth` bounds recursion on hostile replies.
    init(copying reply: UnsafePointer<redisReply>, depth: Int = 0) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            self = .string(r.str == nil ? [] : Array(UnsafeRawBufferPointer(start: r.str, count: Int(r.len))))
        case REDIS_REPLY_STATUS:
            self = .status(r.str == nil ? "" : String(decoding: UnsafeRawBufferPointer(start: r.str, count: Int(r.len)), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(r.str == nil ? "" : String(decoding: UnsafeRawBufferPointer(start: r.str, count: Int(r.len)), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(r.integer))
        case REDIS_REPLY_ARRAY:
            guard depth < 16, let elements = r.element else { self = .array([]); return }
            var items: [RedisReply] = []
            items.reserveCapacity(Int(r.elements))
            for i in 0..<Int(r.elements) {
                if let child = elements[i] { items.append(RedisReply(copying: child, depth: depth + 1)) } else { items.append(.null) }
            }
            self = .array(items)
        default:
            self = .null
        }
    }

    /// The payload as UTF-8 text for strings and statuses.
    public var text: String? {
        switch self {
        case let .string(b): return String(decoding: b, as: UTF8.self)
        case let .status(s): return s
        case let .integer(i): return String(i)
        default: return nil
        }
    }

    /// The payload as raw bytes for strings.
    public var bytes: [UInt8]? { if case let .string(b) = self { return b }; return nil }

    /// The integer payload, also parsing integer-looking strings (Lua returns numbers as integers, HGET as strings).
    public var int: Int? {
        switch self {
        case let .integer(i): return i
        case let .string(b): return Int(String(decoding: b, as: UTF8.self))
        default: return nil
        }
    }

    /// The elements of an array reply (empty for nil).
    public var array: [RedisReply]? {
        switch self {
        case let .array(a): return a
        case .null: return []
        default: return nil
        }
    }

    /// True for the nil reply.
    public var isNull: Bool { self == .null }

    /// Interprets a flat `[field, value, field, value…]` array (HGETALL, stream entries) as a dictionary.
    public var fieldMap: [String: RedisReply] {
        guard case let .array(items) = self else { return [:] }
        var map: [String: RedisReply] = [:]
        var i = 0
        while i + 1 < items.count {
            if let key = items[i].text { map[key] = items[i + 1] }
            i += 2
        }
        return map
    }
}
