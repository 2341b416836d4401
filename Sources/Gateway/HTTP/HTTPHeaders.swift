/// Case-insensitive header list preserving order and duplicates, as received or as to be sent.
struct HTTPHeaders: Sendable {
    /// Every header in order, names as written by the sender.
    private(set) var all: [(name: String, value: String)]

    /// Creates a header list from `pairs`, kept in order.
    init(_ pairs: [(name: String, value: String)] = []) { self.all = pairs }

    /// Appends one header, keeping any earlier header of the same name.
    mutating func add(name: String, value: String) { all.append((name: name, value: value)) }

    /// The first value of the header called `name` (any case), or nil.
    subscript(name: String) -> String? {
        all.first(where: { HTTPHeaders.sameName($0.name, name) })?.value
    }

    /// Every value of the header called `name` (any case), in order.
    func values(_ name: String) -> [String] {
        all.filter { HTTPHeaders.sameName($0.name, name) }.map(\.value)
    }

    /// Whether a comma-separated header such as `Connection` lists `token` (any case).
    func contains(token: String, in name: String) -> Bool {
        values(name).contains { value in
            value.split(separator: ",").contains { HTTPHeaders.sameName($0.trimmingOWS(), token) }
        }
    }

    /// ASCII case-insensitive comparison; header names are ASCII tokens so no Unicode folding is needed.
    static func sameName(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard (p | 0x20) == (q | 0x20), (p | 0x20) >= 0x61, (p | 0x20) <= 0x7A else { return false }
        }
        return true
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingOWS() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
