import Testing
@testable import Shared

/// EXIF orientation: read from APP1 (both byte orders) and applied in Swift.
///
/// The eagle-orient* fixtures are eagle-marked.jpg (a red square top-left, a blue one
/// top-right) stored rotated, with an EXIF orientation that turns them upright again.
@Suite struct JPEGOrientationTests {
    @Test(arguments: [(6, "eagle-orient6"), (3, "eagle-orient3"), (8, "eagle-orient8")])
    func orientedPhotoComesOutUpright(orientation: Int, name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let header = try JPEGDecoder.readHeader(bytes)
        #expect(header.orientation == orientation)
        #expect(header.orientedWidth == 773 && header.orientedHeight == 512)
        let image = try JPEGDecoder.decode(bytes).image
        #expect(image.width == 773 && image.height == 512)
        #expect(Self.isRed(image.pixel(x: 10, y: 10)), "top-left should be red: \(image.pixel(x: 10, y: 10))")
        #expect(Self.isBlue(image.pixel(x: 762, y: 10)), "top-right should be blue: \(image.pixel(x: 762, y: 10))")
        // Same picture as the upright original, up to re-encoding noise.
        let upright = try JPEGDecoder.decode(Fixtures.bytes("eagle-marked")).image
        let difference = JPEGDecoderTests.meanAbsoluteDifference(image.pixels, upright.pixels)
        #expect(difference.max() ?? 99 < 3.0, "\(difference)")
    }

    @Test func orientationSixSwapsSidesAndCanBeLeftUnapplied() throws {
        let bytes = try Fixtures.bytes("eagle-orient6")
        let header = try JPEGDecoder.readHeader(bytes)
        #expect(header.width == 512 && header.height == 773 && header.swapsSides)
        let stored = try JPEGDecoder.decode(bytes, options: DecodeOptions(applyOrientation: false)).image
        #expect(stored.width == 512 && stored.height == 773)
        // Stored turned a quarter counter-clockwise: the upright top-left corner is bottom-left.
        #expect(Self.isRed(stored.pixel(x: 10, y: 762)))
        #expect(Self.isBlue(stored.pixel(x: 10, y: 10)))
    }

    @Test func eachOrientationIsUndoneByItsInverse() {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0) })
        let inverse = [1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6]
        for (orientation, undo) in inverse {
            let turned = image.oriented(orientation)
            #expect(turned.width == (orientation >= 5 ? 2 : 3))
            #expect(turned.oriented(undo).pixels == image.pixels, "orientation \(orientation)")
        }
        // Orientation 6 is a quarter turn clockwise: the stored bottom-left pixel (index 3) lands top-left.
        let six = image.oriented(6)
        #expect(six.pixel(x: 0, y: 0) == (9, 10, 11) && six.pixel(x: 1, y: 0) == (0, 1, 2))
    }

    @Test func exifInBothByteOrdersAndMalformedExifAreHandled() throws {
        let eagle = try Fixtures.bytes("eagle")
        func withApp1(_ payload: [UInt8]) -> [UInt8] {
            let length = payload.count + 2
            return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + eagle[2...]
        }
        func exif(_ tiff: [UInt8]) -> [UInt8] { Array("Exif".utf8) + [0, 0] + tiff }
        let motorola = exif([0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0])
        let intel = exif([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0])
        #expect(try JPEGDecoder.readHeader(withApp1(motorola)).orientation == 5)
        #expect(try JPEGDecoder.readHeader(withApp1(intel)).orientation == 7)
        // Entry count far beyond the segment, IFD offset past the end, orientation 9: all mean "none".
        let tooMany = exif([0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0xFF, 0xFF, 0x01, 0x12, 0, 3])
        let badOffset = exif([0x49, 0x49, 42, 0, 0xF0, 0xFF, 0xFF, 0x7F, 0, 0])
        let badValue = exif([0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0])
        for payload in [tooMany, badOffset, badValue, exif([]), Array("Exif".utf8)] {
            #expect(try JPEGDecoder.readHeader(withApp1(payload)).orientation == 1)
        }
    }

    static func isRed(_ p: (r: UInt8, g: UInt8, b: UInt8)) -> Bool { p.r > 200 && p.g < 60 && p.b < 60 }
    static func isBlue(_ p: (r: UInt8, g: UInt8, b: UInt8)) -> Bool { p.b > 200 && p.r < 60 && p.g < 60 }
}
