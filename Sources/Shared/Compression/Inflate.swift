/// DEFLATE decompression (RFC 1951), with the zlib (RFC 1950) and gzip (RFC 1952) wrappers in
/// `Zlib` and `Gzip`. Our own code, because Roost links only hiredis, SQLite and libjpeg.
///
/// Built for hostile input: the caller states the most output it will accept, and the stream
/// stops with `InflateError.outputLimit` the moment it would exceed it (a decompression bomb costs
/// the limit, never more); every length and distance is checked against what was decoded.
/// Huffman codes are checked as zlib checks them (over-subscribed and incomplete codes are refused,
/// except the single one-bit code RFC 1951 allows), so Roost accepts exactly the streams zlib does.
///
///     let pixels = try Inflate.decompress(idat, maxOutput: expectedBytes)
///
/// How it is fast (docs/PERFORMANCE.md, "PNG decoding"): table-driven Huffman decoding (a 10-bit
/// root table for literals/lengths, 8-bit for distances, second-level tables for longer codes, each
/// entry holding the symbol's kind, base value, extra-bit count and code length); a 64-bit bit
/// buffer refilled 8 bytes at a time; a fast loop without bounds checks that runs only while at
/// least `fastInput` bytes of input and `fastOutput` bytes of output space remain (so no read or
/// write in it can leave the buffers), falling back to a careful symbol-at-a-time path near the
/// ends; match copies 8 or 16 bytes at a time where the distance allows; output into one buffer
/// allocated up front (the exact size when the caller knows it, as the PNG decoder does).
public enum Inflate {
    /// Decompresses a raw DEFLATE stream; `consumed` (when given) receives the bytes read.
    /// `preallocate`: the caller expects about `maxOutput` bytes (a PNG's size from its header),
    /// so the whole buffer is allocated at once; otherwise it grows from a guess up to `maxOutput`.
    public static func decompress(_ input: [UInt8], from start: Int = 0, maxOutput: Int, preallocate: Bool = false,
                                  consumed: UnsafeMutablePointer<Int>? = nil) throws(InflateError) -> [UInt8] {
        guard start >= 0, start < input.count else { throw .truncated }
        let limit = max(0, maxOutput)
        var failure: InflateError?
        var used = 0
        let output: [UInt8] = input.withUnsafeBufferPointer { inputBuffer in
            let base = inputBuffer.baseAddress!  // non-empty: start < count
            let begin = base + start, end = base + inputBuffer.count
            let guess = (end - begin) &* 4 + 4096
            if preallocate || limit <= guess {
                // One buffer of the whole limit: written in place, never grown, never copied.
                return [UInt8](unsafeUninitializedCapacity: max(limit, 1)) { buffer, count in
                    var decoder = InflateDecoder(input: begin, end: end, output: buffer.baseAddress!, capacity: limit,
                                                 maxOutput: limit, growable: false)
                    do throws(InflateError) {
                        try decoder.run()
                        count = decoder.produced
                        used = decoder.consumed
                    } catch {
                        failure = error
                        count = 0
                    }
                    decoder.releaseTables()
                }
            }
            let capacity = min(limit, guess)
            var decoder = InflateDecoder(input: begin, end: end, output: .allocate(capacity: capacity), capacity: capacity,
                                         maxOutput: limit, growable: true)
            defer {
                decoder.output.deallocate()
                decoder.releaseTables()
            }
            do throws(InflateError) {
                try decoder.run()
                used = decoder.consumed
                return Array(UnsafeBufferPointer(start: decoder.output, count: decoder.produced))
            } catch {
                failure = error
                return []
            }
        }
        if let failure { throw failure }
        consumed?.pointee = used
        return output
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

/// Decoding-table entries (UInt32): bits 0–4 the bits to consume, 5–7 the kind, 8–11 the extra
/// bits of a length or distance (or a subtable's index bits), 16–31 the value (literal byte,
/// base length or distance, or a subtable's offset).
enum HuffmanEntry {
    static let literal: UInt32 = 0 << 5
    static let base: UInt32 = 1 << 5
    static let endOfBlock: UInt32 = 2 << 5
    static let subtable: UInt32 = 3 << 5
    static let invalid: UInt32 = 4 << 5
    static let kindMask: UInt32 = 7 << 5

    @inline(__always) static func make(_ kind: UInt32, bits: Int, extra: Int = 0, value: Int) -> UInt32 {
        UInt32(bits) | kind | UInt32(extra) << 8 | UInt32(value) << 16
    }
}

/// Which alphabet a table decodes (how symbols become entries).
enum HuffmanAlphabet {
    case literalLength, distance, codeLength

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                    67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                      1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                       11, 11, 12, 12, 13, 13]

    /// Each symbol's entry without its bit count (built once).
    static let literalLengthTemplates: [UInt32] = (0..<288).map { HuffmanAlphabet.literalLength.entry($0, bits: 0) }
    static let distanceTemplates: [UInt32] = (0..<32).map { HuffmanAlphabet.distance.entry($0, bits: 0) }
    static let codeLengthTemplates: [UInt32] = (0..<19).map { HuffmanAlphabet.codeLength.entry($0, bits: 0) }

    var templates: [UInt32] {
        switch self {
        case .literalLength: Self.literalLengthTemplates
        case .distance: Self.distanceTemplates
        case .codeLength: Self.codeLengthTemplates
        }
    }

    /// The entry for `symbol` with a code of `bits` bits (relative to its table level).
    func entry(_ symbol: Int, bits: Int) -> UInt32 {
        switch self {
        case .codeLength: return HuffmanEntry.make(HuffmanEntry.literal, bits: bits, value: symbol)
        case .literalLength:
            if symbol < 256 { return HuffmanEntry.make(HuffmanEntry.literal, bits: bits, value: symbol) }
            if symbol == 256 { return HuffmanEntry.make(HuffmanEntry.endOfBlock, bits: bits, value: 0) }
            if symbol <= 285 {
                return HuffmanEntry.make(HuffmanEntry.base, bits: bits, extra: Self.lengthExtra[symbol - 257],
                                         value: Self.lengthBase[symbol - 257])
            }
            return HuffmanEntry.make(HuffmanEntry.invalid, bits: bits, value: 0)
        case .distance:
            if symbol < 30 {
                return HuffmanEntry.make(HuffmanEntry.base, bits: bits, extra: Self.distanceExtra[symbol], value: Self.distanceBase[symbol])
            }
            return HuffmanEntry.make(HuffmanEntry.invalid, bits: bits, value: 0)
        }
    }
}

/// Builds two-level decoding tables for canonical Huffman codes.
enum HuffmanTableBuilder {
    /// Root index bits per alphabet and the most entries a table can need (root plus at most one
    /// subtable of 2^(15 − root) entries per code longer than the root).
    static let literalRootBits = 10, distanceRootBits = 8, codeLengthRootBits = 7
    static let literalCapacity = (1 << 10) + 288 << 5
    static let distanceCapacity = (1 << 8) + 32 << 7
    static let codeLengthCapacity = 1 << 7

