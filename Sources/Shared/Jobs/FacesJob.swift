import Foundation

/// The `faces` job's contract shared by worker and gateway: its parameters and what may be kept
/// of its result.
public enum FacesJob {
    /// The parameter asking for SFace identity descriptors (`{"embedding": true}`).
    public static let embeddingParameter = "embedding"
    /// The member of each face that holds the 128-number descriptor.
    public static let embeddingMember = "embedding"
    /// Owners of jobs whose descriptors belong to the face-identifier panel store only.
    public static let panelOwnerPrefix = "panel:"

    /// True for a job whose result must not keep descriptors once the gateway has read them:
    /// panel jobs (owner `panel:…`); their descriptors live only in the panel store.
    public static func keepsEmbeddingsPrivate(kind: JobKind, owner: String?) -> Bool {
        kind == .faces && (owner?.hasPrefix(panelOwnerPrefix) ?? false)
    }

    /// Whether `text` (any job's result) has an `"embedding"` member somewhere: a byte search
    /// (`memchr` for the key's rarest byte, `memcmp` around it), cheap enough for every result
    /// the gateway records — the generic `firstRange(of:)` cost 5 % of its CPU per job,
    /// Foundation's `contains` 1 %.
    public static func mayHoldEmbeddings(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { haystack in
            embeddingKey.withUnsafeBufferPointer { needle in
                guard let start = haystack.baseAddress, haystack.count >= needle.count else { return false }
                // 'b' (index 3 of `"embedding"`) is rarer in JSON than the quote that starts the key.
                let anchor = 3, last = haystack.count - needle.count
                var from = anchor
                while from <= last + anchor, let hit = memchr(start + from, Int32(needle[anchor]), last + anchor - from + 1) {
                    let at = start.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                    if memcmp(start + at, needle.baseAddress!, needle.count) == 0 { return true }
                    from = at + anchor + 1
                }
                return false
            }
        }
    }

    private static let embeddingKey = Array("\"\(embeddingMember)\"".utf8)

    /// `text` (a `faces` result) with every face's `embedding` removed and everything else
    /// unchanged, in the same order; nil when it is not a JSON object or has nothing to remove.
    public static func resultWithoutEmbeddings(_ text: String) -> String? {
        guard let json = try? JSON.parse(Array(text.utf8)), let members = json.objectValue else { return nil }
        var removed = false
        let stripped = members.map { key, value -> (String, JSON) in
            guard key == "faces", let faces = value.arrayValue else { return (key, value) }
            return (key, .array(faces.map { face in
                guard let fields = face.objectValue, fields.contains(where: { $0.0 == embeddingMember }) else { return face }
                removed = true
                return .object(fields.filter { $0.0 != embeddingMember })
            }))
        }
        return removed ? JSON.object(stripped).serialized() : nil
    }
}

/// A `faces` job's parameters: `{"embedding": true}` asks for SFace descriptors.
public struct FacesParams: Sendable, Equatable {
    /// True to describe each face's identity (128 numbers); false for detection only.
    public var embedding: Bool

    /// Parameters with or without descriptors.
    public init(embedding: Bool = false) { self.embedding = embedding }

    /// Reads a job's params; `embedding` absent or null means false; nil when it is not a boolean.
    public init?(json: JSON) {
        switch json[FacesJob.embeddingParameter] {
        case nil, .null?: embedding = false
        case .bool(let flag)?: embedding = flag
        default: return nil
        }
    }

    /// The params document the gateway queues.
    public var json: JSON { .object([(FacesJob.embeddingParameter, .bool(embedding))]) }
}
