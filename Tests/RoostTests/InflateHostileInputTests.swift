import Foundation
import Testing
@testable import Shared

/// Hostile DEFLATE streams, built bit by bit: each must end in the right `InflateError` (never a
/// crash, never more output than allowed), and the edge cases zlib accepts must still decode.
@Suite struct InflateHostileInputTests {
    /// Writes DEFLATE bit streams: values least significant bit first, Huffman codes most significant first.
    struct BitWriter {
        var bytes: [UInt8] = []
        var count = 0

        mutating func bits(_ value: Int, _ n: Int) {
            for i in 0..<n {
                if count % 8 == 0 { bytes.append(0) }
                if value >> i & 1 == 1 { bytes[bytes.count - 1] |= UInt8(1 << (count % 8)) }
                count += 1
            }
        }

        mutating func code(_ code: Int, _ n: Int) {
            for i in stride(from: n - 1, through: 0, by: -1) { bits(code >> i & 1, 1) }
        }

        /// A fixed-Huffman literal/length symbol (RFC 1951 §3.2.6).
        mutating func fixed(_ symbol: Int) {
            switch symbol {
            case 0..<144: code(0x30 + symbol, 8)
            case 144..<256: code(0x190 + symbol - 144, 9)
            case 256..<280: code(symbol - 256, 7)
            default: code(0xC0 + symbol - 280, 8)
            }
        }
    }

    /// A real zlib stream: a PNG fixture's image data, and what it inflates to.
    static func realStream() throws -> (zlib: [UInt8], size: Int) {
        let png = try Fixtures.bytes("png/camera.png")
        let (data, size) = try PNGDecoder.compressedImageData(png)
        return (data, size)
    }

