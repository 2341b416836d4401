import Testing
@testable import Gateway

/// A part as collected from parser events.
private struct CollectedPart: Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var body: [UInt8]
}

/// Feeds `pieces` and collects the parts, checking that events come in begin/chunk/end order.
private func collect(boundary: String, _ pieces: [[UInt8]], limits: MultipartLimits = MultipartLimits()) throws(HTTPError) -> [CollectedPart] {
    var parser = MultipartParser(boundary: boundary, limits: limits)
    var parts: [CollectedPart] = []
    var open = false
    for piece in pieces {
        for event in try parser.feed(piece) {
            switch event {
            case let .partBegin(_, name, filename, contentType):
                #expect(!open)
                open = true
                parts.append(CollectedPart(name: name, filename: filename, contentType: contentType, body: []))
            case let .bodyChunk(bytes):
                #expect(open)
                parts[parts.count - 1].body += bytes
            case .partEnd:
                #expect(open)
                open = false
            }
        }
    }
    try parser.finish()
    return parts
}

/// Deterministic bytes covering every value, with the traps a naive parser falls into mixed in.
private func binaryPayload(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = (0..<count).map { _ -> UInt8 in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
    bytes += Array(0...255)
    bytes += Array("\r\n--\r\n--roost-bound\r\n--roost-boundar\n--roost-boundarX--\r".utf8)
    return bytes
}

private func formBody(boundary: String, newline: String = "\r\n", file: [UInt8]) -> [UInt8] {
    let n = newline
    var body = Array("preamble text to ignore\(n)--\(boundary)\(n)".utf8)
    body += Array("Content-Disposition: form-data; name=\"caption\"\(n)\(n)a red fox; \"quoted\"\(n)--\(boundary)\(n)".utf8)
    body += Array("Content-Disposition: form-data; name=\"image\"; filename=\"fox \\\"1\\\".jpg\"\(n)Content-Type: image/jpeg\(n)\(n)".utf8)
    body += file
    body += Array("\(n)--\(boundary)\(n)Content-Disposition: form-data; name=\"empty\"\(n)\(n)\(n)--\(boundary)--\(n)epilogue, also ignored".utf8)
    return body
}

@Suite struct MultipartParserTests {
    private let boundary = "roost-boundary"

    private func expectForm(_ parts: [CollectedPart], file: [UInt8]) {
        #expect(parts.map(\.name) == ["caption", "image", "empty"])
        #expect(parts[0].body == Array("a red fox; \"quoted\"".utf8))
        #expect(parts[0].contentType == nil)
        #expect(parts[1].filename == "fox \"1\".jpg")
        #expect(parts[1].contentType == "image/jpeg")
        #expect(parts[1].body == file)
        #expect(parts[2].body.isEmpty)
    }

    @Test func parsesAtEverySplitPosition() throws {
        let file = binaryPayload(300, seed: 7)
        let body = formBody(boundary: boundary, file: file)
        for split in 0...body.count {
            expectForm(try collect(boundary: boundary, [Array(body[..<split]), Array(body[split...])]), file: file)
        }
        expectForm(try collect(boundary: boundary, body.map { [$0] }), file: file)
    }

    @Test func largeBinaryBodyInUnevenPieces() throws {
        let file = binaryPayload(3 << 20, seed: 99)
        let body = formBody(boundary: boundary, file: file)
        var pieces: [[UInt8]] = []
        var offset = 0
        var size = 1
        while offset < body.count {
            let end = min(body.count, offset + size)
            pieces.append(Array(body[offset..<end]))
            offset = end
            size = size * 3 % 70_001 + 1
        }
        expectForm(try collect(boundary: boundary, pieces), file: file)
    }

    @Test func wholeBodyIsParsedInPlaceWithoutCopies() throws {
        // An upload must not be held four times (issue 7 #7): fed whole, the body's storage is shared and
        // each chunk is a slice of it; MultipartForm then copies the part once.
        let file = binaryPayload(1 << 20, seed: 3)
        let body = formBody(boundary: boundary, file: file)
        var parser = MultipartParser(boundary: boundary)
        let events = try parser.feed(body)
        try parser.finish()
        let chunks = events.compactMap { event -> ArraySlice<UInt8>? in
            if case let .bodyChunk(bytes) = event { return bytes }
            return nil
        }
        #expect(chunks.count == 2, "one chunk per non-empty part")
        let fed = body.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) ..< UInt(bitPattern: $0.baseAddress! + $0.count) }
        for chunk in chunks {
            let address = chunk.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            #expect(fed.contains(address), "chunk bytes point into the fed body, not into a copy")
        }
        #expect(Array(chunks[1]) == file)
        expectForm(try MultipartForm.parse(body: body, contentType: "multipart/form-data; boundary=\(boundary)")
            .map { CollectedPart(name: $0.name, filename: $0.filename, contentType: $0.contentType, body: $0.body) }, file: file)
    }

    @Test func toleratesLFOnlyLineEndings() throws {
        let file = Array("line one\nline two".utf8)
        let body = formBody(boundary: boundary, newline: "\n", file: file)
        for split in stride(from: 0, through: body.count, by: 1) {
            expectForm(try collect(boundary: boundary, [Array(body[..<split]), Array(body[split...])]), file: file)
        }
    }

    @Test func bodyStartingWithBoundaryAndWhitespaceAfterIt() throws {
        let body = Array("--b \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--".utf8)
        #expect(try collect(boundary: "b", [body]) == [CollectedPart(name: "a", filename: nil, contentType: nil, body: Array("1".utf8))])
    }

    @Test func missingClosingBoundaryIsAnError() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nunfinished\r\n--b\r\n".utf8)
        let error = #expect(throws: HTTPError.self) { try collect(boundary: "b", [body]) }
        #expect(error?.status == 400)
        #expect(error?.message == "malformed multipart body: closing boundary missing")
        let noBoundary = #expect(throws: HTTPError.self) { try collect(boundary: "b", [Array("just text".utf8)]) }
        #expect(noBoundary?.message.contains("no boundary found") == true)
    }

    @Test func tooManyPartsAndOversizedHeadersAreRefused() {
        let part = "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n"
        let body = Array((String(repeating: part, count: 65) + "--b--\r\n").utf8)
        let error = #expect(throws: HTTPError.self) { try collect(boundary: "b", [body]) }
        #expect(error?.message == "malformed multipart body: more than 64 parts")
        let bigHeader = Array(("--b\r\nContent-Disposition: form-data; name=f\r\nX-Pad: " + String(repeating: "p", count: 9000) + "\r\n\r\nx\r\n--b--").utf8)
        #expect(throws: HTTPError.self) { try collect(boundary: "b", [bigHeader]) }
        #expect(throws: HTTPError.self) { try collect(boundary: "b", bigHeader.map { [$0] }) }
    }

    @Test func partsWithoutNameOrWithGarbageAfterBoundaryAreRefused() {
        #expect(throws: HTTPError.self) { try collect(boundary: "b", [Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8)]) }
        #expect(throws: HTTPError.self) { try collect(boundary: "b", [Array("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--".utf8)]) }
        #expect(throws: HTTPError.self) { try collect(boundary: "b", [Array("--bogus\r\n".utf8)]) }
    }

    @Test func boundaryComesFromTheContentType() throws {
        #expect(try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc123") == "abc123")
        #expect(try MultipartParser.boundary(fromContentType: "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b;c\"") == "a b;c")
        let missing = #expect(throws: HTTPError.self) { try MultipartParser.boundary(fromContentType: "multipart/form-data") }
        #expect(missing?.status == 400)
        #expect(missing?.message == "malformed multipart body: Content-Type has no boundary parameter")
        let wrongType = #expect(throws: HTTPError.self) { try MultipartParser.boundary(fromContentType: "application/json") }
        #expect(wrongType?.status == 415)
        #expect(throws: HTTPError.self) { try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) }
    }

    @Test func wholeFormConvenience() throws {
        let file = binaryPayload(5000, seed: 3)
        let parts = try MultipartForm.parse(body: formBody(boundary: boundary, file: file),
                                            contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(parts.first(named: "image")?.body == file)
        #expect(parts.first(named: "caption")?.text == "a red fox; \"quoted\"")
        #expect(parts.first(named: "missing") == nil)
        let noType = #expect(throws: HTTPError.self) { try MultipartForm.parse(body: [], contentType: nil) }
        #expect(noType?.status == 415)
        let rfc5987 = Array("--b\r\nContent-Disposition: form-data; name=f; filename=\"x\"; filename*=UTF-8''na%C3%AFve.jpg\r\n\r\n\r\n--b--".utf8)
        #expect(try MultipartForm.parse(body: rfc5987, contentType: "multipart/form-data; boundary=b").first?.filename == "naïve.jpg")
    }
}
