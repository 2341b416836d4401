/// Decodes one channel's subframe (RFC 9639 §9.2): constant, verbatim, fixed or LPC prediction
/// over a partitioned Rice residual, with wasted bits.
///
/// Every count read from the stream is checked before it sizes a loop, and every predicted sample
/// is checked against the subframe's sample size, so a hostile stream throws instead of trapping.
enum FLACSubframe {
    /// Decodes `blockSize` samples of `bitsPerSample` bits (1...25) into `out`.
    static func decode(_ reader: inout FLACBitReader, into out: UnsafeMutablePointer<Int32>,
                       blockSize: Int, bitsPerSample: Int) throws(AudioDecodeError) {
        let header = try reader.read(8)
        guard header & 0x80 == 0 else { throw .corrupt("a FLAC subframe's padding bit is set") }
        let type = Int(header >> 1 & 0x3F)
        var wasted = 0
        if header & 1 == 1 { wasted = try reader.readUnary() + 1 }
        guard wasted < bitsPerSample else { throw .corrupt("a FLAC subframe wastes all its bits") }
        let bits = bitsPerSample - wasted

        switch type {
        case 0:
            let value = try reader.readSigned(bits)
            for i in 0..<blockSize { out[i] = value }
        case 1:
            for i in 0..<blockSize { out[i] = try reader.readSigned(bits) }
        case 8...12:
            let order = type - 8
            guard order <= blockSize else { throw .corrupt("a FLAC predictor is longer than its block") }
            for i in 0..<order { out[i] = try reader.readSigned(bits) }
            try readResidual(&reader, into: out, blockSize: blockSize, order: order)
            try predictFixed(out, blockSize: blockSize, order: order, bits: bits)
        case 32...63:
            let order = type - 31
            guard order <= blockSize else { throw .corrupt("a FLAC predictor is longer than its block") }
            for i in 0..<order { out[i] = try reader.readSigned(bits) }
            let precision = Int(try reader.read(4)) + 1
            guard precision < 16 else { throw .corrupt("a FLAC LPC precision uses the reserved code") }
            let shift = Int(try reader.readSigned(5))
            guard shift >= 0 else { throw .corrupt("a FLAC LPC shift is negative") }
            var coefficients = [Int64](repeating: 0, count: order)
            for i in 0..<order { coefficients[i] = Int64(try reader.readSigned(precision)) }
            try readResidual(&reader, into: out, blockSize: blockSize, order: order)
            try coefficients.withUnsafeBufferPointer { (c) throws(AudioDecodeError) in
                try predictLPC(out, blockSize: blockSize, coefficients: c, shift: shift, bits: bits)
            }
        default:
            throw .corrupt("a FLAC subframe uses reserved type \(type)")
        }
        if wasted > 0 {
            for i in 0..<blockSize { out[i] &<<= Int32(wasted) }
        }
    }

    /// Reads the residual of a predicted subframe into `out[order...]`.
    private static func readResidual(_ reader: inout FLACBitReader, into out: UnsafeMutablePointer<Int32>,
                                     blockSize: Int, order: Int) throws(AudioDecodeError) {
        let method = try reader.read(2)
        guard method < 2 else { throw .corrupt("a FLAC residual uses a reserved coding method") }
        let parameterBits = method == 0 ? 4 : 5
        let escape = (1 << parameterBits) - 1
        let partitionOrder = Int(try reader.read(4))
        let partitionSize = blockSize >> partitionOrder
        guard partitionSize << partitionOrder == blockSize, partitionSize >= order else {
            throw .corrupt("a FLAC residual's partitions do not divide its block")
        }
        var position = order
        for partition in 0..<(1 << partitionOrder) {
            let count = partition == 0 ? partitionSize - order : partitionSize
            let parameter = Int(try reader.read(parameterBits))
            if parameter == escape {
                let width = Int(try reader.read(5))
                for i in position..<(position + count) { out[i] = try reader.readSigned(width) }
            } else {
                try reader.readRice(parameter: parameter, count: count, into: out + position)
            }
            position += count
        }
    }

    /// Whether `value` fits in a signed `bits`-bit sample.
    @inline(__always)
    private static func fits(_ value: Int64, _ bits: Int) -> Bool {
        let half = Int64(1) << (bits - 1)
        return UInt64(bitPattern: value &+ half) < UInt64(bitPattern: half << 1)
    }

    /// Adds the fixed polynomial predictions of order 0...4 to the residual.
    private static func predictFixed(_ s: UnsafeMutablePointer<Int32>, blockSize: Int, order: Int,
                                     bits: Int) throws(AudioDecodeError) {
        guard order > 0 else { return }
        for i in order..<blockSize {
            let a = Int64(s[i - 1])
            let prediction: Int64
            switch order {
            case 1: prediction = a
            case 2: prediction = 2 * a - Int64(s[i - 2])
            case 3: prediction = 3 * a - 3 * Int64(s[i - 2]) + Int64(s[i - 3])
            default: prediction = 4 * a - 6 * Int64(s[i - 2]) + 4 * Int64(s[i - 3]) - Int64(s[i - 4])
            }
            let value = Int64(s[i]) + prediction
            guard fits(value, bits) else { throw .corrupt("a FLAC sample overflows its \(bits) bits") }
            s[i] = Int32(truncatingIfNeeded: value)
        }
    }

    /// Adds the linear predictions (quantised coefficients, right shift) to the residual.
    private static func predictLPC(_ s: UnsafeMutablePointer<Int32>, blockSize: Int, coefficients c: UnsafeBufferPointer<Int64>,
                                   shift: Int, bits: Int) throws(AudioDecodeError) {
        let order = c.count
        guard let coefficient = c.baseAddress else { return }
        for i in order..<blockSize {
            var sum: Int64 = 0
            let history = s + (i - order)
            // coefficient[0] weighs the newest sample, history[order - 1].
            for j in 0..<order { sum &+= coefficient[j] &* Int64(history[order - 1 - j]) }
            let value = Int64(s[i]) &+ (sum &>> Int64(shift))
            guard fits(value, bits) else { throw .corrupt("a FLAC sample overflows its \(bits) bits") }
            s[i] = Int32(truncatingIfNeeded: value)
        }
    }
}
