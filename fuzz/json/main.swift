// libFuzzer harness for Roost's JSON parser and serialiser (Sources/Shared/Support/JSON.swift).
// Any bytes must parse or throw JSONParseError, never trap; and what Roost serialises from a
// parsed value must parse again to the same serialisation (a fixed point after one round).
import Shared

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let value = try? JSON.parse(bytes) else { return 0 }
    let first = value.serialized()
    guard let again = try? JSON.parse(first) else { fatalError("serialised JSON does not parse: \(first)") }
    let second = again.serialized()
    guard first == second else { fatalError("serialisation is not stable:\n\(first)\n\(second)") }
    return 0
}
