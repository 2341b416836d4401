import Testing
@testable import Shared

/// The specialised unfilter loops (one per filter and pixel size) against RFC 2083's definition,
/// on random rows: the fixtures use only some of the (filter, pixel size) pairs.
@Suite struct PNGFilterTests {
    /// RFC 2083 §6, byte by byte, as written there.
    static func reference(_ filtered: [UInt8], previous: [UInt8]?, stride: Int, filter: UInt8) -> [UInt8] {
        var out = filtered
        for i in 0..<out.count {
            let a = i >= stride ? Int(out[i - stride]) : 0
            let b = previous.map { Int($0[i]) } ?? 0
            let c = i >= stride ? previous.map { Int($0[i - stride]) } ?? 0 : 0
            let x = Int(filtered[i])
            let value: Int
            switch filter {
            case 0: value = x
            case 1: value = x + a
            case 2: value = x + b
            case 3: value = x + (a + b) / 2
            default:
                let p = a + b - c
                let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
            }
            out[i] = UInt8(truncatingIfNeeded: value)
        }
        return out
    }

    @Test(arguments: [1, 2, 3, 4, 6, 8])
    func everyFilterMatchesTheDefinition(stride: Int) {
        var rng = SystemRandomNumberGenerator()
        for pixels in [1, 2, 5, 37] {
            let count = stride * pixels
            for filter: UInt8 in 0...4 {
                for hasPrevious in [false, true] {
                    for _ in 0..<20 {
                        let row = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
                        let previous = hasPrevious ? (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) } : nil
                        var got = row
                        let ok = got.withUnsafeMutableBufferPointer { got in
                            if let previous {
                                return previous.withUnsafeBufferPointer { previous in
                                    PNGFilter.unfilter(got.baseAddress!, previous: previous.baseAddress!, count: count, stride: stride,
                                                       filter: filter)
                                }
                            }
                            return PNGFilter.unfilter(got.baseAddress!, previous: nil, count: count, stride: stride, filter: filter)
                        }
                        #expect(ok)
                        #expect(got == Self.reference(row, previous: previous, stride: stride, filter: filter),
                                "filter \(filter), stride \(stride), \(pixels) pixels, previous row: \(hasPrevious)")
                    }
                }
            }
        }
        var row: [UInt8] = [1, 2, 3]
        #expect(!row.withUnsafeMutableBufferPointer { PNGFilter.unfilter($0.baseAddress!, previous: nil, count: 3, stride: 1, filter: 5) })
    }
}
