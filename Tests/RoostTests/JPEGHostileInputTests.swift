import Foundation
import Testing
@testable import Shared

/// Broken and hostile uploads fail with the right `ImageError` code, quickly and without a crash.
@Suite struct JPEGHostileInputTests {
    @Test(arguments: ["eagle", "grace_hopper_512x512"])  // baseline and progressive
    func photoCutInHalfIsTruncated(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let half = Array(bytes[..<(bytes.count / 2)])
        #expect(try JPEGDecoder.readHeader(half).width > 0)  // the header itself is intact
        #expect(Self.errorCode { try JPEGDecoder.decode(half) } == "truncated_jpeg")
    }

    @Test func photoMissingOnlyItsEndMarkerIsTruncated() throws {
        // Strict on purpose, and the same as Pillow: Image.open(eagle[:-2]).load() raises
        // "image file is truncated".
        let bytes = try Fixtures.bytes("eagle")
        #expect(Array(bytes.suffix(2)) == [0xFF, 0xD9])
        #expect(Self.errorCode { try JPEGDecoder.decode(Array(bytes.dropLast(2))) } == "truncated_jpeg")
    }

    /// A frame header promising more pixels than the data holds (a photo's SOF patched to
    /// 8000×5000 over its 451×300 of data): libjpeg would fill the rest with grey and only warn.
    @Test func frameLargerThanItsDataIsTruncated() throws {
        for name in ["eagle", "eagle-progressive", "eagle-gray", "HappyFish"] {
            var bytes = try Fixtures.bytes(name)
            let sof = try #require(Self.startOfFrame(in: bytes))
            for (offset, value) in [(5, 5000), (7, 8000)] {
                bytes[sof + offset] = UInt8(value >> 8)
                bytes[sof + offset + 1] = UInt8(value & 0xFF)
            }
            #expect(try JPEGDecoder.readHeader(bytes).width == 8000)
            #expect(Self.errorCode { try JPEGDecoder.decode(bytes, options: DecodeOptions(maxPixels: 50_000_000)) } == "truncated_jpeg", "\(name)")
        }
        // The untouched photo still decodes.
        #expect(Self.errorCode { try JPEGDecoder.decode(try Fixtures.bytes("eagle")) } == nil)
    }

    @Test func randomBytesAndPNGAreNotJPEG() throws {
        var generator = SeededGenerator(seed: 42)
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let png = try Fixtures.bytes("raw/chelsea.png")
        for bytes in [random, png, [], [0xFF], [0xFF, 0xD8]] {
            #expect(!JPEGDecoder.isJPEG(bytes))
            #expect(Self.errorCode { try JPEGDecoder.readHeader(bytes) } == "not_jpeg")
            #expect(Self.errorCode { try JPEGDecoder.decode(bytes) } == "not_jpeg")
        }
    }

    @Test func jpegCutRightAfterItsSignatureIsAnError() throws {
        let eagle = try Fixtures.bytes("eagle")
        for length in [3, 4, 5, 6, 20, 200] {
            let cut = Array(eagle[..<length])
            #expect(throws: ImageError.self) { try JPEGDecoder.readHeader(cut) }
            #expect(throws: ImageError.self) { try JPEGDecoder.decode(cut) }
        }
    }

    @Test func headerClaimingSixtyThousandSquaredIsRefusedFromTheHeader() throws {
        var bytes = try Fixtures.bytes("eagle")
        let sof = try #require(Self.startOfFrame(in: bytes))
        for offset in [5, 7] {  // height, then width, big-endian after length and precision
            bytes[sof + offset] = UInt8(60000 >> 8)
            bytes[sof + offset + 1] = UInt8(60000 & 0xFF)
        }
        // Refused from the header: nothing of the 3.6-gigapixel frame is allocated or decoded.
        #expect(Self.errorCode { try JPEGDecoder.readHeader(bytes) } == "image_too_large")
        #expect(Self.errorCode { try JPEGDecoder.decode(bytes) } == "image_too_large")
        // The limit in the options is what counts, to the pixel.
        #expect(Self.errorCode { try JPEGDecoder.decode(bytes, options: DecodeOptions(maxPixels: 3_599_999_999)) }
                == "image_too_large")
    }

    @Test func singleByteMutationsNeverCrash() throws {
        // 2,000 mutations of a small baseline photo and 300 of a progressive one: each either
        // decodes or throws ImageError. The pixel cap keeps a mutated size from costing seconds.
        var generator = SeededGenerator(seed: 7)
        var outcomes: [String: Int] = [:]
        for (name, rounds) in [("HappyFish", 2000), ("grace_hopper_512x512", 300)] {
            let original = try Fixtures.bytes(name)
            for _ in 0..<rounds {
                var mutated = original
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                do {
                    _ = try JPEGDecoder.readHeader(mutated, maxPixels: 4_000_000)
                    let decoded = try JPEGDecoder.decode(mutated, options: DecodeOptions(maxPixels: 4_000_000))
                    #expect(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
                    outcomes["decoded", default: 0] += 1
                } catch {
                    outcomes[error.code, default: 0] += 1
                }
            }
        }
        #expect(outcomes.values.reduce(0, +) == 2300)
        #expect(outcomes["decoded", default: 0] > 1000, "\(outcomes)")
        print("JPEG mutation outcomes: \(outcomes.sorted { $0.key < $1.key })")
    }

    /// The `ImageError` code `body` throws, or nil when it succeeds (messages carry details
    /// that may change, codes do not).
    static func errorCode<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as ImageError {
            return error.code
        } catch {
            return "not an ImageError: \(error)"
        }
    }

    /// Offset of the first SOF0/SOF2 marker (FF C0 / FF C2) in a JPEG.
    static func startOfFrame(in bytes: [UInt8]) -> Int? {
        (0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) }
    }
}
