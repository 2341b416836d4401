import Testing
@testable import Shared
@testable import Gateway
@testable import Worker

@Suite struct JSONTests {
    @Test func roundTripsNestedValues() throws {
        let text = #"{"a":[1,2.5,"x\n\"y"],"b":{"c":null,"d":true}}"#
        let value = try JSON.parse(text)
        #expect(value["a"]?[2]?.stringValue == "x\n\"y")
        #expect(value["b"]?["d"]?.boolValue == true)
        #expect(value.serialized() == text)
    }

    @Test func rejectsMalformedAndDeepInput() {
        #expect(throws: JSONParseError.self) { try JSON.parse("{\"a\":}") }
        #expect(throws: JSONParseError.self) { try JSON.parse(String(repeating: "[", count: 100)) }
        #expect(throws: JSONParseError.self) { try JSON.parse("[1] x") }
    }

    /// RFC 8259 §8.1: JSON is UTF-8; an invalid sequence inside a string is an error, never U+FFFD.
    @Test func rejectsInvalidUTF8InStrings() throws {
        for bad: [UInt8] in [[0xC3, 0x28], [0xFF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSON.parse([0x22] + bad + [0x22]) }
        }
        #expect(try JSON.parse(Array("\"caf\u{E9} \u{1F426}\"".utf8)) == .string("caf\u{E9} \u{1F426}"))
    }

    /// Hostile numbers are refused with an error instead of becoming infinity or being read leniently
    /// (the parser runs on untrusted bodies; since issue 7 #4 it is built with overflow checks on).
    @Test func rejectsNumbersOutOfRangeOrOutsideTheGrammar() throws {
        for text in ["1e999", "-1e999", "[1" + String(repeating: "0", count: 400) + "]", #"{"n":1e400}"#,
                     "+1", "01", "1.", ".5", "1e", "1e+", "--1", "1-2", "0x10", "-"] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSON.parse(text) }
        }
        #expect(try JSON.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSON.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))  // past Int: a Double
        #expect(try JSON.parse("-0.5e-3") == .double(-0.0005))
        #expect(try JSON.parse("[0,-0,1E2,2.50]").serialized() == "[0,0,100,2.5]")
        // A huge exponent that is finite after all still parses.
        #expect(try JSON.parse("1e308") == .double(1e308))
    }

    @Test func escapesWhatRFC8259RequiresAndNothingElse() throws {
        let text = "a\"b\\c\nd\re\tf\u{01}g\u{1F}h/é😀"
        let json = JSON.array([.string(text), ["k\"ey": .string("plain")]])
        #expect(json.serialized() == #"["a\"b\\c\nd\re\tf\u0001g\u001fh/é😀",{"k\"ey":"plain"}]"#)
        #expect(try JSON.parse(json.bytes()) == json)
        #expect(JSON.string("").serialized() == #""""#)
        #expect(JSON.object([("n", 1.5), ("i", 3), ("d", 2.0), ("b", true), ("z", nil)]).serialized() == #"{"n":1.5,"i":3,"d":2,"b":true,"z":null}"#)
    }
}
