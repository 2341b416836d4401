import Foundation
import Shared

/// Pets (seed "Pets"): create with photos, list, read, update, delete, add photos, and the
/// portrait styles. An account sees only its own pets (another's is `404 Pet not found`; admin
/// keys see all, as with images). Photos are served at `/images/{id}.{jpg|png}` like dog images.
///
/// Uploads are all or nothing: every field and image is checked first, the files are saved, and
/// the pet and its photos are inserted in one transaction; when anything fails, no row remains and
/// the files nothing else uses are removed.
extension DogAPIRoutes {
    /// The most images one upload request may carry (the seed's limit).
    static let maxPetImagesPerRequest = 20
    /// The most photos one pet may have in all (Roost's limit: a pet's analyses read every photo).
    static let maxPetImages = 100

    /// The body limit of the two multipart pets routes: 20 images at the per-image limit
    /// (`ROOST_MAX_UPLOAD_BYTES`) and 64 KiB for the fields, but at most 100 MiB (+ 64 KiB), since a
    /// request is held in memory whole. Each image is also held to the per-image limit.
    var petUploadBodyLimit: Int { min(Self.maxPetImagesPerRequest * configuration.maxUploadBytes, 100 << 20) + (64 << 10) }

    /// Adds the pets routes (before the analyses', which share `/v1/pets/{id}`).
    func registerPets(on router: Router) {
        add(router, "POST", "/v1/pets", key: .required, bodyLimit: petUploadBodyLimit) { try createPet($0, $1!) }
        add(router, "GET", "/v1/pets", key: .required) { try listPets($0, $1!) }
        // Before `/v1/pets/{id}`, which would match `portrait-styles`.
        add(router, "GET", "/v1/pets/portrait-styles", key: .required) { _, _ in
            .json(200, .array(PetJob.portraitStyles.map { ["name": .string($0.name), "description": .string($0.description)] }))
        }
        add(router, "GET", "/v1/pets/{id}", key: .required) { request, account in .json(200, try petDocument(try ownedPet(request, account!), request)) }
        add(router, "PATCH", "/v1/pets/{id}", key: .required) { try updatePet($0, $1!) }
        add(router, "DELETE", "/v1/pets/{id}", key: .required) { try deletePet($0, $1!) }
        add(router, "POST", "/v1/pets/{id}/images", key: .required, bodyLimit: petUploadBodyLimit) { try addPetImages($0, $1!) }
    }

    /// Pet `id` of the path when the request's account owns it (admins see all), else 404 `Pet not found`.
    func ownedPet(_ request: HTTPRequest, _ account: DogAccount) throws -> DogPet {
        guard let id = request.pathParameters["id"], let pet = try service.store.pet(id: id), pet.accountID == account.id || account.isAdmin else {
            throw DogAPIError.notFound("Pet not found")
        }
        return pet
    }

    private func createPet(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let form = try uploadForm(request)
        let now = Clock.now()
        var pet = DogPet(id: try newPetID(), accountID: account.id, name: nil, breedID: nil, speciesID: nil, description: nil, microchipID: nil,
                         subID: nil, dateOfBirth: nil, createdAt: now, updatedAt: now)
        try PetFields(form.fields, today: PetAge.day(epoch: now)).apply(to: &pet)
        let images = try petImages(form, of: pet, description: nil, now: now)
        try service.keepingFiles(form.uploads) { try service.store.insertPet(pet, images: images) }
        return .json(201, try petDocument(pet, request))
    }

    private func listPets(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let (limit, page) = Self.paging(request)
        var filter = DogPetFilter(speciesID: request.nonEmptyQuery("species_id"), breedID: request.nonEmptyQuery("breed_id"),
                                  subID: request.nonEmptyQuery("sub_id"))
        let groups = request.queryList("breed_groups"), excluded = request.queryList("exclude_breed_groups")
        if !groups.isEmpty { filter.breedIDs = DogCatalogue.standard.breeds(inGroups: groups).map { String($0.id) } }
        filter.excludedBreedIDs = DogCatalogue.standard.breeds(inGroups: excluded).map { String($0.id) }
        let (pets, total) = try service.store.pets(accountID: account.id, filter: filter, limit: limit, page: page,
                                                   order: request.nonEmptyQuery("order") ?? "ASC")
        return .json(200, .array(try pets.map { try petDocument($0, request) }), headers: Self.paginationHeaders(count: total, page: page, limit: limit))
    }

