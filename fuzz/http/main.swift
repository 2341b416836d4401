// libFuzzer harness for the gateway's HTTP/1.1 request parser (Sources/Gateway/HTTP/Parsing).
// Built by scripts/fuzz.sh together with the parser's source files, so the parser's internal
// types are visible here. Any byte sequence must end in events or an HTTPError, never a trap;
// and the same bytes fed in pieces must give exactly what they give fed at once, because a
// parser whose result depends on how TCP split the stream is a request-smuggling risk.

/// The parser's small limits, so that fuzzed inputs reach every limit check.
private let limits = HTTPParserLimits(maxHeaderBytes: 2_048, maxHeaderCount: 16, maxChunkLineBytes: 64)
private let bodyLimit = 4_096

/// Feeds `bytes` in pieces of `pieceSize` (everything at once when nil) and describes every
/// event and the final error, one line each.
private func transcript(_ bytes: ArraySlice<UInt8>, pieceSize: Int?) -> [String] {
    var parser = HTTPRequestParser(bodyLimit: bodyLimit, limits: limits)
    var lines: [String] = []
    var offset = bytes.startIndex
    repeat {
        let end = pieceSize.map { min(bytes.endIndex, offset + $0) } ?? bytes.endIndex
        parser.append(bytes[offset..<end])
        offset = end
        do {
            while let event = try parser.next() {
                switch event {
                case let .head(head):
                    if case let .length(n) = head.framing, n < 0 { fatalError("negative Content-Length \(n)") }
                    lines.append("head \(head.method) \(head.target) 1.\(head.minorVersion) \(head.framing) "
                                 + "keepAlive=\(head.keepAlive) continue=\(head.expectsContinue) "
                                 + "path=\(head.decodedTarget.path) fields=\(head.headers.all.count)")
                case let .end(body):
                    if body.count > bodyLimit { fatalError("body of \(body.count) bytes passed the \(bodyLimit)-byte limit") }
                    lines.append("end \(body.count) \(body.reduce(0) { $0 &* 31 &+ Int($1) })")
                }
            }
        } catch {
            lines.append("error \(error.status) \(error.code)")
            return lines
        }
    } while offset < bytes.endIndex
    if parser.bufferedByteCount < 0 { fatalError("negative buffered byte count") }
    return lines
}

/// The first byte picks the piece size (1...16); the rest is the stream a client sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let stream = input[1...]
    let whole = transcript(stream, pieceSize: nil)
    let pieces = transcript(stream, pieceSize: Int(input[0] % 16) + 1)
    // Fed whole, the parser may stop at an error a piecewise run reaches identically; anything else must match.
    guard whole == pieces else {
        fatalError("fed whole vs in pieces of \(Int(input[0] % 16) + 1):\n\(whole)\n---\n\(pieces)")
    }
    return 0
}
