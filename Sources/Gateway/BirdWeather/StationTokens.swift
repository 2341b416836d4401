import Foundation
import Glibc
import Shared

/// Tokens of the BirdWeather API: 24 characters of `[0-9A-Za-z]`, like the real service's.
///
/// A station's token is derived from its id with HMAC-SHA256 under a key kept in the data
/// directory (`birdweather.key`, mode 0600, made on first start), so that `authenticate` can list
/// a user's station tokens again while the database holds only their SHA-256. User tokens are
/// random per session and stored only as their SHA-256.
struct StationTokens: Sendable {
    private let key: [UInt8]
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    /// Characters in a token.
    static let length = 24

    /// Loads the key from `file`, creating it (32 random bytes) when it does not exist.
    init(keyFile: URL) throws {
        if let data = FileManager.default.contents(atPath: keyFile.path), data.count == 32 {
            key = [UInt8](data)
            return
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let fd = open(keyFile.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            // Another process made it first: use theirs.
            guard errno == EEXIST, let data = FileManager.default.contents(atPath: keyFile.path), data.count == 32 else {
                throw OriginalStoreError.errno("create \(keyFile.path)")
            }
            key = [UInt8](data)
            return
        }
        defer { close(fd) }
        guard write(fd, bytes, 32) == 32, fsync(fd) == 0 else { throw OriginalStoreError.errno("write \(keyFile.path)") }
        key = bytes
    }

    /// Station `id`'s token.
    func stationToken(id: Int) -> String {
        let mac = HMACSHA256.authenticationCode(key: key, message: Array("birdweather-station:\(id)".utf8))
        return String(decoding: mac.prefix(Self.length).map { Self.alphabet[Int($0) % Self.alphabet.count] }, as: UTF8.self)
    }

    /// A new random token (rejection sampling: every character equally likely).
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        while out.count < length {
            let byte: UInt8 = generator.next()
            if byte < 248 { out.append(alphabet[Int(byte) % 62]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What the database keeps of a token.
    static func digest(_ token: String) -> String { SHA256.hexDigest(Array(token.utf8)) }
}
