import Foundation
import Shared

/// Reads the photo of a face upload or search and checks it the way panels do, answering with the
/// panel API's messages rather than the job API's.
enum FacePhoto {
    /// Part content types taken as a JPEG (besides none at all); the bytes must still start like one.
    static let jpegContentTypes: Set<String> = ["image/jpeg", "image/jpg", "image/pjpeg", "application/octet-stream"]

    /// The JPEG in multipart field `file`.
    ///
    /// The seed's own example sends the file under another field name (`status`), so when there
    /// is no `file` part, the only part that carries a file name is taken instead.
    /// - Throws: `Wrong file format` when the body is not multipart, has no such part, the part is
    ///   empty, declares another content type or is not a JPEG by its first bytes; `Wrong image
    ///   file` when the JPEG header cannot be read or the size is outside what panels accept.
    static func read(_ request: HTTPRequest, settings: FaceIDSettings, maxPixels: Int) throws(FaceIDError) -> ImageUpload {
        guard let parts = try? MultipartForm.parse(body: request.body, contentType: request.headers["content-type"]) else {
            throw .wrongFileFormat
        }
        let fileParts = parts.filter { $0.filename != nil }
        guard let part = parts.first(named: "file") ?? (fileParts.count == 1 ? fileParts[0] : nil) else { throw .wrongFileFormat }
        if let declared = part.contentType {
            let mediaType = declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard jpegContentTypes.contains(mediaType) else { throw .wrongFileFormat }
        }
        guard !part.body.isEmpty, JPEGDecoder.isJPEG(part.body) else { throw .wrongFileFormat }
        return try validate(part.body, filename: part.filename, settings: settings, maxPixels: maxPixels)
    }

    /// Checks a JPEG's header: readable, within `maxPixels` and within the panel sizes (upright).
    static func validate(_ bytes: [UInt8], filename: String?, settings: FaceIDSettings, maxPixels: Int) throws(FaceIDError) -> ImageUpload {
        guard let header = try? JPEGDecoder.readHeader(bytes, maxPixels: maxPixels),
              settings.acceptsImage(width: header.orientedWidth, height: header.orientedHeight) else { throw .wrongImageFile }
        return ImageUpload(bytes: bytes, filename: filename, header: header, sha256: SHA256.hexDigest(bytes))
    }
}
