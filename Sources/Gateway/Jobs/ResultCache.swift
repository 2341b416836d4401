import Foundation
import Shared
import Synchronization

/// Decides when a job can be answered from an earlier job's result instead of a worker.
///
/// A result is reused when everything it depends on is the same: the kind, the params, the
/// photo's SHA-256, and the **result version** of the kind — the handler's logic version and
/// its models' fingerprints, which every worker publishes in its heartbeat. The version used
/// is the one all live workers serving the kind agree on; when none serves it, or two disagree
/// (a rolling model upgrade), nothing is looked up or recorded, so a result computed by one
/// model is never handed out for another.
///
/// Scope (`ROOST_RESULT_CACHE`): `owner` (default) reuses only the same owner's results, so the
/// `cached` flag tells nobody whether someone else uploaded the same photo; `shared` reuses any
/// owner's (more hits, at that privacy cost); `off` disables it. Panel face jobs are never cached:
/// their descriptors are the panel's alone.
final class ResultCache: Sendable {
    /// Whose results a job may reuse.
    enum Scope: String, Sendable {
        /// Only the same owner's.
        case owner
        /// Anyone's.
        case shared
        /// None.
        case off
    }

    /// The configured scope.
    let scope: Scope
    private let pool: RedisPool
    private let refreshInterval: Double
    private let known = Mutex<(readAt: Double, versions: [String: String])>((readAt: -Double.infinity, versions: [:]))

    /// A cache reading result versions through `pool`, re-reading the heartbeats at most every `refreshInterval` seconds.
    init(scope: Scope, pool: RedisPool, refreshInterval: Double = 2) {
        self.scope = scope
        self.pool = pool
        self.refreshInterval = refreshInterval
    }

    /// The cache key for a job, or nil when it must not be cached (scope off, a panel job, a kind
    /// no live worker versions). A hex SHA-256 over the scope's owner, kind, version, params and photo.
    func key(kind: String, params: JSON, imageSHA256: String, owner: String) -> String? {
        guard scope != .off, !FacesJob.keepsEmbeddingsPrivate(kind: JobKind(rawValue: kind), owner: owner),
              let version = version(of: kind) else { return nil }
        let scopeOwner = scope == .owner ? owner : "*"
        let material = [scopeOwner, kind, version, Self.canonical(params).serialized(), imageSHA256].joined(separator: "\n")
        return SHA256.hexDigest(Array(material.utf8))
    }

    /// The result version every live worker serving `kind` publishes, or nil (none, or they disagree).
    func version(of kind: String) -> String? {
        let now = Clock.now()
        let cached = known.withLock { $0 }
        if now - cached.readAt < refreshInterval { return cached.versions[kind] }
        let versions = (try? readVersions()) ?? [:]
        known.withLock { $0 = (now, versions) }
        return versions[kind]
    }

    /// kind → the one version its live workers agree on, from their heartbeats.
    private func readVersions() throws -> [String: String] {
        let documents = try pool.with { try QueueInspector(queue: $0).workers() }
        var seen: [String: Set<String>] = [:]
        for document in documents {
            let results = document["results"]
            for kind in document["kinds"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                // A worker that serves the kind without a version (an older build) counts as a disagreement.
                seen[kind, default: []].insert(results?[kind]?.stringValue ?? "")
            }
        }
        return seen.compactMapValues { versions in
            guard versions.count == 1, let version = versions.first, !version.isEmpty else { return nil }
            return version
        }
    }

    /// `params` with object members sorted by name at every depth, so equal params key alike.
    static func canonical(_ params: JSON) -> JSON {
        switch params {
        case .object(let members): return .object(members.map { ($0.0, canonical($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): return .array(items.map(canonical))
        default: return params
        }
    }
}
