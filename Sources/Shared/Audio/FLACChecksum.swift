/// FLAC's two checksums: CRC-8 over each frame header, CRC-16 over each whole frame.
///
/// Both are MSB-first with a zero initial value: CRC-8 polynomial x⁸+x²+x+1 (0x07), CRC-16
/// x¹⁶+x¹⁵+x²+1 (0x8005). Table-driven, one byte per step.
enum FLACChecksum {
    /// CRC-8 of `bytes[range]`.
    static func crc8(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt8 {
        var crc: UInt8 = 0
        for i in range { crc = crc8Table[Int(crc ^ bytes[i])] }
        return crc
    }

    /// CRC-16 of `bytes[range]`.
    static func crc16(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt16 {
        crc16Table.withUnsafeBufferPointer { table in
            var crc: UInt16 = 0
            for i in range { crc = (crc &<< 8) ^ table[Int(UInt8(truncatingIfNeeded: crc &>> 8) ^ bytes[i])] }
            return crc
        }
    }

    private static let crc8Table: [UInt8] = (0..<256).map { byte in
        var crc = UInt8(byte)
        for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc &<< 1) ^ 0x07 : crc &<< 1 }
        return crc
    }

    private static let crc16Table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) &<< 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc &<< 1) ^ 0x8005 : crc &<< 1 }
        return crc
    }
}
