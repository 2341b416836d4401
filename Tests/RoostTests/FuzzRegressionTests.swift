import Testing
@testable import Shared

/// Inputs found by fuzzing the parsers (`make fuzz`, harnesses in `fuzz/`) or while writing their harnesses,
/// replayed as plain tests: each must end in a clean error (or the right value), never a crash or a wrong
/// acceptance. docs/RELIABILITY.md ("Fuzzing") says how each was found.
@Suite struct FuzzRegressionTests {
    /// The status of a JSON parse: the serialised value, or "error".
    private static func outcome(_ bytes: [UInt8]) -> String {
        (try? JSON.parse(bytes))?.serialized() ?? "error"
    }

    /// `\u` takes exactly four hex digits; `UInt32(_:radix:)` also took a sign, so `"\u+041"` was "A".
    @Test func jsonUnicodeEscapeWithASignIsRefused() {
        #expect(Self.outcome(Array(#""\u+041""#.utf8)) == "error")
        #expect(Self.outcome(Array(#""\u-000""#.utf8)) == "error")
        #expect(throws: JSONParseError.self) { try JSON.parse([0x22, 0x5C, 0x75, 0x2B, 0x30, 0x34, 0x31, 0x22]) }
        #expect(Self.outcome(Array(#""\u004A\u00e9""#.utf8)) == #""Jé""#)
    }
}
