import Foundation
import Shared

/// The breeds on an image: read by anyone who may see it, tagged and untagged by its owner.
extension DogAPIRoutes {
    func registerImageBreeds(on router: Router) {
        add(router, "GET", "/v1/images/{id}/breeds", key: .optional) { request, account in
            guard let id = request.pathParameters["id"], try service.store.imageVisible(id: id, accountID: account?.id),
                  let image = try service.store.image(id: id) else { throw DogAPIError.notFound("Image not found") }
            return .json(200, .array(image.breeds.compactMap { DogCatalogue.standard.breed(id: $0.id)?.json }))
        }
        add(router, "POST", "/v1/images/{id}/breeds", key: .required) { request, account in
            let image = try ownedImage(request, account!)
            let body = try Self.body(request)
            guard let breedID = body["breed_id"]?.intValue ?? body["breed_id"]?.stringValue.flatMap({ Int($0) }),
                  DogCatalogue.standard.breed(id: breedID) != nil else { throw DogAPIError.badRequest("INVALID_BREED_ID - no breed with this id") }
            try service.store.tagBreed(imageID: image.id, breedID: breedID)
            return .json(200, ["message": "SUCCESS"])
        }
        add(router, "DELETE", "/v1/images/{id}/breeds/{breed_id}", key: .required) { request, account in
            let image = try ownedImage(request, account!)
            guard let breedID = Int(request.pathParameters["breed_id"] ?? ""), try service.store.untagBreed(imageID: image.id, breedID: breedID) else {
                throw DogAPIError.notFound("The image has no such breed")
            }
            return .json(200, ["message": "SUCCESS"])
        }
    }
}
