import Foundation

/// Salted hashing of passwords and API keys for storage, and random tokens.
///
/// Stored form: `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>` — self-describing,
/// so the iteration count can be raised later without invalidating existing hashes.
///
///     let stored = SecretHash.make("hunter2")
///     SecretHash.verify("hunter2", against: stored) // true
public enum SecretHash {
    /// The scheme tag at the start of every stored hash.
    public static let scheme = "pbkdf2-sha256"
    /// Upper bound on iterations accepted by `verify`, so a tampered row cannot stall a request.
    public static let maximumIterations = 10_000_000
    private static let saltLength = 16
    private static let hashLength = 32

    /// PBKDF2-HMAC-SHA256 iterations for new hashes: OWASP's current recommendation (Password
    /// Storage Cheat Sheet, 2023–). Stored hashes keep their own count, so older ones still verify.
    public static let defaultIterations = 600_000

    /// Hashes `secret` with a fresh random 16-byte salt.
    public static func make(_ secret: String, iterations: Int = defaultIterations) -> String {
        precondition(iterations >= 1 && iterations <= maximumIterations, "iterations out of range")
        let salt = randomBytes(saltLength)
        let hash = PBKDF2.sha256(password: Array(secret.utf8), salt: salt, iterations: iterations, length: hashLength)
        return "\(scheme)$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// A well-formed stored hash that no secret matches (random salt and random digest), for
    /// verifying against when an account does not exist: the check costs what a real one costs,
    /// without spending PBKDF2 time to make it.
    public static func decoy(iterations: Int = defaultIterations) -> String {
        "\(scheme)$\(iterations)$\(Data(randomBytes(saltLength)).base64EncodedString())$\(Data(randomBytes(hashLength)).base64EncodedString())"
    }

    /// True when `secret` hashes to `stored`; a malformed or tampered `stored` string is simply false.
    /// The final comparison takes the same time wherever the first differing byte is.
    public static func verify(_ secret: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme,
              let iterations = Int(parts[1]), iterations >= 1, iterations <= maximumIterations,
              let salt = Data(base64Encoded: String(parts[2])), !salt.isEmpty,
              let expected = Data(base64Encoded: String(parts[3])), expected.count >= 16, expected.count <= 64
        else { return false }
        let actual = PBKDF2.sha256(password: Array(secret.utf8), salt: Array(salt),
                                   iterations: iterations, length: expected.count)
        return constantTimeEquals(actual, Array(expected))
    }

    /// A URL-safe random token (base64url without padding) of `bytes` random bytes.
    public static func randomToken(bytes: Int = 32) -> String {
        Data(randomBytes(bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two byte strings without an early exit, so timing does not reveal the matching prefix.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    /// Cryptographically secure bytes: `SystemRandomNumberGenerator` reads the kernel's
    /// generator (`getrandom`) on Linux.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { out.append(contentsOf: $0) }
        }
        return Array(out.prefix(count))
    }
}
