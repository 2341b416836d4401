/// Redis Cluster's hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the
/// key, or of its hash tag, modulo 16384 — exactly as `CLUSTER KEYSLOT` computes it.
public enum RedisKeySlot {
    /// Number of slots in a Redis Cluster.
    public static let count = 16_384

    /// The slot of `key`. When the key holds `{…}` with at least one byte between the first `{`
    /// and the first `}` after it, only those bytes are hashed, so keys sharing a tag share a slot.
    public static func of(_ key: some Collection<UInt8>) -> Int {
        let bytes = Array(key)
        if let open = bytes.firstIndex(of: UInt8(ascii: "{")),
           let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1 {
            return Int(crc16(bytes[(open + 1)..<close]) & 0x3FFF)
        }
        return Int(crc16(bytes[...]) & 0x3FFF)
    }

    /// The slot of a text key.
    public static func of(_ key: String) -> Int { of(key.utf8) }

    /// CRC16/XMODEM, the checksum Redis Cluster uses (`crc16.c` in Redis).
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes { crc = (crc << 8) ^ table[Int(UInt8(crc >> 8) ^ byte)] }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}
