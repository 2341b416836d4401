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
}
