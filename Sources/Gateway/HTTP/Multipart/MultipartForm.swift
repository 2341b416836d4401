/// One part of a multipart form, with its whole body.
struct MultipartPart: Sendable {
    /// The form field name.
    let name: String
    /// The file name the client gave, for file fields.
    let filename: String?
    /// The part's Content-Type, when it sent one.
    let contentType: String?
    /// All of the part's headers.
    let headers: HTTPHeaders
    /// The part's bytes, exactly as sent.
    var body: [UInt8]

    /// The body as UTF-8 text (invalid bytes replaced).
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Parses a whole `multipart/form-data` body at once, for handlers that already hold the body.
///
/// The parser works on the body's own storage; each part's bytes are copied once, into the part.
///
/// ```swift
/// let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["Content-Type"])
/// guard let image = parts.first(named: "image") else { throw HTTPError.badRequest("missing image") }
/// ```
enum MultipartForm {
    /// The parts of `body`; 415 when `contentType` is not multipart/form-data, 400 when the body is malformed.
    static func parse(body: [UInt8], contentType: String?, limits: MultipartLimits = MultipartLimits()) throws(HTTPError) -> [MultipartPart] {
        guard let contentType else { throw HTTPError.unsupportedMediaType("expected multipart/form-data, got no Content-Type") }
        var parser = MultipartParser(boundary: try MultipartParser.boundary(fromContentType: contentType), limits: limits)
        var parts: [MultipartPart] = []
        for event in try parser.feed(body) {
            switch event {
            case let .partBegin(headers, name, filename, type):
                parts.append(MultipartPart(name: name, filename: filename, contentType: type, headers: headers, body: []))
            case let .bodyChunk(bytes):
                // The whole body was fed at once, so each part arrives as one slice of it: one copy, no growth.
                if parts[parts.count - 1].body.isEmpty { parts[parts.count - 1].body = Array(bytes) }
                else { parts[parts.count - 1].body.append(contentsOf: bytes) }
            case .partEnd:
                break
            }
        }
        try parser.finish()
        return parts
    }
}

extension Array where Element == MultipartPart {
    /// The first part called `name`, or nil.
    func first(named name: String) -> MultipartPart? { first(where: { $0.name == name }) }
}