    /// Scratch space `build` needs (counts, offsets and next codes per length, symbols in canonical order).
    static let scratchCapacity = 48 + 3 * 320

    /// Fills `table` (room for `capacity` entries) from `count` (≤ 320) code lengths. Refuses
    /// over-subscribed codes, and incomplete ones unless `allowIncomplete` and the code is one code
    /// of one bit (or none at all), as zlib does.
    static func build(lengths: UnsafePointer<UInt8>, count: Int, alphabet: HuffmanAlphabet, rootBits: Int,
                      table: UnsafeMutablePointer<UInt32>, capacity: Int, allowIncomplete: Bool,
                      scratch: UnsafeMutablePointer<Int>) throws(InflateError) {
        let counts = scratch, offsets = scratch + 16, next = scratch + 32
        let sortedSymbol = scratch + 48, sortedLength = scratch + 48 + 320, sortedCode = scratch + 48 + 640
        scratch.update(repeating: 0, count: 48)
        var maxLength = 0
        for i in 0..<count {
            let length = Int(lengths[i])
            counts[length] += 1
            if length > maxLength { maxLength = length }
        }
        counts[0] = 0
        var left = 1
        for length in 1...15 {
            left <<= 1
            left -= counts[length]
            guard left >= 0 else { throw .corrupt("over-subscribed Huffman code") }
        }
        let invalid = HuffmanEntry.make(HuffmanEntry.invalid, bits: 0, value: 0)
        table.update(repeating: invalid, count: 1 << rootBits)
        if maxLength == 0 {
            guard allowIncomplete else { throw .corrupt("empty Huffman code") }
            return
        }
        if left > 0, !(allowIncomplete && maxLength == 1) { throw .corrupt("incomplete Huffman code") }
        // Symbols sorted by code length, then value (canonical order), each with its code.
        offsets[1] = 0
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }
        let coded = offsets[15] + counts[15]
        for symbol in 0..<count where lengths[symbol] != 0 {
            let length = Int(lengths[symbol])
            let slot = offsets[length]
            sortedSymbol[slot] = symbol
            sortedLength[slot] = length
            sortedCode[slot] = next[length]
            offsets[length] += 1
            next[length] += 1
        }
        let templates = alphabet.templates
        let rootSize = 1 << rootBits
        var used = rootSize
        var currentPrefix = -1, subOffset = 0, subBits = 0
        for index in 0..<coded {
            let symbol = sortedSymbol[index], length = sortedLength[index], code = sortedCode[index]
            if length <= rootBits {
                let entry = templates[symbol] | UInt32(length)
                var slot = reverse(code, length)
                while slot < rootSize {
                    table[slot] = entry
                    slot += 1 << length
                }
                continue
            }
            let prefix = code >> (length - rootBits)
            if prefix != currentPrefix {
                // A new subtable, as wide as the longest code sharing this prefix (the last one:
                // codes with one prefix are consecutive in canonical order, by length).
                currentPrefix = prefix
                var last = index
                while last + 1 < coded, sortedCode[last + 1] >> (sortedLength[last + 1] - rootBits) == prefix { last += 1 }
                subBits = sortedLength[last] - rootBits
                subOffset = used
                used += 1 << subBits
                guard used <= capacity else { throw .corrupt("Huffman table overflow") }
                (table + subOffset).update(repeating: invalid, count: 1 << subBits)
                table[reverse(prefix, rootBits)] = HuffmanEntry.make(HuffmanEntry.subtable, bits: rootBits, extra: subBits,
                                                                     value: subOffset)
            }
            let rest = length - rootBits
            let entry = templates[symbol] | UInt32(rest)
            var slot = reverse(code & ((1 << rest) - 1), rest)
            while slot < 1 << subBits {
                table[subOffset + slot] = entry
                slot += 1 << rest
            }
        }
    }

