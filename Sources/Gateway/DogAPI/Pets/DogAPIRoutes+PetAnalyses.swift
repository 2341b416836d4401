import Foundation
import Shared

/// The pet analyses (`POST /v1/pets/{id}/body-condition-score`, `estimated-age`, `genealogy`,
/// `muscle-condition-score`) and portraits (`POST /v1/pets/{id}/portrait`).
///
/// Each analysis measures every photo of the pet (a `pet` job per photo, reused when asked
/// again), computes its answer (`PetAnalyses`), records it on the pet with its timestamp and
/// answers `200` with the seed's members plus `method`, `confidence` and `measurements`. When the
/// photos are not all measured within `ROOST_SYNC_TIMEOUT`, the answer is `202` with how many
/// are done: the jobs go on, and the same request later answers at once.
extension DogAPIRoutes {
    func registerPetAnalyses(on router: Router) {
        add(router, "POST", "/v1/pets/{id}/body-condition-score", key: .required) { try analyse($0, $1!, .bodyCondition) }
        add(router, "POST", "/v1/pets/{id}/estimated-age", key: .required) { try analyse($0, $1!, .estimatedAge) }
        add(router, "POST", "/v1/pets/{id}/genealogy", key: .required) { try analyse($0, $1!, .genealogy) }
        add(router, "POST", "/v1/pets/{id}/muscle-condition-score", key: .required) { try analyse($0, $1!, .muscleCondition) }
        add(router, "POST", "/v1/pets/{id}/portrait", key: .required) { try portrait($0, $1!) }
    }

    private func analyse(_ request: HTTPRequest, _ account: DogAccount, _ name: DogAPIStore.PetAnalysisName) throws -> HTTPResponse {
        let pet = try ownedPet(request, account)
        let images = try service.store.petImages(petID: pet.id)
        let now = Clock.now()
        let taggedAges = images.compactMap { image in image.petAgeMonths.map { (months: $0, takenAt: image.createdAt) } }
        var photos: [PetPhotoMeasurement] = []
        // An age from the date of birth or the photos' ages needs no photo measured.
        if !(name == .estimatedAge && (pet.dateOfBirth != nil || !taggedAges.isEmpty)) {
            switch try service.measurePetPhotos(images, accountID: pet.accountID, lane: try RequestIdentity.lane(request),
                                                maxPixels: configuration.maxImagePixels, timeout: configuration.syncTimeout) {
            case let .measured(measured): photos = measured
            case let .pending(done, total): return Self.pending(done: done, of: total)
            }
        }
        let answer: PetAnalysisAnswer
        switch name {
        case .bodyCondition: answer = PetAnalyses.bodyCondition(photos)
        case .muscleCondition: answer = PetAnalyses.muscleCondition(photos)
        case .genealogy: answer = PetAnalyses.genealogy(photos, speciesID: pet.speciesID)
        case .estimatedAge: answer = PetAnalyses.estimatedAge(dateOfBirth: pet.dateOfBirth, taggedAges: taggedAges, photos: photos, now: now)
        }
        let document = answer.document(generatedAt: now)
        guard try service.store.recordPetAnalysis(petID: pet.id, name: name, document: document, now: now) else {
            throw DogAPIError.notFound("Pet not found")  // deleted while its photos were measured
        }
        return .json(200, document)
    }

    /// `{"style": ...}` → `201` with the portrait's document: the best photo (a found animal,
    /// front view first, then side views, then the rest; the most confident localisation within
    /// each) rendered in the style by a worker, stored and served like the pet's photos.
    private func portrait(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let pet = try ownedPet(request, account)
        let body = (try? JSON.parse(request.body)) ?? .null
        let names = PetJob.portraitStyles.map(\.name)
        guard let style = body["style"]?.stringValue, names.contains(style) else {
            throw DogAPIError.badRequest("INVALID_STYLE - send {\"style\": \"...\"} with one of: \(names.joined(separator: ", ")) (GET /v1/pets/portrait-styles)")
        }
        let images = try service.store.petImages(petID: pet.id)
        guard !images.isEmpty else {
            throw DogAPIError.badRequest("NO_IMAGES - the pet has no photos to make a portrait from; add some with POST /v1/pets/\(pet.id)/images")
        }
        let lane = try RequestIdentity.lane(request)
        let photos: [PetPhotoMeasurement]
        switch try service.measurePetPhotos(images, accountID: pet.accountID, lane: lane, maxPixels: configuration.maxImagePixels,
                                            timeout: configuration.syncTimeout) {
        case let .measured(measured): photos = measured
        case let .pending(done, total): return Self.pending(done: done, of: total)
        }
        func rank(_ pose: String?) -> Int { pose == "front" ? 0 : PetJob.sidePoses.contains(pose ?? "") ? 1 : 2 }
        let candidates = photos.filter { $0.result?.found == true }
            .sorted { a, b in rank(a.pose) != rank(b.pose) ? rank(a.pose) < rank(b.pose)
                : (a.result!.localisationConfidence > b.result!.localisationConfidence) }
        guard let best = candidates.first, let source = images.first(where: { $0.id == best.imageID }) else {
            throw DogAPIError.badRequest("NO_ANIMAL_FOUND - none of the pet's \(images.count) photos shows a dog or cat that could be cut out")
        }
        switch try service.measurePetPhotos([source], accountID: pet.accountID, lane: lane, maxPixels: configuration.maxImagePixels,
                                            timeout: configuration.syncTimeout, portrait: style) {
        case let .pending(done, total): return Self.pending(done: done, of: total)
        case let .measured(measured):
            guard let rendered = measured.first?.result?.portrait else {
                throw DogAPIError.badRequest("PORTRAIT_FAILED - \(measured.first?.problem ?? "the portrait could not be rendered")")
            }
            let digest = SHA256.hexDigest(rendered.jpeg)
            service.files.pin(digest)
            defer { service.files.unpin(digest) }
            try service.files.save(rendered.jpeg, sha256: digest)
            let portrait = DogPetPortrait(id: try newFileID(), petID: pet.id, accountID: pet.accountID, style: style, sha256: digest,
                                          width: rendered.width, height: rendered.height, sourceImageID: source.id, createdAt: Clock.now())
            try service.store.insertPortrait(portrait)
            return .json(201, try portraitDocument(portrait, request))
        }
    }

    /// `202`: the photos are still being measured.
    private static func pending(done: Int, of total: Int) -> HTTPResponse {
        .json(202, ["message": .string("ANALYSIS_PENDING - \(done) of \(total) photos measured so far; send the same request again shortly"),
                    "photos_measured": .int(done), "photos": .int(total)])
    }
}
