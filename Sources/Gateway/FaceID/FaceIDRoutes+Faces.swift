import Shared

/// Enrolling a face from a photo, and finding who a photo shows.
extension FaceIDRoutes {
    /// `POST .../item/face/file/{uid}`: the seed's checks, in the seed's order —
    /// rights; a `face_id` identifier (one with a face already may be re-enrolled: the new face
    /// replaces it); no other upload for it in progress; a JPEG part; a readable header of a size
    /// panels accept; the analysis; at least one face. With several faces, the principal one
    /// (largest box, then highest score) is enrolled and `faces_detected` says how many there were.
    ///
    /// → `200 {"uid": N, "face": {"box": [x, y, w, h], "score": s}, "faces_detected": n}`
    func enrol(_ request: HTTPRequest) throws -> HTTPResponse {
        let session = try auth.adminSession(request)
        guard let uid = Self.uid(request), let identifier = try store.identifier(uid: uid), identifier.type == .faceID else {
            throw FaceIDError.wrongIdentifierUID
        }
        guard uploads.begin(uid) else { throw FaceIDError.uploadInProgress }
        defer { uploads.end(uid) }
        let photo = try FacePhoto.read(request, settings: settings, maxPixels: maxImagePixels)
        let outcome = try analysis.run(photo, owner: "panel:" + session.account)
        guard let face = DetectedFace.principal(of: outcome.faces) else { throw FaceIDError.faceNotDetected }
        guard let embedding = face.identity else { throw FaceIDError.loadingFileError }
        guard try store.enrolFace(uid: uid, face: face, embedding: embedding, jobID: outcome.jobID, imageSHA256: photo.sha256) else {
            // Deleted, or changed to another type, while the photo was being analysed.
            throw FaceIDError.wrongIdentifierUID
        }
        return .json(200, ["uid": .int(uid), "face": face.summaryJSON, "faces_detected": .int(outcome.faces.count)])
    }

    /// `POST .../face/search`: compares the principal face of the photo with every enrolled face.
    ///
    /// → `200 {"matches": [{"uid", "identifier_owner", "similarity"}], "faces_detected": n, "threshold": t}`,
    /// matches at or above the threshold, most similar first; a photo without a face is not an
    /// error here, it simply matches no one (`faces_detected: 0`).
    func search(_ request: HTTPRequest) throws -> HTTPResponse {
        let session = try auth.session(request)
        let photo = try FacePhoto.read(request, settings: settings, maxPixels: maxImagePixels)
        let outcome = try analysis.run(photo, owner: "panel:" + session.account)
        var matches: [(identifier: AccessIdentifier, similarity: Double)] = []
        if let face = DetectedFace.principal(of: outcome.faces) {
            guard let probe = face.identity else { throw FaceIDError.loadingFileError }
            for enrolled in try store.enrolledFaces() {
                let similarity = probe.similarity(to: enrolled.embedding)
                if similarity >= settings.matchThreshold { matches.append((enrolled.identifier, similarity)) }
            }
            matches.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.identifier.uid < $1.identifier.uid }
        }
        let list: [JSON] = matches.map { match in
            ["uid": .int(match.identifier.uid), "identifier_owner": match.identifier.ownerJSON,
             "similarity": .double((match.similarity * 10_000).rounded() / 10_000)]
        }
        return .json(200, ["matches": .array(list), "faces_detected": .int(outcome.faces.count),
                           "threshold": .double(settings.matchThreshold)])
    }
}