    /// The low `bits` bits of `code` in reverse order (DEFLATE sends Huffman codes most significant bit first).
    @inline(__always) static func reverse(_ code: Int, _ bits: Int) -> Int {
        var value = code, result = 0
        for _ in 0..<bits {
            result = result << 1 | value & 1
            value >>= 1
        }
        return result
    }
}

/// The fixed Huffman code (RFC 1951 §3.2.6), built once and kept for the life of the process.
final class FixedHuffmanTables: @unchecked Sendable {
    let literals: UnsafeMutablePointer<UInt32>
    let distances: UnsafeMutablePointer<UInt32>

    static let shared = FixedHuffmanTables()

    private init() {
        literals = .allocate(capacity: HuffmanTableBuilder.literalCapacity)
        distances = .allocate(capacity: HuffmanTableBuilder.distanceCapacity)
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        let distanceLengths = [UInt8](repeating: 5, count: 32)
        let scratch = UnsafeMutablePointer<Int>.allocate(capacity: HuffmanTableBuilder.scratchCapacity)
        defer { scratch.deallocate() }
        lengths.withUnsafeBufferPointer { lengths in
            try! HuffmanTableBuilder.build(lengths: lengths.baseAddress!, count: 288, alphabet: .literalLength,
                                           rootBits: HuffmanTableBuilder.literalRootBits, table: literals,
                                           capacity: HuffmanTableBuilder.literalCapacity, allowIncomplete: false, scratch: scratch)
        }
        distanceLengths.withUnsafeBufferPointer { lengths in
            try! HuffmanTableBuilder.build(lengths: lengths.baseAddress!, count: 32, alphabet: .distance,
                                           rootBits: HuffmanTableBuilder.distanceRootBits, table: distances,
                                           capacity: HuffmanTableBuilder.distanceCapacity, allowIncomplete: false, scratch: scratch)
        }
    }
}

/// One decompression in progress, over raw pointers the caller keeps alive.
struct InflateDecoder {
    /// The fast loop runs while this much input remains (two 8-byte refills per iteration) …
    static let fastInput = 16
    /// … and this much output space: two literals, a longest match (258), and 16 bytes of overcopy.
    static let fastOutput = 2 + 258 + 16

