/// Repeated and comma-separated query parameters (`mime_types=jpg&mime_types=png`, `breed_ids=1,2`).
extension HTTPRequest {
    /// Every value of query parameter `name`, in order, each split on commas, blanks dropped.
    func queryList(_ name: String) -> [String] {
        guard let mark = target.firstIndex(of: "?") else { return [] }
        var rest = target[target.index(after: mark)...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var values: [String] = []
        for pair in rest.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard PercentDecoding.decode(parts[0], plusAsSpace: true) == name, parts.count == 2,
                  let value = PercentDecoding.decode(parts[1], plusAsSpace: true) else { continue }
            values += value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return values
    }

    /// Query parameter `name` unless absent or empty (clients send `breed_id=` for "any").
    func nonEmptyQuery(_ name: String) -> String? {
        guard let value = queryValue(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }
}
