/// Where a command goes on Redis Cluster: the slot of its first key, every master (script loads),
/// or any node (commands without keys).
enum RedisCommandRoute: Equatable {
    /// The node serving this slot.
    case slot(Int)
    /// Every master (`SCRIPT LOAD`, `SCRIPT FLUSH`: each node has its own script cache).
    case allMasters
    /// Any node will do (`PING`, `INFO`, `CLUSTER …`).
    case anyNode

    /// The route of `arguments`. Only the first key is looked at: Roost never sends a command whose
    /// keys span slots (the cluster would refuse it with `CROSSSLOT`).
    init(_ arguments: [RedisArgument]) {
        guard let name = arguments.first?.upperText else { self = .anyNode; return }
        switch name {
        case "SCRIPT", "FUNCTION":
            self = .allMasters
        case "PING", "INFO", "CLUSTER", "ECHO", "TIME", "CONFIG", "CLIENT", "DBSIZE", "FLUSHALL", "FLUSHDB", "ASKING", "READONLY":
            self = .anyNode
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            guard arguments.count > 3, let keys = arguments[2].text.flatMap({ Int($0) }), keys > 0 else { self = .anyNode; return }
            self = .slot(arguments[3].slot)
        case "XREAD", "XREADGROUP":
            guard let streams = arguments.firstIndex(where: { $0.upperText == "STREAMS" }), streams + 1 < arguments.count else {
                self = .anyNode; return
            }
            self = .slot(arguments[streams + 1].slot)
        case "XGROUP", "XINFO", "OBJECT", "MEMORY":
            self = arguments.count > 2 ? .slot(arguments[2].slot) : .anyNode
        default:
            self = arguments.count > 1 ? .slot(arguments[1].slot) : .anyNode
        }
    }
}

private extension RedisArgument {
    var text: String? {
        switch self {
        case let .text(s): return s
        case let .bytes(b): return String(decoding: b, as: UTF8.self)
        }
    }

    var upperText: String? { text?.uppercased() }

    var slot: Int {
        switch self {
        case let .text(s): return RedisKeySlot.of(s)
        case let .bytes(b): return RedisKeySlot.of(b)
        }
    }
}