    private var input: UnsafePointer<UInt8>
    private let inputStart: UnsafePointer<UInt8>
    private let inputEnd: UnsafePointer<UInt8>
    /// Bits not yet consumed, least significant first; bits above `bitCount` may hold the next
    /// input bits already (the 8-byte refill loads them early) and are never relied on.
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    private(set) var output: UnsafeMutablePointer<UInt8>
    private(set) var produced = 0
    private var capacity: Int
    private let maxOutput: Int
    private let growable: Bool

    private let literalTable: UnsafeMutablePointer<UInt32>
    private let distanceTable: UnsafeMutablePointer<UInt32>
    private let codeLengthTable: UnsafeMutablePointer<UInt32>
    private let scratch: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<UInt8>

    init(input: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>, capacity: Int,
         maxOutput: Int, growable: Bool) {
        self.input = input
        inputStart = input
        inputEnd = end
        self.output = output
        self.capacity = capacity
        self.maxOutput = maxOutput
        self.growable = growable
        literalTable = .allocate(capacity: HuffmanTableBuilder.literalCapacity)
        distanceTable = .allocate(capacity: HuffmanTableBuilder.distanceCapacity)
        codeLengthTable = .allocate(capacity: HuffmanTableBuilder.codeLengthCapacity)
        scratch = .allocate(capacity: HuffmanTableBuilder.scratchCapacity)
        lengths = .allocate(capacity: 320)
    }

    func releaseTables() {
        literalTable.deallocate()
        distanceTable.deallocate()
        codeLengthTable.deallocate()
        scratch.deallocate()
        lengths.deallocate()
    }

    /// Input bytes read, up to the end of the stream's last byte (after `run`).
    var consumed: Int { input - inputStart - bitCount / 8 }

    mutating func run() throws(InflateError) {
        var last = false
        while !last {
            let header = try bits(3)
            last = header & 1 == 1
            switch header >> 1 {
            case 0: try stored()
            case 1: try codes(literals: FixedHuffmanTables.shared.literals, distances: FixedHuffmanTables.shared.distances)
            case 2:
                try dynamicTables()
                try codes(literals: literalTable, distances: distanceTable)
            default: throw .corrupt("reserved block type")
            }
        }
        bitBuffer >>= UInt64(bitCount & 7)
        bitCount -= bitCount & 7
    }

    // MARK: Careful bit reading (block headers, tables, the slow path)

    /// Loads whole bytes while there is room in the buffer and input left.
    @inline(__always) private mutating func refillCarefully() {
        while bitCount <= 56, input < inputEnd {
            bitBuffer |= UInt64(input.pointee) << UInt64(bitCount)
            input += 1
            bitCount += 8
        }
    }

    /// The buffered bits that are real (zeros above `bitCount`).
    @inline(__always) private var validBits: UInt64 {
        bitCount >= 64 ? bitBuffer : bitBuffer & ((1 << UInt64(bitCount)) &- 1)
    }

