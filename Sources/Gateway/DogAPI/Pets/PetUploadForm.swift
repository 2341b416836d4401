import Foundation
import Shared

/// A pets upload (`POST /v1/pets`, `POST /v1/pets/{id}/images`): its text fields, and its
/// `images` file parts checked before anything is stored.
///
/// Images come as repeated multipart parts named `images` (or `images[]`); parts with no bytes
/// (a form's empty file input) are skipped. Refused, each as a 400 in the service's plain text
/// unless noted: more than `maxImages` images; a part over `maxImageBytes` (413); a part that is
/// not a JPEG or PNG within the pixel limit; `poses` that is not a JSON object of file index
/// (0-based, as a string) → one of `PetJob.poses`, or that names an index no file has.
struct PetUploadForm {
    /// The text fields (a multipart form's as strings, a JSON body's members as they are).
    let fields: [String: JSON]
    /// The images, in the order sent.
    let uploads: [ImageUpload]
    /// The pose of each image that has one, by index in `uploads`.
    let poses: [Int: String]

    /// Reads `request`: multipart, or (with no images) a JSON object.
    init(_ request: HTTPRequest, maxImages: Int, maxImageBytes: Int, maxPixels: Int) throws {
        let type = (request.headers["content-type"] ?? "").lowercased()
        var fields: [String: JSON] = [:]
        var files: [MultipartPart] = []
        if type.hasPrefix("multipart/") {
            let limits = MultipartLimits(maxParts: maxImages + 32)
            for part in try MultipartForm.parse(body: request.body, contentType: request.headers["content-type"], limits: limits) {
                if part.name == "images" || part.name == "images[]" {
                    if !part.body.isEmpty { files.append(part) }
                } else if part.filename == nil, fields[part.name] == nil {
                    fields[part.name] = .string(part.text)
                }
            }
        } else if type.hasPrefix("application/json") {
            guard let members = (try? JSON.parse(request.body))?.objectValue else {
                throw DogAPIError.badRequest("The body must be multipart/form-data, or a JSON object")
            }
            for (name, value) in members where fields[name] == nil { fields[name] = value }
        } else {
            throw DogAPIError.badRequest("The body must be multipart/form-data with the fields and the images")
        }
        guard files.count <= maxImages else {
            throw DogAPIError.badRequest("Too many images: at most \(maxImages) per request, \(files.count) were sent")
        }
        var uploads: [ImageUpload] = []
        for (index, part) in files.enumerated() {
            let label = "images[\(index)]" + (part.filename.map { " (\($0))" } ?? "")
            guard part.body.count <= maxImageBytes else {
                throw HTTPError(status: 413, code: "payload_too_large", message: "\(label) is larger than \(maxImageBytes) bytes")
            }
            do {
                uploads.append(try ImageUpload.validate(part.body, filename: part.filename, maxPixels: maxPixels))
            } catch let error as ImageError {
                throw DogAPIError.badRequest("\(label) is not a usable JPEG or PNG image: \(error.message)")
            } catch {
                throw DogAPIError.badRequest("\(label) is not a JPEG or PNG image")
            }
        }
        self.fields = fields
        self.uploads = uploads
        poses = try Self.poses(fields["poses"], imageCount: uploads.count)
    }

    /// The `poses` field read and checked (see the type's comment); empty when absent.
    private static func poses(_ value: JSON?, imageCount: Int) throws -> [Int: String] {
        let members: [(String, JSON)]
        switch value {
        case nil, .null?: return [:]
        case let .string(text)?:
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return [:] }
            guard let object = (try? JSON.parse(text))?.objectValue else { throw notAnObject }
            members = object
        case let .object(object)?: members = object
        default: throw notAnObject
        }
        var poses: [Int: String] = [:]
        for (key, pose) in members {
            guard let index = Int(key), (0..<imageCount).contains(index) else {
                let sent = imageCount == 0 ? "no images were sent" : "the images sent are numbered 0 to \(imageCount - 1)"
                throw DogAPIError.badRequest("poses names file index \(key), but \(sent)")
            }
            guard let name = pose.stringValue?.lowercased(), PetJob.poses.contains(name) else {
                throw DogAPIError.badRequest("poses[\(key)] is not a pose: use one of \(PetJob.poses.joined(separator: ", "))")
            }
            poses[index] = name
        }
        return poses
    }

    private static let notAnObject = DogAPIError.badRequest(#"poses must be a JSON object mapping file index to pose, e.g. {"0":"front","1":"side"}"#)
}
