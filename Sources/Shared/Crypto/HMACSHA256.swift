/// HMAC-SHA-256 (RFC 2104, tested with the RFC 4231 vectors).
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let keyed = HMACSHA256Key(key)
        return keyed.authenticationCode(message)
    }
}

/// A key turned into the two SHA-256 states after the inner and outer pad blocks,
/// so repeated MACs under one key (PBKDF2) skip re-hashing the pads.
struct HMACSHA256Key: Sendable {
    /// State after absorbing `key ⊕ ipad`.
    let inner: SHA256State
    /// State after absorbing `key ⊕ opad`.
    let outer: SHA256State

    /// Prepares `key`; keys longer than one block are hashed first, as the RFC requires.
    init(_ key: [UInt8]) {
        var block = [UInt8](repeating: 0, count: 64)
        let material = key.count > 64 ? SHA256.hash(key) : key
        block.replaceSubrange(0..<material.count, with: material)
        var inner = SHA256State(), outer = SHA256State()
        let innerPad = block.map { $0 ^ 0x36 }
        let outerPad = block.map { $0 ^ 0x5c }
        innerPad.withUnsafeBytes { inner.absorb(blocks: $0.baseAddress!, count: 1) }
        outerPad.withUnsafeBytes { outer.absorb(blocks: $0.baseAddress!, count: 1) }
        self.inner = inner
        self.outer = outer
    }

    /// MAC of an arbitrary message.
    func authenticationCode(_ message: [UInt8]) -> [UInt8] {
        var innerHasher = SHA256Hasher(state: inner, absorbedLength: 64)
        innerHasher.update(message)
        var outerHasher = SHA256Hasher(state: outer, absorbedLength: 64)
        outerHasher.update(innerHasher.finalize())
        return outerHasher.finalize()
    }
}