    /// Reads `n` (≤ 32) bits.
    private mutating func bits(_ n: Int) throws(InflateError) -> Int {
        if bitCount < n { refillCarefully() }
        guard bitCount >= n else { throw .truncated }
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 << UInt64(n)) &- 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return value
    }

    /// Decodes one entry with every read checked (the entry's bits are consumed).
    private mutating func decodeCarefully(_ table: UnsafeMutablePointer<UInt32>, rootBits: Int,
                                          invalid: @autoclosure () -> String = "invalid Huffman code") throws(InflateError) -> UInt32 {
        if bitCount < 15 { refillCarefully() }
        let available = validBits
        var entry = table[Int(truncatingIfNeeded: available) & ((1 << rootBits) - 1)]
        var consumed = 0
        if entry & HuffmanEntry.kindMask == HuffmanEntry.subtable {
            consumed = rootBits
            let subBits = Int((entry >> 8) & 15)
            entry = table[Int(entry >> 16) + Int(truncatingIfNeeded: available >> UInt64(rootBits)) & ((1 << subBits) - 1)]
        }
        if entry & HuffmanEntry.kindMask == HuffmanEntry.invalid {
            if bitCount < 15, input == inputEnd { throw .truncated }
            throw .corrupt(invalid())
        }
        consumed += Int(entry & 31)
        guard consumed <= bitCount else { throw .truncated }
        bitBuffer >>= UInt64(consumed)
        bitCount -= consumed
        return entry
    }

    /// Makes room for `n` more output bytes: grows the buffer up to `maxOutput`, or refuses.
    private mutating func reserve(_ n: Int) throws(InflateError) {
        if capacity - produced >= n { return }
        guard growable, maxOutput - produced >= n else { throw .outputLimit(maxOutput) }
        let grown = min(maxOutput, max(capacity * 2, produced + n + InflateDecoder.fastOutput, 4096))
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: output, count: produced)
        output.deallocate()
        output = bigger
        capacity = grown
    }

    // MARK: Blocks

    private mutating func stored() throws(InflateError) {
        // Whole bytes still in the bit buffer are the ones just before `input`: step back over them.
        bitBuffer = 0
        input -= bitCount / 8
        bitCount = 0
        guard inputEnd - input >= 4 else { throw .truncated }
        let length = Int(input[0]) | Int(input[1]) << 8
        let complement = Int(input[2]) | Int(input[3]) << 8
        guard length == ~complement & 0xFFFF else { throw .corrupt("stored block length check") }
        input += 4
        guard maxOutput - produced >= length else { throw .outputLimit(maxOutput) }
        guard inputEnd - input >= length else { throw .truncated }
        try reserve(length)
        (output + produced).update(from: input, count: length)
        produced += length
        input += length
    }

    /// Order in which code-length code lengths are stored (RFC 1951 §3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamicTables() throws(InflateError) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .corrupt("too many length or distance codes") }
        lengths.update(repeating: 0, count: 320)
        for i in 0..<codeLengthCount { lengths[Self.codeLengthOrder[i]] = UInt8(try bits(3)) }
        try HuffmanTableBuilder.build(lengths: lengths, count: 19, alphabet: .codeLength,
                                      rootBits: HuffmanTableBuilder.codeLengthRootBits, table: codeLengthTable,
                                      capacity: HuffmanTableBuilder.codeLengthCapacity, allowIncomplete: false, scratch: scratch)
        lengths.update(repeating: 0, count: 19)
        let total = literalCount + distanceCount
        var index = 0
        while index < total {
            let symbol = Int(try decodeCarefully(codeLengthTable, rootBits: HuffmanTableBuilder.codeLengthRootBits) >> 16)
            if symbol < 16 {
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            }
            var value: UInt8 = 0
            let repeats: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw .corrupt("repeat with no previous length") }
                value = lengths[index - 1]
                repeats = 3 + (try bits(2))
            case 17: repeats = 3 + (try bits(3))
            default: repeats = 11 + (try bits(7))
            }
            guard index + repeats <= total else { throw .corrupt("code lengths overrun") }
            (lengths + index).update(repeating: value, count: repeats)
            index += repeats
        }
        guard lengths[256] != 0 else { throw .corrupt("no end-of-block code") }
        try HuffmanTableBuilder.build(lengths: lengths, count: literalCount, alphabet: .literalLength,
                                      rootBits: HuffmanTableBuilder.literalRootBits, table: literalTable,
                                      capacity: HuffmanTableBuilder.literalCapacity, allowIncomplete: true, scratch: scratch)
        try HuffmanTableBuilder.build(lengths: lengths + literalCount, count: distanceCount, alphabet: .distance,
                                      rootBits: HuffmanTableBuilder.distanceRootBits, table: distanceTable,
                                      capacity: HuffmanTableBuilder.distanceCapacity, allowIncomplete: true, scratch: scratch)
    }

    /// Decodes one block's symbols: the fast loop while the buffers allow, one careful symbol otherwise.
    private mutating func codes(literals: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<UInt32>) throws(InflateError) {
        while true {
            if try fastLoop(literals: literals, distances: distances) { return }
            if try carefulSymbol(literals: literals, distances: distances) { return }
        }
    }

    /// One symbol with every read and write checked; true at the end of the block.
    private mutating func carefulSymbol(literals: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<UInt32>)
        throws(InflateError) -> Bool {
        if growable, capacity - produced < InflateDecoder.fastOutput, capacity < maxOutput {
            try reserve(min(maxOutput - produced, InflateDecoder.fastOutput))
        }
        let entry = try decodeCarefully(literals, rootBits: HuffmanTableBuilder.literalRootBits, invalid: "invalid literal/length code")
        switch entry & HuffmanEntry.kindMask {
        case HuffmanEntry.literal:
            try reserve(1)
            output[produced] = UInt8(truncatingIfNeeded: entry >> 16)
            produced += 1
            return false
        case HuffmanEntry.endOfBlock:
            return true
        default:
            break
        }
        let length = Int(entry >> 16) + (try bits(Int((entry >> 8) & 15)))
        let distanceEntry = try decodeCarefully(distances, rootBits: HuffmanTableBuilder.distanceRootBits, invalid: "invalid distance code")
        guard distanceEntry & HuffmanEntry.kindMask == HuffmanEntry.base else { throw .corrupt("invalid distance code") }
        let distance = Int(distanceEntry >> 16) + (try bits(Int((distanceEntry >> 8) & 15)))
        guard distance <= produced else { throw .corrupt("distance beyond the start of the data") }
        try reserve(length)
        let to = output + produced
        let from = to - distance
        for i in 0..<length { to[i] = from[i] }
        produced += length
        return false
    }

    /// The unchecked loop. Runs only while `fastInput` bytes of input and `fastOutput` bytes of
    /// output space remain, which bounds every read and write it makes; returns true at the end
    /// of the block, false when the careful path must take the next symbol.
    @inline(__always)
    private mutating func fastLoop(literals: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<UInt32>)
        throws(InflateError) -> Bool {
        // Locals, not fields: stores through the output pointer could alias `self`.
        var input = self.input
        let inputEnd = self.inputEnd
        var buffer = bitBuffer
        var count = bitCount
        let output = self.output
        var position = produced
        let limit = capacity - InflateDecoder.fastOutput
        let inputLimit = inputEnd - InflateDecoder.fastInput
        let literalMask = UInt64((1 << HuffmanTableBuilder.literalRootBits) - 1)
        let distanceMask = UInt64((1 << HuffmanTableBuilder.distanceRootBits) - 1)
        var failure: InflateError?
        var endOfBlock = false
        defer {
            self.input = input
            bitBuffer = buffer
            bitCount = count
            produced = position
        }

        @inline(__always) func refill() {
            buffer |= UnsafeRawPointer(input).loadUnaligned(as: UInt64.self).littleEndian &<< UInt64(count)
            input += (63 &- count) &>> 3
            count |= 56
        }

        while position <= limit, input <= inputLimit {
            refill()  // ≥ 56 bits
            var entry = literals[Int(truncatingIfNeeded: buffer & literalMask)]
            if entry & HuffmanEntry.kindMask == HuffmanEntry.subtable {
                buffer &>>= UInt64(HuffmanTableBuilder.literalRootBits)
                count &-= HuffmanTableBuilder.literalRootBits
                entry = literals[Int(entry >> 16) &+ Int(truncatingIfNeeded: buffer & ((1 &<< UInt64((entry >> 8) & 15)) &- 1))]
            }
            buffer &>>= UInt64(entry & 31)
            count &-= Int(entry & 31)
            if entry & HuffmanEntry.kindMask == HuffmanEntry.literal {
                output[position] = UInt8(truncatingIfNeeded: entry >> 16)
                position &+= 1
                // A second symbol from the same refill (≥ 41 bits left, a code takes ≤ 15).
                entry = literals[Int(truncatingIfNeeded: buffer & literalMask)]
                if entry & HuffmanEntry.kindMask == HuffmanEntry.subtable {
                    buffer &>>= UInt64(HuffmanTableBuilder.literalRootBits)
                    count &-= HuffmanTableBuilder.literalRootBits
                    entry = literals[Int(entry >> 16) &+ Int(truncatingIfNeeded: buffer & ((1 &<< UInt64((entry >> 8) & 15)) &- 1))]
                }
                buffer &>>= UInt64(entry & 31)
                count &-= Int(entry & 31)
                if entry & HuffmanEntry.kindMask == HuffmanEntry.literal {
                    output[position] = UInt8(truncatingIfNeeded: entry >> 16)
                    position &+= 1
                    // A third (≥ 26 bits left).
                    entry = literals[Int(truncatingIfNeeded: buffer & literalMask)]
                    if entry & HuffmanEntry.kindMask == HuffmanEntry.subtable {
                        buffer &>>= UInt64(HuffmanTableBuilder.literalRootBits)
                        count &-= HuffmanTableBuilder.literalRootBits
                        entry = literals[Int(entry >> 16) &+ Int(truncatingIfNeeded: buffer & ((1 &<< UInt64((entry >> 8) & 15)) &- 1))]
                    }
                    buffer &>>= UInt64(entry & 31)
                    count &-= Int(entry & 31)
                    if entry & HuffmanEntry.kindMask == HuffmanEntry.literal {
                        output[position] = UInt8(truncatingIfNeeded: entry >> 16)
                        position &+= 1
                        continue
                    }
                }
            }
            // ≥ 11 bits left here: enough for a length's extra bits (≤ 5).
            if entry & HuffmanEntry.kindMask != HuffmanEntry.base {
                if entry & HuffmanEntry.kindMask == HuffmanEntry.endOfBlock {
                    endOfBlock = true
                } else {
                    failure = .corrupt("invalid literal/length code")
                }
                break
            }
            let lengthExtra = UInt64((entry >> 8) & 15)
            let length = Int(entry >> 16) &+ Int(truncatingIfNeeded: buffer & ((1 &<< lengthExtra) &- 1))
            buffer &>>= lengthExtra
            count &-= Int(lengthExtra)
            if count < 28 { refill() }  // a distance takes ≤ 15 + 13 bits; input ≥ 9 bytes remain
            var distanceEntry = distances[Int(truncatingIfNeeded: buffer & distanceMask)]
            if distanceEntry & HuffmanEntry.kindMask == HuffmanEntry.subtable {
                buffer &>>= UInt64(HuffmanTableBuilder.distanceRootBits)
                count &-= HuffmanTableBuilder.distanceRootBits
                distanceEntry = distances[Int(distanceEntry >> 16)
                    &+ Int(truncatingIfNeeded: buffer & ((1 &<< UInt64((distanceEntry >> 8) & 15)) &- 1))]
            }
            buffer &>>= UInt64(distanceEntry & 31)
            count &-= Int(distanceEntry & 31)
            guard distanceEntry & HuffmanEntry.kindMask == HuffmanEntry.base else {
                failure = .corrupt("invalid distance code")
                break
            }
            let distanceExtra = UInt64((distanceEntry >> 8) & 15)
            let distance = Int(distanceEntry >> 16) &+ Int(truncatingIfNeeded: buffer & ((1 &<< distanceExtra) &- 1))
            buffer &>>= distanceExtra
            count &-= Int(distanceExtra)
            guard distance <= position else {
                failure = .corrupt("distance beyond the start of the data")
                break
            }
            InflateDecoder.copyMatch(to: output + position, distance: distance, length: length)
            position &+= length
        }
        if let failure { throw failure }
        return endOfBlock
    }

    /// Copies `length` bytes from `distance` back, possibly overlapping, writing up to 15 bytes
    /// past the end (the fast loop keeps that room).
    @inline(__always) static func copyMatch(to destination: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
        var to = UnsafeMutableRawPointer(destination)
        let end = to + length
        if distance >= 16 {
            var from = UnsafeRawPointer(to - distance)
            repeat {
                to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                (to + 8).storeBytes(of: (from + 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
                to += 16
                from += 16
            } while to < end
        } else if distance >= 8 {
            var from = UnsafeRawPointer(to - distance)
            repeat {
                to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                to += 8
                from += 8
            } while to < end
        } else if distance == 1 {
            let pattern = UInt64(destination[-1]) &* 0x0101_0101_0101_0101
            repeat {
                to.storeBytes(of: pattern, as: UInt64.self)
                (to + 8).storeBytes(of: pattern, as: UInt64.self)
                to += 16
            } while to < end
        } else {
            // 2…7: bytes one by one until the pattern repeats at a period ≥ 8 (a multiple of the
            // distance), then 8 at a time from that period back.
            let period = distance == 3 ? 9 : distance == 5 ? 10 : distance == 6 ? 12 : distance == 7 ? 14 : 8
            let single = min(period - distance, length)
            for i in 0..<single { destination[i] = destination[i - distance] }
            to += single
            guard to < end else { return }
            var from = UnsafeRawPointer(to - period)
            repeat {
                to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                to += 8
                from += 8
            } while to < end
        }
    }
}
