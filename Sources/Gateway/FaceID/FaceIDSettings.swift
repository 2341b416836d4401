import Foundation
import Shared

/// Settings of the face-identifier (intercom panel) API, read once in `main`.
struct FaceIDSettings: Sendable {
    /// Panel accounts (`ROOST_PANEL_ACCOUNTS`, `name:password:type,...`; default none, so nobody can log in).
    var accounts: [PanelAccountSpec] = []
    /// How long a login token stays valid, in seconds (`ROOST_PANEL_TOKEN_TTL`, default 86400).
    var tokenTTL = 86_400.0
    /// Log-in attempts per account: 5 at once, then one every 12 s (429 with Retry-After beyond).
    var accountLogIns = LoginThrottle.Limit(burst: 5, refill: 12)
    /// Log-in attempts per client address, whatever the account: 20 at once, then one every 3 s.
    var addressLogIns = LoginThrottle.Limit(burst: 20, refill: 3)
    /// How long a face upload or search waits for the worker's `faces` job (`ROOST_FACE_UPLOAD_TIMEOUT`, default 20 s).
    var uploadTimeout = 20.0
    /// Cosine similarity at or above which two faces are the same person (`ROOST_FACE_MATCH_THRESHOLD`,
    /// default 0.363, OpenCV's documented threshold for SFace).
    var matchThreshold = 0.363
    /// Smallest photo accepted, long side × short side, in either orientation (real panels: 320×240).
    var minimumImageSize = (long: 320, short: 240)
    /// Largest photo accepted, long side × short side, in either orientation (real panels: 5120×2700).
    var maximumImageSize = (long: 5_120, short: 2_700)

    /// Defaults (tests override fields).
    init() {}

    /// Reads the environment; a malformed value stops the gateway with a clear message.
    init(environment env: Environment) {
        do { accounts = try PanelAccountSpec.parseList(env.string("ROOST_PANEL_ACCOUNTS", default: "")) } catch {
            Environment.fatal("ROOST_PANEL_ACCOUNTS: \(error.message)")
        }
        tokenTTL = env.seconds("ROOST_PANEL_TOKEN_TTL", default: tokenTTL)
        uploadTimeout = env.seconds("ROOST_FACE_UPLOAD_TIMEOUT", default: uploadTimeout)
        let threshold = env.string("ROOST_FACE_MATCH_THRESHOLD", default: String(matchThreshold))
        guard let value = Double(threshold), (-1...1).contains(value) else {
            Environment.fatal("ROOST_FACE_MATCH_THRESHOLD=\(threshold) is not a cosine similarity in -1...1")
        }
        matchThreshold = value
    }

    /// True when `width`×`height` (either orientation) is within the accepted sizes.
    func acceptsImage(width: Int, height: Int) -> Bool {
        let long = max(width, height), short = min(width, height)
        return (minimumImageSize.long...maximumImageSize.long).contains(long)
            && (minimumImageSize.short...maximumImageSize.short).contains(short)
    }
}

/// One panel account as configured: `name:password:type`.
struct PanelAccountSpec: Sendable, Equatable {
    /// The login name.
    let name: String
    /// The password in clear (the client sends its MD5; only a salted hash of that MD5 is stored).
    let password: String
    /// What the account may do.
    let type: PanelAccountType

    /// A malformed `ROOST_PANEL_ACCOUNTS` entry.
    struct ParseError: Error {
        /// What is wrong, without the password.
        let message: String
    }

    /// Parses `name:password:type,...`. The password is everything between the first and the last
    /// colon, so it may contain colons; it may not contain commas. Empty entries are skipped.
    static func parseList(_ text: String) throws(ParseError) -> [PanelAccountSpec] {
        var specs: [PanelAccountSpec] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let first = entry.firstIndex(of: ":"), let last = entry.lastIndex(of: ":"), first < last else {
                throw ParseError(message: "entry \(specs.count + 1) is not name:password:type")
            }
            let name = String(entry[..<first])
            let password = String(entry[entry.index(after: first)..<last])
            let typeText = String(entry[entry.index(after: last)...])
            guard !name.isEmpty, !password.isEmpty else {
                throw ParseError(message: "entry \(specs.count + 1) has an empty name or password")
            }
            guard let type = PanelAccountType(rawValue: typeText) else {
                throw ParseError(message: "account \(name): type must be admin or user, not '\(typeText)'")
            }
            guard !specs.contains(where: { $0.name == name }) else { throw ParseError(message: "account \(name) is listed twice") }
            specs.append(PanelAccountSpec(name: name, password: password, type: type))
        }
        return specs
    }
}

/// What a panel account may do: `admin` changes identifiers and enrols faces, `user` only reads and searches.
enum PanelAccountType: String, Sendable {
    /// Full rights.
    case admin
    /// Read and search only.
    case user
}
