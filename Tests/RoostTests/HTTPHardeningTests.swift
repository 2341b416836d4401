import Foundation
import Testing
@testable import Gateway
import Shared

/// Details of the HTTP front that matter under attack or at shutdown.
@Suite struct HTTPHardeningTests {
    @Test func unknownMethodsShareOneMetricsLabel() {
        let metrics = GatewayMetrics()
        for method in ["GET", "BREW", "PROPFIND", "X\(UUID().uuidString)"] {
            metrics.record(RequestRecord(route: "unmatched", method: method, path: "/", status: 405, bytesIn: 10, bytesOut: 10,
                                         duration: 0.001, remoteAddress: "127.0.0.1:1"))
        }
        var text = ""
        metrics.renderHTTP(into: &text)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("roost_http_requests_total{") }
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains("method=\"other\"") && $0.hasSuffix(" 3") })
        #expect(!text.contains("BREW"))
    }

    @Test func theListeningSocketNeverBlocksInAccept() throws {
        let listener = try ListeningSocket(host: "127.0.0.1", port: 0, backlog: 16)
        #expect(fcntl(listener.descriptor, F_GETFL) & O_NONBLOCK != 0)
        // Nothing pending: a non-blocking accept says so at once (a blocking one would hang here).
        #expect(try listener.accept() == nil)
    }
}

/// The code that reads untrusted input traps on a bad index or an overflow instead of reading
/// past a buffer: only the inference engine is built with `-Ounchecked`.
@Suite struct BuildChecksTests {
    @Test func sharedIsBuiltWithRunTimeChecks() {
        #expect(Shared.BuildChecks.areOn)
    }
}

/// libjpeg's own memory is capped per decode.
@Suite struct JPEGMemoryLimitTests {
    @Test func aProgressivePhotoOverTheDecoderMemoryCapFailsCleanly() throws {
        let bytes = try Fixtures.bytes("eagle-progressive")
        var options = DecodeOptions()
        #expect(try JPEGDecoder.decode(bytes, options: options).image.width > 0)
        options.maxDecoderMemory = 64 << 10
        do {
            _ = try JPEGDecoder.decode(bytes, options: options)
            Issue.record("decoded within a 64 KiB cap")
        } catch {
            #expect(error.code == "jpeg_memory_limit", "\(error.message)")
        }
    }
}
