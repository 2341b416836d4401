// libFuzzer harness for the gateway's multipart/form-data parser (Sources/Gateway/HTTP/Multipart).
// Input: a Content-Type header value, a line feed, then the body. Built by scripts/fuzz.sh with
// the parser's source files. Any input must end in parts or an HTTPError, never a trap; and the
// streaming parser fed in small pieces must find exactly the parts the whole-body parse finds.

private let limits = MultipartLimits(maxParts: 8, maxPartHeaderBytes: 512)

/// One part, reduced to what the comparison needs.
private struct Part: Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var body: [UInt8]
}

/// Parses `body` fed in pieces of `pieceSize`, checking the begin/chunk/end order of events.
private func streamed(_ body: ArraySlice<UInt8>, boundary: String, pieceSize: Int) throws(HTTPError) -> [Part] {
    var parser = MultipartParser(boundary: boundary, limits: limits)
    var parts: [Part] = []
    var open = false
    var offset = body.startIndex
    while offset < body.endIndex {
        let end = min(body.endIndex, offset + pieceSize)
        for event in try parser.feed(body[offset..<end]) {
            switch event {
            case let .partBegin(_, name, filename, contentType):
                if open { fatalError("partBegin inside a part") }
                open = true
                parts.append(Part(name: name, filename: filename, contentType: contentType, body: []))
            case let .bodyChunk(bytes):
                if !open { fatalError("bodyChunk outside a part") }
                parts[parts.count - 1].body += bytes
            case .partEnd:
                if !open { fatalError("partEnd outside a part") }
                open = false
            }
        }
        offset = end
    }
    try parser.finish()
    return parts
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let lf = input.firstIndex(of: 0x0A) else { return 0 }
    let contentType = String(decoding: input[..<lf], as: UTF8.self)
    let body = input[(lf + 1)...]

    let whole: Result<[Part], HTTPError> = Result { () throws(HTTPError) in
        try MultipartForm.parse(body: Array(body), contentType: contentType, limits: limits)
            .map { Part(name: $0.name, filename: $0.filename, contentType: $0.contentType, body: $0.body) }
    }
    guard let boundary = try? MultipartParser.boundary(fromContentType: contentType) else {
        if case .success = whole { fatalError("whole-body parse accepted a Content-Type without a boundary") }
        return 0
    }
    let pieceSize = 1 + Int(body.count % 7)
    let pieces = Result { () throws(HTTPError) in try streamed(body, boundary: boundary, pieceSize: pieceSize) }
    switch (whole, pieces) {
    case let (.success(a), .success(b)) where a == b: break
    case let (.failure(a), .failure(b)) where a.status == b.status: break
    default: fatalError("whole vs pieces of \(pieceSize) differ:\n\(whole)\n---\n\(pieces)")
    }
    return 0
}
