import Foundation
import Testing
@testable import Gateway

/// What the upload handler saw, shared with the test thread.
private final class UploadBox: @unchecked Sendable {
    // @unchecked Sendable: all fields are only touched under `lock`.
    private let lock = NSLock()
    private var parts: [MultipartPart] = []
    private var expect: String?
    func store(_ parts: [MultipartPart], expect: String?) { lock.withLock { self.parts = parts; self.expect = expect } }
    var snapshot: (parts: [MultipartPart], expect: String?) { lock.withLock { (parts, expect) } }
}

/// Runs curl with `arguments`; returns its exit status and standard output.
private func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-sS", "--max-time", "30"] + arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs curl"))
struct HTTPCurlTests {
    @Test func curlMultipartUploadOf2MBArrivesExactly() throws {
        var state: UInt64 = 0x5EED
        let file = (0..<(2 << 20)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-http-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("photo.jpg").path
        try Data(file).write(to: URL(fileURLWithPath: path))

        let box = UploadBox()
        let router = Router()
        router.add("POST", "/upload", bodyLimit: 8 << 20) { request in
            let parts = try MultipartForm.parse(body: request.body, contentType: request.headers["Content-Type"])
            box.store(parts, expect: request.headers["Expect"])
            return .json(202, ["bytes": .int(parts.first(named: "image")?.body.count ?? -1)])
        }
        router.add("PUT", "/raw", bodyLimit: 8 << 20) { request in .text(200, "\(request.body.count)") }
        let server = try TestHTTPServer(router: router)
        let base = "http://127.0.0.1:\(server.port)"

        let upload = try curl(["-F", "image=@\(path);type=image/jpeg", "-F", "caption=red fox", "-w", " %{http_code}", base + "/upload"])
        #expect(upload.status == 0)
        #expect(upload.output == #"{"bytes":2097152} 202"#)
        let seen = box.snapshot
        #expect(seen.expect?.lowercased() == "100-continue", "curl asks for 100-continue on large uploads")
        #expect(seen.parts.first(named: "image")?.body == file)
        #expect(seen.parts.first(named: "image")?.filename == "photo.jpg")
        #expect(seen.parts.first(named: "image")?.contentType == "image/jpeg")
        #expect(seen.parts.first(named: "caption")?.text == "red fox")

        let chunked = try curl(["-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(path)", base + "/raw"])
        #expect(chunked.status == 0 && chunked.output == "2097152")

        // Unrouted paths get the default 1 MiB limit, so a 2 MB body is refused before it is read.
        let tooBig = try curl(["-X", "PUT", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@\(path)", base + "/nowhere"])
        #expect(tooBig.output == "413")
    }
}
