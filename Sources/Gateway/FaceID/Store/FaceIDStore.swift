import Foundation
import Shared
import Synchronization

/// The face-identifier API's durable state: panel accounts, login tokens, access identifiers and
/// enrolled face embeddings, in the gateway's SQLite file.
///
/// It opens its own connection to the file `JobStore` uses (WAL lets both work side by side; the
/// busy timeout absorbs the rare overlap of two writers), so identifier traffic never queues
/// behind job bookkeeping on `JobStore`'s lock. Same discipline as `JobStore`: one connection, one
/// lock, called from the gateway's connection threads, never from Swift's cooperative pool.
final class FaceIDStore: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state is `connection`, used only inside `lock.withLock`
    // (see `withConnection`), so no two threads touch it at once.
    private let lock = NSLock()
    private let connection: SQLiteConnection

    /// Opens the gateway database at `path` and brings it up to date with `JobStore.migrations`
    /// (a no-op when `JobStore` already did).
    init(path: String) throws {
        connection = try SQLiteConnection(path: path)
        try Migrator.migrate(connection, to: JobStore.migrations)
        // Deleted faces are overwritten with zeros, not left in free pages (issue 7 #2).
        try connection.execute("PRAGMA secure_delete=ON")
    }

    /// Copies the write-ahead log into the database and empties it, so that a deleted face's
    /// old page versions do not linger in the `-wal` file; best effort (a busy reader leaves
    /// the log as it is, to be emptied at a later checkpoint).
    func forgetDeletedFaces(_ db: SQLiteConnection) {
        try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Closes the connection; later calls throw `sqlite_closed`.
    func close() { withConnection { $0.close() } }

    /// Runs `body` with the connection, under the lock.
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        try lock.withLock { try body(connection) }
    }

    // MARK: Accounts

    /// Makes the stored accounts exactly `specs`: creates or updates each (type, salted hash of the
    /// password's MD5) and deletes any other account with its tokens, so removing an account from
    /// the configuration locks it out at the next start.
    func syncAccounts(_ specs: [PanelAccountSpec], now: Double = Date().timeIntervalSince1970) throws {
        // PBKDF2 is deliberately slow; hash outside the lock, the accounts in parallel.
        let hashes = Mutex([String](repeating: "", count: specs.count))
        DispatchQueue.concurrentPerform(iterations: specs.count) { index in
            let hash = SecretHash.make(MD5.hex(Array(specs[index].password.utf8)))
            hashes.withLock { $0[index] = hash }
        }
        let hashed = Array(zip(specs, hashes.withLock { $0 }))
        try withConnection { db in
            try db.transaction {
                for (spec, hash) in hashed {
                    _ = try db.run("""
                        INSERT INTO panel_accounts (name, password_hash, account_type, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash,
                            account_type = excluded.account_type, updated_at = excluded.updated_at
                        """, [.text(spec.name), .text(hash), .text(spec.type.rawValue), .real(now)])
                }
                let keep = Set(specs.map(\.name))
                let existing = try db.query("SELECT name FROM panel_accounts") { $0.text(at: 0) ?? "" }
                for name in existing where !keep.contains(name) {
                    _ = try db.run("DELETE FROM panel_accounts WHERE name = ?", [.text(name)])
                }
            }
        }
    }

    /// The stored password hash and type of account `name`, or nil.
    func account(named name: String) throws -> (passwordHash: String, type: PanelAccountType)? {
        try withConnection { db in
            try db.query("SELECT password_hash, account_type FROM panel_accounts WHERE name = ?", [.text(name)]) { s in
                (s.text(at: 0) ?? "", PanelAccountType(rawValue: s.text(at: 1) ?? "") ?? .user)
            }.first
        }
    }

    // MARK: Tokens

    /// Stores a login token by its SHA-256 and drops tokens that have expired.
    func insertToken(sha256: String, account: String, createdAt: Double, expiresAt: Double) throws {
        try withConnection { db in
            try db.transaction {
                _ = try db.run("DELETE FROM panel_tokens WHERE expires_at <= ?", [.real(createdAt)])
                _ = try db.run("INSERT INTO panel_tokens (token_sha256, account_name, created_at, expires_at) VALUES (?, ?, ?, ?)",
                               [.text(sha256), .text(account), .real(createdAt), .real(expiresAt)])
            }
        }
    }

    /// The account behind an unexpired token, with its current type, or nil.
    func session(tokenSHA256: String, now: Double = Date().timeIntervalSince1970) throws -> PanelSession? {
        try withConnection { db in
            try db.query("""
                SELECT a.name, a.account_type FROM panel_tokens t JOIN panel_accounts a ON a.name = t.account_name
                WHERE t.token_sha256 = ? AND t.expires_at > ?
                """, [.text(tokenSHA256), .real(now)]) { s in
                PanelSession(account: s.text(at: 0) ?? "", type: PanelAccountType(rawValue: s.text(at: 1) ?? "") ?? .user)
            }.first
        }
    }
}

/// A logged-in panel account.
struct PanelSession: Sendable, Equatable {
    /// The account name.
    let account: String
    /// Its rights, read at each request so a changed type applies at once.
    let type: PanelAccountType
}
