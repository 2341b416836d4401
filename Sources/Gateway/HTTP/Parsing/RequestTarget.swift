/// A request target split into its decoded path and query (RFC 9112 §3.2: origin-form and absolute-form).
struct RequestTarget: Sendable, Equatable {
    /// The percent-decoded path, always starting with `/` (or exactly `*`).
    let path: String
    /// Form-decoded query parameters; the first value of a repeated name wins.
    let query: [String: String]

    /// Splits and decodes `target`; throws 400 for anything that is not a usable target.
    init(_ target: String) throws(HTTPError) {
        var rest = Substring(target)
        guard !rest.isEmpty else { throw HTTPError.badRequest("empty request target", code: "invalid_target") }
        guard rest.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPError.badRequest("request target contains invalid characters", code: "invalid_target")
        }
        if rest == "*" { self.path = "*"; self.query = [:]; return }
        // Absolute-form is what proxies send; keep only the path and query, the authority is not ours to route on.
        let lower = rest.prefix(8).lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            rest = rest[rest.index(rest.firstIndex(of: ":")!, offsetBy: 3)...]
            if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = rest[slash...]
            } else {
                rest = "/"
            }
            if rest.first == "?" { rest = "/" + rest }
        }
        guard rest.first == "/" else { throw HTTPError.badRequest("request target must start with '/'", code: "invalid_target") }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let rawPath: Substring
        let rawQuery: Substring?
        if let mark = rest.firstIndex(of: "?") {
            rawPath = rest[..<mark]
            rawQuery = rest[rest.index(after: mark)...]
        } else {
            rawPath = rest
            rawQuery = nil
        }
        guard let path = PercentDecoding.decode(rawPath, plusAsSpace: false), !path.utf8.contains(0) else {
            throw HTTPError.badRequest("request path has invalid percent-encoding", code: "invalid_target")
        }
        self.path = path
        self.query = rawQuery.map(PercentDecoding.formFields) ?? [:]
    }
}

/// Percent-decoding for paths and `application/x-www-form-urlencoded` text.
enum PercentDecoding {
    /// Decodes `%XX` escapes (and `+` as space when asked); nil for a broken escape or invalid UTF-8.
    static func decode(_ text: some StringProtocol, plusAsSpace: Bool) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && utf8.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < utf8.count, let hi = hexValue(utf8[i + 1]), let lo = hexValue(utf8[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusAsSpace && b == UInt8(ascii: "+") ? 0x20 : b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Splits `a=1&b=2` into fields; a field that cannot be decoded keeps its raw text rather than failing the request.
    static func formFields(_ query: some StringProtocol) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0], plusAsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (decode(parts[1], plusAsSpace: true) ?? String(parts[1])) : ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    /// The value of one hex digit, or nil.
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
