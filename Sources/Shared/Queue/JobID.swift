import Foundation

/// Job identifiers: 26 characters of Crockford base32, a 48-bit millisecond timestamp then 80
/// random bits (the ULID layout), so ids sort by creation time and cannot be guessed.
public enum JobID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new id.
    public static func make(now: Double = Date().timeIntervalSince1970) -> String {
        var rng = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, now * 1000)) & 0xFFFF_FFFF_FFFF
        var high = millis << 16 | UInt64(rng.next() as UInt16)  // 64 bits: time + 16 random
        var low = rng.next() as UInt64                          // 64 random (we use 66 bits below)
        var chars = [UInt8](repeating: 0, count: 26)
        // 130 bits of (high:low); emit from the least significant end.
        for i in stride(from: 25, through: 0, by: -1) {
            chars[i] = alphabet[Int(low & 31)]
            low = (low >> 5) | ((high & 31) << 59)
            high >>= 5
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The value (0–31) of an id character, nil for a byte outside the alphabet.
    static func value(of byte: UInt8) -> Int? { alphabet.firstIndex(of: byte) }

    /// The id character of `value` (0–31).
    static func character(_ value: Int) -> UInt8 { alphabet[value & 31] }

    /// True when `text` has the shape of a job id (so a status lookup with junk never reaches Redis).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 26 && bytes.allSatisfy { alphabet.contains($0) }
    }
}

/// Time as Unix seconds, written with millisecond decimals in Redis and SQLite.
public enum Clock {
    /// Now, in Unix seconds.
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// `seconds` as the text stored in Redis (milliseconds after the point), formatted by hand:
    /// `String(format:)` was 1.6 % of the gateway's CPU per upload.
    public static func text(_ seconds: Double) -> String {
        let millis = (seconds * 1000).rounded()
        guard millis.isFinite, abs(millis) < 1e15 else { return String(format: "%.3f", seconds) }
        let magnitude = Int64(abs(millis))
        let fraction = String(magnitude % 1000)
        return (millis < 0 ? "-" : "") + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.utf8.count) + fraction
    }

    /// `seconds` as ISO-8601 UTC with milliseconds, for API responses.
    public static func iso8601(_ seconds: Double) -> String { Log.timestamp(Date(timeIntervalSince1970: seconds)) }
}
