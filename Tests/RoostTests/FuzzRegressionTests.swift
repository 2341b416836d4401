import Testing
@testable import Shared

/// Inputs found while fuzzing the parsers (`make fuzz`, harnesses in `fuzz/`), replayed as plain tests:
/// each must now end in a clean error (or the right value), never a crash or a wrong acceptance.
/// docs/RELIABILITY.md ("Fuzzing") says how each was found.
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

    /// Numbers follow RFC 8259's grammar; `Int(_:)`/`Double(_:)` alone accepted `+1`, `01`, `1.` and `.5`.
    @Test(arguments: ["+1", "01", "-01", "1.", ".5", "-.5", "1.e3", "1e", "1e+", "--1", "-", "[+1]", "{\"a\":01}"])
    func jsonNumberOutsideTheGrammarIsRefused(text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    /// What the grammar allows still parses to the same values as before.
    @Test func jsonNumbersInTheGrammarStillParse() throws {
        #expect(try JSON.parse("0") == .int(0))
        #expect(try JSON.parse("-0") == .int(0))
        #expect(try JSON.parse("-12") == .int(-12))
        #expect(try JSON.parse("1E+2") == .double(100))
        #expect(try JSON.parse("-0.5e-1") == .double(-0.05))
        #expect(try JSON.parse("12345678901234567890") == .double(12345678901234567890))
        #expect(try JSON.parse("[1,-2.5,3e2]").serialized() == "[1,-2.5,300]")
    }
}
