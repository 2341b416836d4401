import Shared

/// An uploaded image, validated cheaply before anything is queued: present, non-empty, JPEG by
/// its magic bytes, and within the pixel limit according to its header (no pixel is decoded).
///
/// Memory: an upload is held at most twice on its way to Redis. The request body is one copy; a raw
/// `image/jpeg` body *is* `bytes`, a multipart body is parsed in place and only the image part is
/// copied out; the enqueue passes `bytes` to hiredis without another copy (hiredis then writes the
/// command from its own output buffer).
struct ImageUpload: UploadedFile {
    /// The file's bytes.
    let bytes: [UInt8]
    /// The client's file name, if it sent one.
    let filename: String?
    /// What the JPEG header says.
    let header: ImageHeader
    /// SHA-256 of `bytes`, hex: the blob's key in Redis.
    let sha256: String

    /// `image/png` or `image/jpeg`.
    var mimeType: String { PNGDecoder.isPNG(bytes) ? "image/png" : "image/jpeg" }

    /// Reads the image from multipart field `field`, or from the raw body when the request's
    /// `Content-Type` is `image/jpeg`.
    static func from(_ request: HTTPRequest, field: String = "file", maxPixels: Int) throws -> ImageUpload {
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        var bytes: [UInt8]
        var filename: String?
        if contentType.hasPrefix("image/jpeg") || contentType.hasPrefix("image/png") {
            bytes = request.body
        } else {
            let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["content-type"])
            guard let part = parts.first(named: field) else {
                throw HTTPError.badRequest("multipart field '\(field)' with the image is required", code: "missing_file")
            }
            bytes = part.body
            filename = part.filename
        }
        guard !bytes.isEmpty else { throw HTTPError.badRequest("the uploaded file is empty", code: "empty_file") }
        return try validate(bytes, filename: filename, maxPixels: maxPixels)
    }

    /// Checks `bytes` are a JPEG or PNG within `maxPixels` and hashes them.
    static func validate(_ bytes: [UInt8], filename: String?, maxPixels: Int) throws -> ImageUpload {
        guard ImageDecoder.isSupported(bytes) else {
            throw HTTPError(status: 415, code: "not_jpeg", message: "only JPEG and PNG images are accepted")
        }
        let header = try ImageDecoder.readHeader(bytes, maxPixels: maxPixels)
        return ImageUpload(bytes: bytes, filename: filename, header: header, sha256: SHA256.hexDigest(bytes))
    }
}
