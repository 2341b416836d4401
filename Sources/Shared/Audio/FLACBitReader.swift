/// Reads a FLAC frame's big-endian bit stream through a 64-bit cache.
///
/// Lives only inside a `withUnsafeBufferPointer` over the file's bytes. Every read checks that the
/// bits are there and throws `.truncated` when the file ends first, so a frame cut short never
/// reads past the buffer.
struct FLACBitReader {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// The next byte to load into the cache.
    private var next: Int
    /// Unread bits, left-aligned. Bits below the `available` valid ones are either 0 or the
    /// stream's following bits (refills OR whole words in), so shifting and OR-ing stay correct.
    private var cache: UInt64 = 0
    /// Valid bits in `cache`.
    private var available = 0

    /// A reader at byte `offset` of `buffer` (which must not be empty).
    init(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) {
        base = buffer.baseAddress!
        count = buffer.count
        next = offset
    }

    /// Byte offset of the next unread bit, when the reader is byte-aligned.
    var byteOffset: Int { next - available / 8 }

    /// Drops the bits up to the next byte boundary (frames pad their subframes with zeros).
    mutating func alignToByte() {
        let drop = available % 8
        cache &<<= UInt64(drop)
        available -= drop
    }

    @inline(__always)
    private mutating func refill() {
        if next + 8 <= count {
            let word = UInt64(bigEndian: UnsafeRawPointer(base + next).loadUnaligned(as: UInt64.self))
            cache |= word &>> UInt64(available)
            let bytes = (64 - available) >> 3
            next += bytes
            available += bytes << 3
        } else {
            while available <= 56 && next < count {
                cache |= UInt64(base[next]) &<< UInt64(56 - available)
                next += 1
                available += 8
            }
        }
    }

    /// The next `width` bits (0...32) as an unsigned number.
    @inline(__always)
    mutating func read(_ width: Int) throws(AudioDecodeError) -> UInt32 {
        if width == 0 { return 0 }
        if available < width {
            refill()
            guard available >= width else { throw .truncated("a FLAC frame ends early") }
        }
        let value = UInt32(truncatingIfNeeded: cache &>> UInt64(64 - width))
        cache &<<= UInt64(width)
        available -= width
        return value
    }

    /// The next `width` bits (1...32) as a two's complement number.
    @inline(__always)
    mutating func readSigned(_ width: Int) throws(AudioDecodeError) -> Int32 {
        if width == 0 { return 0 }
        let shift = UInt32(32 - width)
        return Int32(bitPattern: try read(width) &<< shift) &>> Int32(shift)
    }

    /// The number of 0 bits before the next 1 bit (which is consumed too).
    @inline(__always)
    mutating func readUnary() throws(AudioDecodeError) -> Int {
        var zeros = 0
        while true {
            if available == 0 {
                refill()
                guard available > 0 else { throw .truncated("a FLAC frame ends early") }
            }
            let leading = cache.leadingZeroBitCount
            if leading < available {
                cache = (cache &<< UInt64(leading)) &<< 1
                available -= leading + 1
                return zeros + leading
            }
            zeros += available
            cache = available == 64 ? 0 : cache &<< UInt64(available)
            available = 0
        }
    }

    /// Decodes `count` Rice-coded residuals with parameter `parameter` into `out`.
    @inline(__always)
    mutating func readRice(parameter: Int, count: Int, into out: UnsafeMutablePointer<Int32>) throws(AudioDecodeError) {
        let limit = 32 - parameter  // the quotient's bits that still fit a 32-bit folded value
        for i in 0..<count {
            let quotient = try readUnary()
            guard quotient &>> limit == 0 else { throw .corrupt("a residual does not fit in 32 bits") }
            let folded = UInt32(truncatingIfNeeded: quotient) &<< UInt32(parameter) | (try read(parameter))
            out[i] = Int32(bitPattern: (folded &>> 1) ^ (0 &- (folded & 1)))
        }
    }
}
