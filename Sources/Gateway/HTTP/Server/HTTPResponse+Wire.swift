import Glibc

extension HTTPResponse {
    /// Headers the server owns; a handler's values for them are replaced.
    private static let serverOwned: Set<String> = ["content-length", "connection", "date", "transfer-encoding"]

    /// The status line and headers as sent, with `Content-Length`, `Date` and `Connection` added.
    func wireHead(keepAlive: Bool, date: String = HTTPDate.now()) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(status))\r\n"
        for (name, value) in headers where !HTTPResponse.serverOwned.contains(name.lowercased()) {
            text += "\(name): \(value)\r\n"
        }
        // RFC 9110 §8.6: no Content-Length on 1xx and 204.
        if status >= 200, status != 204 { text += "Content-Length: \(body.count)\r\n" }
        text += "Date: \(date)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    /// Whether a body may follow the head (not for HEAD requests, 1xx, 204 or 304).
    func sendsBody(forMethod method: String) -> Bool {
        method != "HEAD" && status >= 200 && status != 204 && status != 304
    }
}

/// The IMF-fixdate form of the current time for the `Date` header (RFC 9110 §5.6.7).
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// E.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func now() -> String { format(time(nil)) }

    /// Formats seconds since the epoch.
    static func format(_ seconds: time_t) -> String {
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
