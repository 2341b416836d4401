/// A value bound to a statement parameter or read from a result column.
enum SQLiteValue: Sendable, Equatable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A double-precision float.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])

    /// Text, or NULL for nil.
    init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    /// An integer, or NULL for nil.
    init(_ integer: Int?) { self = integer.map { .integer(Int64($0)) } ?? .null }
    /// An integer, or NULL for nil.
    init(_ integer: Int64?) { self = integer.map { .integer($0) } ?? .null }
    /// A real, or NULL for nil.
    init(_ real: Double?) { self = real.map { .real($0) } ?? .null }
    /// A blob, or NULL for nil.
    init(_ bytes: [UInt8]?) { self = bytes.map { .blob($0) } ?? .null }

    /// The text, or nil when the value is not text.
    var textValue: String? { if case .text(let value) = self { value } else { nil } }
    /// The integer, or nil when the value is not an integer.
    var integerValue: Int64? { if case .integer(let value) = self { value } else { nil } }
    /// The number as a Double (integers widen), or nil.
    var realValue: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
    /// True for NULL.
    var isNull: Bool { self == .null }
}
