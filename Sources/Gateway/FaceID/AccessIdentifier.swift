import Shared

/// Who an identifier belongs to.
struct IdentifierOwner: Sendable, Equatable {
    /// The person's name as the panel shows it.
    var name: String
    /// Resident or visitor.
    var type: IdentifierOwnerType
}

/// `owner` (resident) or `guest` (visitor).
enum IdentifierOwnerType: String, Sendable {
    /// A resident.
    case owner
    /// A visitor.
    case guest
}

/// How a person identifies at the panel.
enum IdentifierType: String, Sendable {
    /// An RFID card.
    case card
    /// A key fob.
    case ukey
    /// A code typed on the keypad.
    case inputCode
    /// A face, enrolled from a photo.
    case faceID = "face_id"
    /// A QR code.
    case qr
    /// A vehicle's number plate.
    case licensePlate = "license_plate"
}

/// Which lock an identifier opens.
enum IdentifierLock: String, Sendable {
    /// The first lock.
    case first
    /// The second lock.
    case second
    /// Both.
    case all
}

/// One access identifier: a card, code, plate or face that opens a lock for its owner.
///
/// A `face_id` identifier is created without a face ("awaiting a face", `faceEnrolled` false) and
/// becomes usable when a photo is uploaded for it; a later upload replaces the face.
struct AccessIdentifier: Sendable, Equatable {
    /// Assigned by the store, never reused.
    var uid: Int
    /// Whose identifier this is.
    var owner: IdentifierOwner
    /// Card, code, face…
    var type: IdentifierType
    /// The card number, code or plate; optional for `face_id`.
    var number: String?
    /// The lock it opens.
    var lock: IdentifierLock
    /// For `face_id`: whether a face has been enrolled.
    var faceEnrolled: Bool

    /// `{"name", "type"}`, as clients send it.
    var ownerJSON: JSON { ["name": .string(owner.name), "type": .string(owner.type.rawValue)] }

    /// The object as clients created it, plus `uid` and, for `face_id`, `face_enrolled`.
    var json: JSON {
        var members: [(String, JSON)] = [
            ("uid", .int(uid)), ("identifier_owner", ownerJSON), ("identifier_type", .string(type.rawValue)),
            ("identifier_number", number.map { .string($0) } ?? .null), ("lock", .string(lock.rawValue)),
        ]
        if type == .faceID { members.append(("face_enrolled", .bool(faceEnrolled))) }
        return .object(members)
    }
}

/// The fields of a create or update body, each validated; nil where the body left a field out.
///
/// Rules (anything else is `Wrong JSON body`): the body is a JSON object; `identifier_owner` an
/// object with `name` (1–255 characters) and `type` (`owner`|`guest`); `identifier_type` one of
/// the six types; `identifier_number` a string of 1–255 characters (or null/absent for `face_id`);
/// `lock` `first`|`second`|`all`. Unknown keys are ignored, so a client may send back what it read
/// (with `uid` and `face_enrolled`).
struct IdentifierFields: Sendable {
    /// The owner's name, if given.
    var ownerName: String?
    /// The owner's type, if given.
    var ownerType: IdentifierOwnerType?
    /// The identifier type, if given.
    var type: IdentifierType?
    /// The number: absent (nil), explicitly null (`.some(nil)`), or a value.
    var number: String??
    /// The lock, if given.
    var lock: IdentifierLock?

    /// Parses and validates `body`.
    init(body: [UInt8]) throws(FaceIDError) {
        guard let json = try? JSON.parse(body), let members = json.objectValue else { throw .wrongJSONBody }
        for (key, value) in members {
            switch key {
            case "identifier_owner":
                guard let owner = value.objectValue else { throw .wrongJSONBody }
                for (ownerKey, ownerValue) in owner {
                    switch ownerKey {
                    case "name": ownerName = try Self.text(ownerValue)
                    case "type":
                        guard let type = ownerValue.stringValue.flatMap(IdentifierOwnerType.init(rawValue:)) else { throw .wrongJSONBody }
                        ownerType = type
                    default: continue
                    }
                }
            case "identifier_type":
                guard let type = value.stringValue.flatMap(IdentifierType.init(rawValue:)) else { throw .wrongJSONBody }
                self.type = type
            case "identifier_number":
                number = value == .null ? .some(nil) : .some(try Self.text(value))
            case "lock":
                guard let lock = value.stringValue.flatMap(IdentifierLock.init(rawValue:)) else { throw .wrongJSONBody }
                self.lock = lock
            default: continue
            }
        }
    }

    /// True when no known field was given.
    var isEmpty: Bool { ownerName == nil && ownerType == nil && type == nil && number == nil && lock == nil }

    /// A new identifier from a create body: every field required, except the number of a `face_id`.
    func created() throws(FaceIDError) -> AccessIdentifier {
        guard let ownerName, let ownerType, let type, let lock else { throw .wrongJSONBody }
        let identifier = AccessIdentifier(uid: 0, owner: IdentifierOwner(name: ownerName, type: ownerType), type: type,
                                          number: number ?? nil, lock: lock, faceEnrolled: false)
        try identifier.checkNumber()
        return identifier
    }

    /// `identifier` with the given fields replaced (the owner field by field).
    func merged(into identifier: AccessIdentifier) throws(FaceIDError) -> AccessIdentifier {
        guard !isEmpty else { throw .wrongJSONBody }
        var merged = identifier
        if let ownerName { merged.owner.name = ownerName }
        if let ownerType { merged.owner.type = ownerType }
        if let type { merged.type = type }
        if let number { merged.number = number }
        if let lock { merged.lock = lock }
        try merged.checkNumber()
        return merged
    }

    private static func text(_ value: JSON) throws(FaceIDError) -> String {
        guard let text = value.stringValue, (1...255).contains(text.count),
              !text.allSatisfy({ $0.isWhitespace }) else { throw .wrongJSONBody }
        return text
    }
}

/// Validation shared by create and update.
extension AccessIdentifier {
    /// Every type but `face_id` needs a number: it is what the panel reads from the card or keypad.
    fileprivate func checkNumber() throws(FaceIDError) {
        if type != .faceID, number == nil { throw .wrongJSONBody }
    }
}
