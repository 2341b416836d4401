/// DEFLATE decompression (RFC 1951), with the zlib (RFC 1950) and gzip (RFC 1952) wrappers in
/// `Zlib` and `Gzip`. Our own code, because Roost links only hiredis, SQLite and libjpeg.
///
/// Built for hostile input: the caller states the most output it will accept, and the stream
/// stops with `InflateError.outputLimit` the moment it would exceed it (a decompression bomb costs
/// the limit, never more); every length and distance is checked against what was decoded.
///
///     let pixels = try Inflate.decompress(idat, maxOutput: expectedBytes)
public enum Inflate {
    /// Decompresses a raw DEFLATE stream; `consumed` (when given) receives the bytes read.
    public static func decompress(_ input: [UInt8], from start: Int = 0, maxOutput: Int,
                                  consumed: UnsafeMutablePointer<Int>? = nil) throws(InflateError) -> [UInt8] {
        var state = InflateState(input: input, position: start, maxOutput: maxOutput)
        try state.run()
        consumed?.pointee = state.bits.bytePosition - start
        return state.output
    }
}

/// Why a compressed stream could not be decoded.
public enum InflateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data ended before the stream did.
    case truncated
    /// The data is not a valid stream (the message says where it went wrong).
    case corrupt(String)
    /// The stream decodes to more than the caller allowed.
    case outputLimit(Int)
    /// A wrapper's checksum (Adler-32, CRC-32) or length does not match the data.
    case checksum(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .truncated: "compressed data ends early"
        case let .corrupt(message): "corrupt compressed data: \(message)"
        case let .outputLimit(limit): "compressed data expands beyond \(limit) bytes"
        case let .checksum(message): "checksum mismatch: \(message)"
        }
    }
}

/// Reads bits least-significant first, as DEFLATE stores them.
struct InflateBitReader {
    private let input: [UInt8]
    private var position: Int
    private var buffer: UInt64 = 0
    private var count = 0

    init(input: [UInt8], position: Int) {
        self.input = input
        self.position = position
    }

    /// The index of the next whole byte not yet taken into the bit buffer, less the whole bytes
    /// still buffered (after `alignToByte`, the byte after the stream's last).
    var bytePosition: Int { position - count / 8 }

    /// Ensures at least `n` (≤ 57) bits are buffered when the input has them.
    @inline(__always) private mutating func fill(_ n: Int) {
        while count < n, position < input.count {
            buffer |= UInt64(input[position]) << UInt64(count)
            position += 1
            count += 8
        }
    }

    /// Looks at up to `n` bits without consuming them (missing bits read as 0).
    @inline(__always) mutating func peek(_ n: Int) -> Int {
        fill(n)
        return Int(buffer & ((1 << UInt64(n)) - 1))
    }

    /// Bits available right now (after a `peek`).
    var available: Int { count }

    /// Drops `n` bits already peeked.
    @inline(__always) mutating func skip(_ n: Int) throws(InflateError) {
        guard n <= count else { throw .truncated }
        buffer >>= UInt64(n)
        count -= n
    }

    /// Reads `n` (≤ 32) bits.
    @inline(__always) mutating func read(_ n: Int) throws(InflateError) -> Int {
        guard n > 0 else { return 0 }
        let value = peek(n)
        try skip(n)
        return value
    }

    /// Drops the bits left in the current byte.
    mutating func alignToByte() {
        let drop = count % 8
        buffer >>= UInt64(drop)
        count -= drop
    }

    /// Reads `n` whole bytes after `alignToByte`.
    mutating func readBytes(_ n: Int, into output: inout [UInt8]) throws(InflateError) {
        var left = n
        while left > 0, count >= 8 {
            output.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
            left -= 1
        }
        guard left <= input.count - position else { throw .truncated }
        output.append(contentsOf: input[position..<position + left])
        position += left
    }
}

/// A canonical Huffman code as DEFLATE builds it from code lengths, decoded through a table of
/// the first `fastBits` bits with a bit-by-bit walk for longer codes.
struct HuffmanTable {
    private static let fastBits = 9
    /// For each `fastBits`-bit prefix: symbol << 4 | length, or 0 when the code is longer.
    private var fast: [UInt16]
    /// Per length 1...15: how many codes, and the symbols in canonical order.
    private var counts: [Int]
    private var symbols: [UInt16]

