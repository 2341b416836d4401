/// A header value of the form `token; name=value; name="quoted value"` (Content-Type, Content-Disposition).
struct HeaderParameters: Sendable {
    /// The part before the first `;`, lowercased (e.g. `multipart/form-data`, `form-data`).
    let value: String
    /// Parameters in order; names lowercased, quoted values unquoted.
    let parameters: [(name: String, value: String)]

    /// Splits `text`; a `;` inside a quoted string does not end the parameter.
    init(_ text: String) {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for ch in text {
            if escaped { current.append(ch); escaped = false; continue }
            if inQuotes, ch == "\\" { current.append(ch); escaped = true; continue }
            if ch == "\"" { inQuotes.toggle() }
            if ch == ";", !inQuotes { fields.append(current); current = ""; continue }
            current.append(ch)
        }
        fields.append(current)
        value = fields[0].trimmingOWS().lowercased()
        parameters = fields.dropFirst().compactMap { field in
            guard let eq = field.firstIndex(of: "=") else { return nil }
            let name = field[..<eq].trimmingOWS().lowercased()
            let raw = field[field.index(after: eq)...].trimmingOWS()
            return (name, HeaderParameters.unquote(raw))
        }
    }

    /// The value of parameter `name` (any case), or nil.
    subscript(name: String) -> String? {
        let key = name.lowercased()
        return parameters.first(where: { $0.name == key })?.value
    }

    /// Removes surrounding quotes and backslash escapes from a quoted-string; other text is returned as is.
    static func unquote(_ raw: String) -> String {
        guard raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") else { return raw }
        var out = ""
        var escaped = false
        for ch in raw.dropFirst().dropLast() {
            if !escaped, ch == "\\" { escaped = true; continue }
            escaped = false
            out.append(ch)
        }
        return out
    }
}
