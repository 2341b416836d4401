import Foundation
import Testing
@testable import Shared

/// PNG uploads through the job API: accepted by the gateway, decoded by the workers' own decoder.
@Suite(.serialized) struct PNGUploadTests {
    @Test func aPNGIsProbedAndClassifiedLikeAJPEG() throws {
        let cluster = try Cluster(environment: ["ROOST_WORKER_KINDS": "probe,classify", "ROOST_WORKER_THREADS": "1"])
        defer { withExtendedLifetime(cluster) {} }  // optimised builds may end lifetimes early
        try cluster.startGateway()
        try cluster.startWorker()
        let client = try TestClient(port: cluster.httpPort)
        let png = [UInt8](try Data(contentsOf: PNGDecoderTests.pngDirectory.appendingPathComponent("chelsea-palette-trns-adam7.png")))
        let probe = try client.upload("/jobs/probe", file: png, filename: "cat.png")
        #expect(probe.status == 202, "\(probe.text)")
        let probed = try client.terminalStatus(of: try #require(probe.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(probed["state"]?.stringValue == "succeeded", "\(probed)")
        #expect(probed["result"]?["width"]?.intValue == 451)
        #expect(probed["result"]?["height"]?.intValue == 300)
        // The mean colour is Pillow's, to the rounding the probe reports.
        let reference = [UInt8](try Data(contentsOf: PNGDecoderTests.referenceDirectory.appendingPathComponent("chelsea-palette-trns-adam7.rgb")))
        let redMean = Double(stride(from: 0, to: reference.count, by: 3).reduce(0) { $0 + Int(reference[$1]) }) / Double(reference.count / 3)
        let reported = try #require(probed["result"]?["mean_rgb"]?.arrayValue?.first?.doubleValue)
        #expect(abs(reported - redMean) < 0.01)

        let real = [UInt8](try Data(contentsOf: PNGDecoderTests.pngDirectory.appendingPathComponent("chelsea.png")))
        let classify = try client.upload("/jobs/classify", file: real, filename: "chelsea.png")
        let classified = try client.terminalStatus(of: try #require(classify.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(classified["result"]?["category"]?.stringValue == "cat", "\(classified)")

        var broken = real
        broken.removeLast(broken.count / 2)
        let truncated = try client.upload("/jobs/probe", file: broken, filename: "half.png")
        let failed = try client.terminalStatus(of: try #require(truncated.jsonBody["id"]?.stringValue), timeout: 60)
        #expect(failed["state"]?.stringValue == "failed")
        #expect(failed["error"]?["code"]?.stringValue == "truncated_png")
    }
}
