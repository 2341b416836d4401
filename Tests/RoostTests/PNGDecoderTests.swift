import Foundation
import Testing
@testable import Shared

/// The PNG decoder against Pillow, on real photos and variants of them covering every colour
/// type, bit depth, Adam7 and tRNS (scripts/make_png_fixtures.py writes both).
@Suite struct PNGDecoderTests {
    static var pngDirectory: URL { Fixtures.directory.appendingPathComponent("png") }
    static var referenceDirectory: URL { Fixtures.directory.appendingPathComponent("reference/png") }
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: pngDirectory.path)) ?? [])
        .filter { $0.hasSuffix(".png") }.map { String($0.dropLast(4)) }.sorted()

    @Test func everyFixtureIsThere() { #expect(Self.names.count >= 22) }

    @Test(arguments: names)
    func decodesToPillowsPixels(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.pngDirectory.appendingPathComponent(name + ".png")))
        let decoded = try PNGDecoder.decode(bytes)
        let expected = [UInt8](try Data(contentsOf: Self.referenceDirectory.appendingPathComponent(name + ".rgb")))
        #expect(decoded.image.pixels.count == expected.count)
        let differing = zip(decoded.image.pixels, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(name): \(differing) of \(expected.count) bytes differ")
        let alphaURL = Self.referenceDirectory.appendingPathComponent(name + ".alpha")
        if FileManager.default.fileExists(atPath: alphaURL.path) {
            #expect(decoded.alpha == [UInt8](try Data(contentsOf: alphaURL)), "\(name) alpha")
        }
    }

    func code(_ bytes: [UInt8], maxPixels: Int = 40_000_000) -> String? {
        do { _ = try PNGDecoder.decode(bytes, maxPixels: maxPixels); return nil } catch { return error.code }
    }

    func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.pngDirectory.appendingPathComponent(name + ".png")))
    }

    @Test func thePixelLimitIsCheckedFromTheHeaderBeforeInflating() throws {
        #expect(code(try fixture("chelsea"), maxPixels: 451 * 300 - 1) == "image_too_large")
        #expect(code(try fixture("chelsea"), maxPixels: 451 * 300) == nil)
    }

    @Test func corruptAndTruncatedFilesAreClearErrors() throws {
        let good = try fixture("chelsea-adam7")
        #expect(code(Array(good.prefix(good.count / 2))) == "truncated_png")
        #expect(code(Array(good.dropLast(12))) == "truncated_png", "IEND missing")
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        #expect(code(flipped) == "corrupt_png", "CRC catches a flipped bit")
        #expect(code(Array("not a png at all".utf8)) == "not_png")
    }

    @Test func aDecompressionBombStopsAtTheSizeTheHeaderImplies() throws {
        // A 16×16 gray image whose IDAT inflates to 64 MiB of zeros: refused without inflating it all.
        var idat = [UInt8]([0x78, 0x01])
        let block = [UInt8](repeating: 0, count: 65535)
        for i in 0..<1024 {
            idat += [i == 1023 ? 1 : 0, 0xFF, 0xFF, 0x00, 0x00] + block  // stored blocks
        }
        idat += [0, 0, 0, 1]  // Adler-32 (not reached)
        let png = PNGTestFile.make(width: 16, height: 16, bitDepth: 8, colorType: 0, idat: idat)
        #expect(code(png) == "corrupt_png")
    }
}

/// Builds minimal PNG files for tests.
enum PNGTestFile {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = CRC32.checksum((typeBytes + data)[...])
        return be32(data.count) + typeBytes + data + be32(Int(crc))
    }

    static func be32(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    static func make(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, idat: [UInt8]) -> [UInt8] {
        PNGHeader.signature + chunk("IHDR", be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0])
            + chunk("IDAT", idat) + chunk("IEND", [])
    }
}

/// Inflate against streams made by Python's zlib (stored, fixed and dynamic blocks).
@Suite struct InflateTests {
    @Test func zlibStreamsOfEveryBlockTypeRoundTrip() throws {
        let reference = try Fixtures.bytes("eagle")
        // A PNG's IDAT is a zlib stream of real data: the fixtures above cover dynamic blocks; here
        // a stored block and an empty fixed block, built by hand.
        let stored: [UInt8] = [0x78, 0x01, 0x01, 0x05, 0x00, 0xFA, 0xFF] + Array("hello".utf8) + PNGTestFile.be32(Int(Adler32.checksum(Array("hello".utf8))))
        #expect(try Zlib.decompress(stored, maxOutput: 5) == Array("hello".utf8))
        #expect(throws: InflateError.outputLimit(4)) { try Zlib.decompress(stored, maxOutput: 4) }
        let emptyFixed: [UInt8] = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        #expect(try Zlib.decompress(emptyFixed, maxOutput: 0) == [])
        var badChecksum = stored
        badChecksum[badChecksum.count - 1] ^= 1
        #expect(throws: InflateError.checksum("zlib Adler-32")) { try Zlib.decompress(badChecksum, maxOutput: 5) }
        #expect(!reference.isEmpty)
    }
}