    /// A JSON object of the seed's fields; only those sent change (null or "" clears one).
    private func updatePet(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        var pet = try ownedPet(request, account)
        guard let members = (try? JSON.parse(request.body))?.objectValue else {
            throw DogAPIError.badRequest("The body must be a JSON object of the fields to change, e.g. {\"name\": \"Buddy\"}")
        }
        let now = Clock.now()
        try PetFields(Dictionary(members, uniquingKeysWith: { first, _ in first }), today: PetAge.day(epoch: now)).apply(to: &pet)
        pet.updatedAt = max(now, pet.updatedAt + 0.001)  // strictly later, even within a clock tick
        guard try service.store.updatePet(pet) else { throw DogAPIError.notFound("Pet not found") }
        return .json(200, try petDocument(pet, request))
    }

    private func deletePet(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let pet = try ownedPet(request, account)
        guard let files = try service.store.deletePet(id: pet.id) else { throw DogAPIError.notFound("Pet not found") }
        for file in files { service.removeUnusedFile(file) }
        return .json(200, ["message": "SUCCESS"])
    }

    /// Photos for an existing pet (at most `maxPetImages` in all) → `201` and their documents.
    private func addPetImages(_ request: HTTPRequest, _ account: DogAccount) throws -> HTTPResponse {
        let pet = try ownedPet(request, account)
        let form = try uploadForm(request)
        guard !form.uploads.isEmpty else {
            throw DogAPIError.badRequest("No images were sent: add them as repeated multipart parts named 'images'")
        }
        let description = try PetFields.text(form.fields, "description", max: PetFields.maxDescription) ?? nil
        let images = try petImages(form, of: pet, description: description, now: Clock.now())
        try service.keepingFiles(form.uploads) {
            switch try service.store.addPetImages(images, petID: pet.id, maxImages: Self.maxPetImages) {
            case .added: return
            case .petMissing: throw DogAPIError.notFound("Pet not found")
            case let .overLimit(existing):
                throw DogAPIError.badRequest("A pet may have at most \(Self.maxPetImages) images: this one has \(existing), and \(images.count) were sent")
            }
        }
        return .json(201, .array(images.map { petImageDocument($0, request) }))
    }

    private func uploadForm(_ request: HTTPRequest) throws -> PetUploadForm {
        try PetUploadForm(request, maxImages: Self.maxPetImagesPerRequest, maxImageBytes: configuration.maxUploadBytes,
                          maxPixels: configuration.maxImagePixels)
    }

    /// The photo rows of `form`'s images for `pet`. `pet_age_months`: the form's `age_years` and
    /// `age_months` when sent, else the pet's age on the upload day from its date of birth, else null.
    private func petImages(_ form: PetUploadForm, of pet: DogPet, description: String?, now: Double) throws -> [DogPetImage] {
        let today = PetAge.day(epoch: now)
        let age = try PetFields.ageMonths(form.fields)
            ?? pet.dateOfBirth.flatMap(PetAge.day).map { max(0, PetAge.months(from: $0, to: today)) }
        var taken = Set<String>()
        return try form.uploads.enumerated().map { index, upload in
            let id = try newFileID(excluding: taken)
            taken.insert(id)
            return DogPetImage(id: id, petID: pet.id, accountID: pet.accountID, sha256: upload.sha256,
                               mimeType: upload.mimeType, width: upload.header.width,
                               height: upload.header.height, pose: form.poses[index], petAgeMonths: age, description: description, createdAt: now)
        }
    }

    /// A new pet id (`newImageID()`'s form) no pet has.
    private func newPetID() throws -> String {
        var id = Self.newImageID()
        while try service.store.pet(id: id) != nil { id = Self.newImageID() }
        return id
    }
}
