import Shared

/// Create, read, update and delete access identifiers.
extension FaceIDRoutes {
    /// `POST .../item` → `{"uid": N}`. A `face_id` identifier starts awaiting its face.
    func create(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try auth.adminSession(request)
        let identifier = try IdentifierFields(body: request.body).created()
        let uid = try store.insertIdentifier(identifier)
        return .json(200, ["uid": .int(uid)])
    }

    /// `GET .../item/{uid}` → the identifier with `uid` (and `face_enrolled` for `face_id`).
    func read(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try auth.session(request)
        return .json(200, try existing(request).json)
    }

    /// `PATCH .../item/{uid}`: replaces the fields given; answers with the whole updated identifier.
    func update(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try auth.adminSession(request)
        let current = try existing(request)
        let updated = try IdentifierFields(body: request.body).merged(into: current)
        guard try store.updateIdentifier(updated), let saved = try store.identifier(uid: updated.uid) else {
            throw FaceIDError.identifierNotFound
        }
        return .json(200, saved.json)
    }

    /// `DELETE .../item/{uid}`: removes the identifier and its face → `{"uid": N}`.
    func delete(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try auth.adminSession(request)
        guard let uid = Self.uid(request), try store.deleteIdentifier(uid: uid) else { throw FaceIDError.identifierNotFound }
        return .json(200, ["uid": .int(uid)])
    }

    private func existing(_ request: HTTPRequest) throws -> AccessIdentifier {
        guard let uid = Self.uid(request), let identifier = try store.identifier(uid: uid) else { throw FaceIDError.identifierNotFound }
        return identifier
    }
}
