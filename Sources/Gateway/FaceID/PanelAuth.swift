import Foundation
import Shared

/// Log-in and bearer tokens of the panel API.
///
/// The client sends `md5(password)` in hex; the store keeps a salted PBKDF2 hash of that MD5, so
/// the database never holds anything a client could replay. Tokens are random (32 bytes), handed
/// out once, stored as their SHA-256 and valid for `tokenTTL` seconds from log-in.
struct PanelAuth: Sendable {
    private let store: FaceIDStore
    private let tokenTTL: Double
    /// Verified against when the user name is unknown, so a wrong name costs as long as a wrong
    /// password and names cannot be told apart by timing.
    private let decoyHash: String
    private let throttle: LoginThrottle

    /// Creates the authenticator and makes the stored accounts match `settings.accounts`.
    init(store: FaceIDStore, settings: FaceIDSettings) throws {
        self.store = store
        self.throttle = LoginThrottle(account: settings.accountLogIns, address: settings.addressLogIns)
        tokenTTL = settings.tokenTTL
        decoyHash = SecretHash.decoy()
        try store.syncAccounts(settings.accounts)
    }

    /// `{"token", "account_type"}` for the right name and password MD5; `Log In` otherwise;
    /// `429` when the account or the client's address (`host`, no port) tried too often.
    func logIn(username: String?, passwordMD5: String?, from host: String) throws -> JSON {
        guard let username, !username.isEmpty, let passwordMD5, !passwordMD5.isEmpty else { throw FaceIDError.logIn }
        if let wait = throttle.attempt(account: username, address: host) { throw FaceIDError.tooManyLogIns(retryAfter: wait) }
        // MD5.hex is lower case; accept clients that print it in upper case.
        let secret = passwordMD5.lowercased()
        guard let account = try store.account(named: username) else {
            _ = SecretHash.verify(secret, against: decoyHash)
            throw FaceIDError.logIn
        }
        guard SecretHash.verify(secret, against: account.passwordHash) else { throw FaceIDError.logIn }
        let token = SecretHash.randomToken()
        let now = Date().timeIntervalSince1970
        try store.insertToken(sha256: SHA256.hexDigest(Array(token.utf8)), account: username, createdAt: now, expiresAt: now + tokenTTL)
        return ["token": .string(token), "account_type": .string(account.type.rawValue)]
    }

    /// The session of `Authorization: Bearer <token>`; `Log In` when missing, unknown or expired.
    func session(_ request: HTTPRequest) throws -> PanelSession {
        guard let token = request.bearerToken, let session = try store.session(tokenSHA256: SHA256.hexDigest(Array(token.utf8))) else {
            throw FaceIDError.logIn
        }
        return session
    }

    /// Like `session`, and `Administrator rights required` unless the account is an admin.
    func adminSession(_ request: HTTPRequest) throws -> PanelSession {
        let session = try session(request)
        guard session.type == .admin else { throw FaceIDError.adminRequired }
        return session
    }
}