    @Test func everyTruncationOfARealStreamIsTruncated() throws {
        let (zlib, size) = try Self.realStream()
        let raw = Array(zlib.dropFirst(2))
        var cut = 1
        while cut < raw.count - 4 {
            #expect(throws: InflateError.truncated, "cut at \(cut)") {
                try Inflate.decompress(Array(raw.prefix(cut)), maxOutput: size, preallocate: true)
            }
            #expect(throws: InflateError.truncated, "cut at \(cut), growing") {
                try Inflate.decompress(Array(raw.prefix(cut)), maxOutput: size * 2)
            }
            cut += cut < 64 ? 1 : 397
        }
        #expect(throws: InflateError.truncated) { try Zlib.decompress(Array(zlib.dropLast(2)), maxOutput: size) }
    }

    @Test func theExactAndTheGrowingBufferAgree() throws {
        let (zlib, size) = try Self.realStream()
        let exact = try Zlib.decompress(zlib, maxOutput: size, preallocate: true)
        #expect(exact.count == size)
        #expect(try Zlib.decompress(zlib, maxOutput: size * 3) == exact)
        #expect(try Zlib.decompress(zlib, maxOutput: size) == exact)
        #expect(throws: InflateError.outputLimit(size - 1)) { try Zlib.decompress(zlib, maxOutput: size - 1) }
        #expect(throws: InflateError.outputLimit(size - 1)) { try Zlib.decompress(zlib, maxOutput: size - 1, preallocate: true) }
    }

    @Test func invalidLiteralLengthAndDistanceCodes() {
        for symbol in [286, 287] {
            var w = BitWriter()
            w.bits(1, 1); w.bits(1, 2)  // final, fixed
            w.fixed(65)
            w.fixed(symbol)
            w.bits(0, 16)
            for padding in [0, 32] {  // the careful path, then the fast loop
                #expect(throws: InflateError.corrupt("invalid literal/length code")) {
                    try Inflate.decompress(w.bytes + [UInt8](repeating: 0, count: padding), maxOutput: 1000)
                }
            }
        }
        for distance in [30, 31] {
            var w = BitWriter()
            w.bits(1, 1); w.bits(1, 2)
            w.fixed(65)
            w.fixed(257)
            w.code(distance, 5)
            w.bits(0, 16)
            for padding in [0, 32] {
                #expect(throws: InflateError.corrupt("invalid distance code")) {
                    try Inflate.decompress(w.bytes + [UInt8](repeating: 0, count: padding), maxOutput: 1000)
                }
            }
        }
        var reserved = BitWriter()
        reserved.bits(1, 1); reserved.bits(3, 2)
        #expect(throws: InflateError.corrupt("reserved block type")) { try Inflate.decompress(reserved.bytes, maxOutput: 100) }
    }

    @Test func aDistanceTooFarBackIsRefused() {
        for (literals, distanceCode) in [(0, 0), (1, 1), (2, 2), (40, 12)] {  // distances 1, 2, 3, 65
            var w = BitWriter()
            w.bits(1, 1); w.bits(1, 2)
            for _ in 0..<literals { w.fixed(66) }
            w.fixed(257)
            w.code(distanceCode, 5)
            if distanceCode == 12 { w.bits(0, 5) }
            w.fixed(256)
            for padding in [0, 32] {
                #expect(throws: InflateError.corrupt("distance beyond the start of the data"), "\(literals) literals") {
                    try Inflate.decompress(w.bytes + [UInt8](repeating: 0, count: padding), maxOutput: 1000)
                }
            }
        }
    }

    /// A dynamic block's header with every code length given through a code-length code whose
    /// four symbols (0, 1, 2, 18) all have two-bit codes (0→00, 1→01, 2→10, 18→11).
    static func dynamicBlock(literalLengths: [Int: Int], distanceLengths: [Int]) -> BitWriter {
        var w = BitWriter()
        w.bits(1, 1); w.bits(2, 2)
        w.bits(0, 5)  // 257 literal/length codes
        w.bits(distanceLengths.count - 1, 5)
        w.bits(14, 4)  // 18 code-length code lengths, in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1
        for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
            w.bits([0, 1, 2, 18].contains(symbol) ? 2 : 0, 3)
        }
        let codes = [0: 0b00, 1: 0b01, 2: 0b10]
        var zeros = 0
        func flushZeros(_ w: inout BitWriter) {
            while zeros >= 11 {
                let run = min(zeros, 138)
                w.code(0b11, 2); w.bits(run - 11, 7)
                zeros -= run
            }
            for _ in 0..<zeros { w.code(0b00, 2) }
            zeros = 0
        }
        for symbol in 0..<257 {
            let length = literalLengths[symbol] ?? 0
            if length == 0 { zeros += 1; continue }
            flushZeros(&w)
            w.code(codes[length]!, 2)
        }
        flushZeros(&w)
        for length in distanceLengths { w.code(codes[length]!, 2) }
        return w
    }

    @Test func incompleteAndOversubscribedCodesAreRefusedAsZlibDoes() throws {
        // Literal/length code using two of the four two-bit codes: incomplete.
        var incomplete = Self.dynamicBlock(literalLengths: [0: 2, 256: 2], distanceLengths: [1])
        incomplete.bits(0, 32)
        #expect(throws: InflateError.corrupt("incomplete Huffman code")) { try Inflate.decompress(incomplete.bytes, maxOutput: 100) }
        // Three one-bit codes: over-subscribed.
        var over = Self.dynamicBlock(literalLengths: [0: 1, 1: 1, 256: 1], distanceLengths: [1])
        over.bits(0, 32)
        #expect(throws: InflateError.corrupt("over-subscribed Huffman code")) { try Inflate.decompress(over.bytes, maxOutput: 100) }
        // Code-length code over-subscribed: three lengths of one bit.
        var w = BitWriter()
        w.bits(1, 1); w.bits(2, 2); w.bits(0, 5); w.bits(0, 5); w.bits(0, 4)
        for _ in 0..<4 { w.bits(1, 3) }
        w.bits(0, 32)
        #expect(throws: InflateError.corrupt("over-subscribed Huffman code")) { try Inflate.decompress(w.bytes, maxOutput: 100) }
        // No end-of-block code.
        var noEnd = Self.dynamicBlock(literalLengths: [0: 1, 1: 1], distanceLengths: [1])
        noEnd.bits(0, 32)
        #expect(throws: InflateError.corrupt("no end-of-block code")) { try Inflate.decompress(noEnd.bytes, maxOutput: 100) }
        // A complete literal code with a single one-bit distance code: allowed (RFC 1951, zlib).
        var single = Self.dynamicBlock(literalLengths: [0: 1, 256: 1], distanceLengths: [1])
        single.code(0, 1); single.code(0, 1); single.code(1, 1)  // literal 0, literal 0, end of block
        #expect(try Inflate.decompress(single.bytes, maxOutput: 100) == [0, 0])
        // A repeat with nothing to repeat.
        var repeatFirst = BitWriter()
        repeatFirst.bits(1, 1); repeatFirst.bits(2, 2); repeatFirst.bits(0, 5); repeatFirst.bits(0, 5); repeatFirst.bits(0, 4)
        for symbol in [16, 17, 18, 0] { repeatFirst.bits(symbol == 16 || symbol == 0 ? 1 : 0, 3) }  // 0→0, 16→1
        repeatFirst.code(1, 1); repeatFirst.bits(0, 2)
        repeatFirst.bits(0, 32)
        #expect(throws: InflateError.corrupt("repeat with no previous length")) { try Inflate.decompress(repeatFirst.bytes, maxOutput: 100) }
    }

    @Test func storedBlocks() throws {
        #expect(try Inflate.decompress([0x01, 0x05, 0x00, 0xFA, 0xFF] + Array("hello".utf8), maxOutput: 5) == Array("hello".utf8))
        #expect(throws: InflateError.corrupt("stored block length check")) {
            try Inflate.decompress([0x01, 0x05, 0x00, 0xFA, 0xFE] + Array("hello".utf8), maxOutput: 100)
        }
        #expect(throws: InflateError.truncated) { try Inflate.decompress([0x01, 0x05, 0x00, 0xFA, 0xFF, 0x68, 0x65], maxOutput: 100) }
        #expect(throws: InflateError.truncated) { try Inflate.decompress([0x01, 0x05, 0x00], maxOutput: 100) }
        #expect(throws: InflateError.outputLimit(4)) { try Inflate.decompress([0x01, 0x05, 0x00, 0xFA, 0xFF] + Array("hello".utf8), maxOutput: 4) }
        #expect(throws: InflateError.truncated) { try Inflate.decompress([0x00, 0x00, 0x00, 0xFF, 0xFF], maxOutput: 4) }  // not final
    }

    /// A bomb: one literal then matches of 258 at distance 1, 13 bits each.
    static func bomb(matches: Int) -> [UInt8] {
        var w = BitWriter()
        w.bits(1, 1); w.bits(1, 2)
        w.fixed(0x7A)
        for _ in 0..<matches {
            w.fixed(285)
            w.code(0, 5)
        }
        w.fixed(256)
        return w.bytes
    }

    @Test func theOutputCapStopsABomb() throws {
        let bomb = Self.bomb(matches: 4000)  // 1,032,001 bytes from about 6.5 KB
        let size = 1 + 4000 * 258
        let full = try Inflate.decompress(bomb, maxOutput: 2_000_000)
        #expect(full.count == size && full.allSatisfy { $0 == 0x7A })
        #expect(try Inflate.decompress(bomb, maxOutput: size, preallocate: true) == full)
        for limit in [0, 1, 258, 100_000, size - 1] {
            #expect(throws: InflateError.outputLimit(limit)) { try Inflate.decompress(bomb, maxOutput: limit) }
            #expect(throws: InflateError.outputLimit(limit)) { try Inflate.decompress(bomb, maxOutput: limit, preallocate: true) }
        }
    }

    @Test func matchCopiesOfEveryShortDistanceAndLength() throws {
        // Literals 1…20, then for each distance 1…20 a match of each length 3…40: checked against a naive copy.
        var w = BitWriter()
        var expected: [UInt8] = []
        w.bits(1, 1); w.bits(1, 2)
        for byte in 1...20 { w.fixed(byte); expected.append(UInt8(byte)) }
        let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3]
        let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25]
        let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3]
        for distance in 1...20 {
            for length in 3...40 {
                let l = lengthBase.lastIndex { $0 <= length }!
                w.fixed(257 + l); w.bits(length - lengthBase[l], lengthExtra[l])
                let d = distanceBase.lastIndex { $0 <= distance }!
                w.code(d, 5); w.bits(distance - distanceBase[d], distanceExtra[d])
                for _ in 0..<length { expected.append(expected[expected.count - distance]) }
            }
        }
        w.fixed(256)
        #expect(try Inflate.decompress(w.bytes, maxOutput: expected.count, preallocate: true) == expected)
        #expect(try Inflate.decompress(w.bytes, maxOutput: 1 << 24) == expected)
    }

    @Test func randomAndMutatedStreamsNeverCrash() throws {
        var rng = SystemRandomNumberGenerator()
        let (zlib, size) = try Self.realStream()
        let raw = Array(zlib.dropFirst(2).prefix(6000))
        for round in 0..<600 {
            var input: [UInt8]
            if round % 3 == 0 {
                input = (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                input = raw
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    input[Int.random(in: 0..<input.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0...7, using: &rng))
                }
            }
            let limit = round % 2 == 0 ? size : 4096
            do {
                let out = try Inflate.decompress(input, maxOutput: limit, preallocate: round % 4 == 0)
                #expect(out.count <= limit)
            } catch {
                // Any InflateError is fine.
            }
        }
    }
}
