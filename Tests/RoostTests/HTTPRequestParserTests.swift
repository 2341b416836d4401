import Testing
@testable import Gateway

/// A request as the parser delivered it: head plus body.
private struct Parsed {
    let head: HTTPRequestHead
    let body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Feeds `chunks` one after another and collects every complete request.
private func parse(_ chunks: [[UInt8]], bodyLimit: Int = 1 << 20, limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPError) -> [Parsed] {
    var parser = HTTPRequestParser(bodyLimit: bodyLimit, limits: limits)
    var out: [Parsed] = []
    var head: HTTPRequestHead?
    for chunk in chunks {
        parser.append(chunk)
        while let event = try parser.next() {
            switch event {
            case let .head(h): head = h
            case let .end(body): out.append(Parsed(head: head!, body: body)); head = nil
            }
        }
    }
    return out
}

private func parse(_ text: String, bodyLimit: Int = 1 << 20, limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPError) -> [Parsed] {
    try parse([Array(text.utf8)], bodyLimit: bodyLimit, limits: limits)
}

/// The status the parser refuses `text` with, or nil when it accepts it.
private func refusal(_ text: String, bodyLimit: Int = 1 << 20, limits: HTTPParserLimits = HTTPParserLimits()) -> Int? {
    do { _ = try parse(text, bodyLimit: bodyLimit, limits: limits); return nil } catch { return error.status }
}

@Suite struct HTTPRequestParserTests {
    @Test func parsesRequestLineHeadersAndQuery() throws {
        let requests = try parse("GET /v1/jobs/a%20b?q=red+fox&x=%41&q=second HTTP/1.1\r\nHost: roost\r\nX-Trace: 1\r\nx-trace: 2\r\n\r\n")
        #expect(requests.count == 1)
        let head = try #require(requests.first).head
        #expect(head.method == "GET")
        #expect(head.target == "/v1/jobs/a%20b?q=red+fox&x=%41&q=second")
        #expect(head.decodedTarget.path == "/v1/jobs/a b")
        #expect(head.decodedTarget.query == ["q": "red fox", "x": "A"])
        #expect(head.headers["X-TRACE"] == "1")
        #expect(head.headers.values("x-trace") == ["1", "2"])
        #expect(head.keepAlive)
        #expect(head.framing == .none)
    }

    @Test func pipelinedPairParsesAtEverySplitPointAndByteByByte() throws {
        let pair = Array(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"
            + "PUT /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n").utf8)
        func check(_ requests: [Parsed]) {
            #expect(requests.map(\.head.method) == ["POST", "PUT"])
            #expect(requests.map(\.bodyText) == ["hello world", "hello world"])
        }
        for split in 0...pair.count {
            check(try parse([Array(pair[..<split]), Array(pair[split...])]))
        }
        check(try parse(pair.map { [$0] }))
    }

    @Test func keepAliveFollowsVersionAndConnectionHeader() throws {
        #expect(try parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n")[0].head.keepAlive)
        #expect(try !parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")[0].head.keepAlive)
        #expect(try !parse("GET / HTTP/1.0\r\n\r\n")[0].head.keepAlive)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")[0].head.keepAlive)
    }