    /// Builds the table; throws for over-subscribed codes (incomplete ones are allowed, as zlib does
    /// for a single distance code).
    init(lengths: ArraySlice<UInt8>) throws(InflateError) {
        counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var left = 1
        for length in 1...15 {
            left <<= 1
            left -= counts[length]
            guard left >= 0 else { throw .corrupt("over-subscribed Huffman code") }
        }
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        symbols = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[Int(length)]] = UInt16(symbol)
            offsets[Int(length)] += 1
        }
        // The fast table: walk the canonical codes of length ≤ fastBits, bit-reversed.
        fast = [UInt16](repeating: 0, count: 1 << Self.fastBits)
        var code = 0, index = 0
        for length in 1...Self.fastBits {
            for _ in 0..<counts[length] {
                let symbol = symbols[index]
                index += 1
                var reversed = 0
                for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
                var fill = reversed
                while fill < (1 << Self.fastBits) {
                    fast[fill] = symbol << 4 | UInt16(length)
                    fill += 1 << length
                }
                code += 1
            }
            code <<= 1
        }
    }

    /// Decodes one symbol.
    @inline(__always) func decode(_ bits: inout InflateBitReader) throws(InflateError) -> Int {
        let entry = fast[bits.peek(Self.fastBits)]
        if entry != 0 {
            let length = Int(entry & 15)
            guard length <= bits.available else { throw .truncated }
            try bits.skip(length)
            return Int(entry >> 4)
        }
        // Slow path: canonical decoding one bit at a time (codes longer than fastBits).
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try bits.read(1)
            let count = counts[length]
            if code - count < first { return Int(symbols[index + (code - first)]) }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw .corrupt("invalid Huffman code")
    }
}

/// One decompression in progress.
private struct InflateState {
    var bits: InflateBitReader
    var output: [UInt8] = []
    let maxOutput: Int

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                              1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                               11, 11, 12, 12, 13, 13]
    /// Order in which code-length code lengths are stored (RFC 1951 §3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    private static let fixedLiterals: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return try! HuffmanTable(lengths: lengths[...])
    }()
    private static let fixedDistances: HuffmanTable = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30)[...])

    init(input: [UInt8], position: Int, maxOutput: Int) {
        bits = InflateBitReader(input: input, position: position)
        self.maxOutput = maxOutput
        output.reserveCapacity(min(maxOutput, max(1024, (input.count - position) * 4)))
    }

    mutating func run() throws(InflateError) {
        var last = false
        while !last {
            last = try bits.read(1) == 1
            switch try bits.read(2) {
            case 0: try stored()
            case 1: try codes(literals: Self.fixedLiterals, distances: Self.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables()
                try codes(literals: literals, distances: distances)
            default: throw .corrupt("reserved block type")
            }
        }
        bits.alignToByte()
    }

    private mutating func stored() throws(InflateError) {
        bits.alignToByte()
        let length = try bits.read(16)
        let complement = try bits.read(16)
        guard length == ~complement & 0xFFFF else { throw .corrupt("stored block length check") }
        guard output.count + length <= maxOutput else { throw .outputLimit(maxOutput) }
        try bits.readBytes(length, into: &output)
    }

    private mutating func dynamicTables() throws(InflateError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits.read(5) + 257
        let distanceCount = try bits.read(5) + 1
        let codeLengthCount = try bits.read(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .corrupt("too many length or distance codes") }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[i]] = UInt8(try bits.read(3)) }
        let codeLengths = try HuffmanTable(lengths: codeLengthLengths[...])
        var lengths = [UInt8]()
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengths.decode(&bits)
            switch symbol {
            case 0...15: lengths.append(UInt8(symbol))
            case 16:
                guard let previous = lengths.last else { throw .corrupt("repeat with no previous length") }
                lengths += repeatElement(previous, count: 3 + (try bits.read(2)))
            case 17: lengths += repeatElement(0, count: 3 + (try bits.read(3)))
            default: lengths += repeatElement(0, count: 11 + (try bits.read(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw .corrupt("code lengths overrun") }
        guard lengths[256] != 0 else { throw .corrupt("no end-of-block code") }
        return (try HuffmanTable(lengths: lengths[0..<literalCount]), try HuffmanTable(lengths: lengths[literalCount...]))
    }

    private mutating func codes(literals: HuffmanTable, distances: HuffmanTable) throws(InflateError) {
        while true {
            let symbol = try literals.decode(&bits)
            if symbol < 256 {
                guard output.count < maxOutput else { throw .outputLimit(maxOutput) }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29 else { throw .corrupt("invalid length code") }
            let length = Self.lengthBase[lengthIndex] + (try bits.read(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try distances.decode(&bits)
            guard distanceSymbol < 30 else { throw .corrupt("invalid distance code") }
            let distance = Self.distanceBase[distanceSymbol] + (try bits.read(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw .corrupt("distance beyond the start of the data") }
            guard output.count + length <= maxOutput else { throw .outputLimit(maxOutput) }
            // Byte by byte: the copy may overlap what it writes, and appending a slice of `output`
            // to itself would copy the whole buffer first (the slice shares its storage).
            let from = output.count - distance
            for i in 0..<length { output.append(output[from + i]) }
        }
    }
}