    @Test func contentLengthMustBeUnambiguous() {
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") == nil)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc") == nil)
    }

    @Test func chunkedBodiesWithExtensionsAndTrailers() throws {
        let body = try parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;ext=1;q=\"x\"\r\nWiki\r\n5 ; y\r\npedia\r\n00E\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-Check: 1\r\n\r\n")
        #expect(body[0].bodyText == "Wikipedia in\r\n\r\nchunks.")
    }

    @Test func chunkedFramingErrorsAreRefused() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(refusal(head + "FFFFFFFFFFFFFFFFF\r\n") == 400)       // 17 hex digits: overflow
        #expect(refusal(head + "8000000000000000\r\n") == 400)        // Int.max + 1
        #expect(refusal(head + "\r\n") == 400)                        // missing size
        #expect(refusal(head + "zz\r\n") == 400)
        #expect(refusal(head + "3\r\nabcX\r\n0\r\n\r\n") == 400)      // data not followed by CRLF
        #expect(refusal(head + "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501)
    }

    @Test func chunkedFramingNeedsCRLFEverywhere() {
        // A bare LF is where a proxy and Roost could disagree on where a request ends.
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(refusal(head + "3\nabc\r\n0\r\n\r\n") == 400)        // size line ended by LF
        #expect(refusal(head + "3\r\nabc\n0\r\n\r\n") == 400)        // data ended by LF
        #expect(refusal(head + "3\r\nabc\r\n0\n\r\n") == 400)        // last chunk line ended by LF
        #expect(refusal(head + "3\r\nabc\r\n0\r\nX: 1\n\r\n") == 400)  // trailer ended by LF
        #expect(refusal(head + "3\r\nabc\r\n0\r\n\n") == 400)        // final empty line as bare LF
        #expect(refusal(head + "3\r\nabc\r\n0\r\n\r\n") == nil)
    }

    @Test func transferEncodingOnHTTP10IsRefused() {
        #expect(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") == 400)
        #expect(refusal("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc") == nil)
    }

    @Test func bodyLimitIsCheckedBeforeReadingAndWhileAccumulatingChunks() throws {
        // Only the head is fed: the declared length alone earns the 413.
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", bodyLimit: 100) == 413)
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + String(repeating: "x", count: 100), bodyLimit: 100) == nil)
        let chunk = "32\r\n" + String(repeating: "y", count: 50) + "\r\n"
        let chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(refusal(chunked + chunk + chunk + "0\r\n\r\n", bodyLimit: 100) == nil)
        #expect(refusal(chunked + chunk + chunk + chunk, bodyLimit: 100) == 413)
    }

    @Test func perRequestBodyLimitCanBeSetAfterTheHead() throws {
        var parser = HTTPRequestParser(bodyLimit: 10)
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n01234567890123456789".utf8))
        guard case .head? = try parser.next() else { Issue.record("no head"); return }
        parser.bodyLimit = 64
        guard case let .end(body)? = try parser.next() else { Issue.record("no body"); return }
        #expect(body.count == 20)
        #expect(parser.isIdle)
    }

    @Test func expectContinueIsDetected() throws {
        let head = try parse([Array("PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n".utf8)])
        #expect(head.isEmpty) // body not here yet
        var parser = HTTPRequestParser(bodyLimit: 100)
        parser.append(Array("PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case let .head(h)? = try parser.next() else { Issue.record("no head"); return }
        #expect(h.expectsContinue && h.hasBody)
        #expect(try parser.next() == nil)
        parser.append(Array("ok".utf8))
        guard case let .end(body)? = try parser.next() else { Issue.record("no body"); return }
        #expect(body == Array("ok".utf8))
    }

    @Test func headerLimitsGive431() {
        let limits = HTTPParserLimits(maxHeaderBytes: 200, maxHeaderCount: 5)
        let many = (0..<6).map { "X-\($0): v\r\n" }.joined()
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\n" + many + "\r\n", limits: limits) == 431)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 300) + "\r\n\r\n", limits: limits) == 431)
        // An endless head without its empty line is refused as soon as it passes the limit.
        #expect(refusal("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "b", count: 300), limits: limits) == 431)
        let trailers = (0..<6).map { "T-\($0): v\r\n" }.joined()
        #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailers + "\r\n", limits: limits) == 431)
    }

    @Test func bareLFIsAcceptedAndObsFoldRefused() throws {
        let requests = try parse("POST /lf HTTP/1.1\nHost: a\nContent-Length: 2\n\nokGET /next HTTP/1.1\nHost: a\n\n")
        #expect(requests.map(\.head.decodedTarget.path) == ["/lf", "/next"])
        #expect(requests[0].bodyText == "ok")
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n  two\r\n\r\n") == 400)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nX-Bad: a\rb\r\n\r\n") == 400)
        #expect(refusal("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == 400)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n") == 400)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nX-Nul: a\u{0}b\r\n\r\n") == 400)
    }

    @Test func invalidRequestLinesAreRefused() {
        #expect(refusal("G@T / HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("GET relative HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("GET / HTTP/1.1x\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505)
        #expect(refusal("GET / HTTP/1.1\r\n\r\n") == 400)                     // no Host
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400)
        #expect(refusal("GET * HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
        #expect(refusal("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n") == nil)
    }

    @Test func absoluteFormTargetIsTolerated() throws {
        let head = try parse("GET http://roost.example:8080/v1/health?verbose=1 HTTP/1.1\r\nHost: roost.example\r\n\r\n")[0].head
        #expect(head.decodedTarget.path == "/v1/health")
        #expect(head.decodedTarget.query["verbose"] == "1")
        #expect(try parse("GET HTTPS://roost.example HTTP/1.1\r\nHost: x\r\n\r\n")[0].head.decodedTarget.path == "/")
    }

    @Test func emptyLinesBeforeTheRequestLineAreIgnored() throws {
        let requests = try parse("\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(requests.map(\.head.decodedTarget.path) == ["/after"])
    }

    @Test func consumedByteCountCoversEachRequest() throws {
        var parser = HTTPRequestParser(bodyLimit: 100)
        let first = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        parser.append(Array((first + "GET / HTTP/1.1\r\nHost: a\r\n\r\n").utf8))
        _ = try parser.next()
        _ = try parser.next()
        #expect(parser.consumedByteCount == first.utf8.count)
        #expect(!parser.isIdle)
    }

    /// The event loop reads a `Content-Length` body straight into the body once nothing else is
    /// buffered: the body delivered is every byte sent, in order, whatever the pieces, and the
    /// pipelined request after it still parses from the buffer.
    @Test func bodyReceivedStraightIntoItsPlaceArrivesWhole() throws {
        var generator = SystemRandomNumberGenerator()
        let body = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let head = Array("POST /jobs/classify HTTP/1.1\r\nHost: r\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        let next = Array("GET /heartbeat HTTP/1.1\r\nHost: r\r\n\r\n".utf8)
        var parser = HTTPRequestParser(bodyLimit: 1 << 20)
        #expect(parser.receiveBody { _ in Issue.record("no body yet"); return 0 } == nil)
        parser.append(head + body[0..<1000])
        guard case .head = try parser.next() else { Issue.record("no head"); return }
        #expect(try parser.next() == nil)
        var sent = 1000
        var pieces = 0
        while sent < body.count {
            let piece = min(body.count - sent, [1, 7, 4096, 65_536, 70_001][pieces % 5])
            let n = parser.receiveBody { room in
                #expect(room.count <= body.count - sent)
                let count = min(piece, room.count)
                body[sent..<sent + count].withUnsafeBytes { room.copyMemory(from: $0) }
                return count
            }
            #expect(n != nil && n! > 0)
            sent += n ?? piece
            pieces += 1
            if sent < body.count { #expect(try parser.next() == nil) }
        }
        #expect(parser.receiveBody { _ in Issue.record("body complete"); return 0 } == nil)
        guard case let .end(received) = try parser.next() else { Issue.record("no end"); return }
        #expect(received == body)
        #expect(parser.consumedByteCount == head.count + body.count)
        parser.append(next)
        guard case let .head(second) = try parser.next() else { Issue.record("no second head"); return }
        #expect(second.target == "/heartbeat")
        // A receive that got nothing (would block) changes nothing.
        var idle = HTTPRequestParser(bodyLimit: 100)
        idle.append(Array("POST / HTTP/1.1\r\nHost: r\r\nContent-Length: 3\r\n\r\n".utf8))
        _ = try idle.next(); _ = try idle.next()
        #expect(idle.receiveBody { _ in -1 } == -1)
        idle.append(Array("abc".utf8))
        #expect(idle.receiveBody { _ in Issue.record("bytes are buffered"); return 0 } == nil)
        guard case let .end(abc) = try idle.next() else { Issue.record("no end"); return }
        #expect(abc == Array("abc".utf8))
    }
}
