import Foundation
import Testing
@testable import Shared

/// The JPEG encoder (libjpeg through the shim) and the area-average shrink behind the web sizes.
@Suite struct JPEGEncoderTests {
    @Test func anEncodedPhotoDecodesBackCloseToItsPixels() throws {
        let photo = try ImageDecoder.decode(try Fixtures.bytes("chelsea"), options: DecodeOptions()).image
        for quality in [50, 85, 95] {
            let jpeg = try JPEGEncoder.encode(photo, quality: quality)
            #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]) && jpeg.suffix(2).elementsEqual([0xFF, 0xD9]))
            let back = try ImageDecoder.decode(jpeg, options: DecodeOptions()).image
            #expect(back.width == photo.width && back.height == photo.height)
            let meanError = zip(back.pixels, photo.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(photo.pixels.count)
            #expect(meanError < (quality >= 85 ? 3.0 : 6.0), "quality \(quality): mean abs error \(meanError)")
        }
        let small = try JPEGEncoder.encode(photo, quality: 50), large = try JPEGEncoder.encode(photo, quality: 95)
        #expect(small.count < large.count)
        #expect(throws: ImageError.self) { try JPEGEncoder.encode(RGBImage(width: 0, height: 0, pixels: [])) }
    }

    @Test func shrinkingAveragesExactlyTheAreaEachPixelCovers() throws {
        // A 4× enlargement (each pixel a 4×4 block) shrinks back to the original exactly.
        let photo = try ImageDecoder.decode(try Fixtures.bytes("chelsea"), options: DecodeOptions()).image.shrunk(toFit: 60)
        var big = [UInt8](repeating: 0, count: photo.width * 4 * photo.height * 4 * 3)
        for y in 0..<(photo.height * 4) {
            for x in 0..<(photo.width * 4) {
                let p = photo.pixel(x: x / 4, y: y / 4)
                let o = (y * photo.width * 4 + x) * 3
                big[o] = p.r; big[o + 1] = p.g; big[o + 2] = p.b
            }
        }
        let back = RGBImage(width: photo.width * 4, height: photo.height * 4, pixels: big).shrunk(toFit: max(photo.width, photo.height))
        #expect(back.width == photo.width && back.height == photo.height)
        #expect(back.pixels == photo.pixels)
        // Uneven factors keep the mean colour and the aspect ratio; a photo that fits is left alone.
        let original = try ImageDecoder.decode(try Fixtures.bytes("eagle"), options: DecodeOptions()).image
        let shrunk = original.shrunk(toFit: 150)
        #expect(max(shrunk.width, shrunk.height) == 150)
        #expect(abs(Double(shrunk.width) / Double(shrunk.height) - Double(original.width) / Double(original.height)) < 0.02)
        let (a, b) = (original.meanRGB(), shrunk.meanRGB())
        #expect(abs(a.r - b.r) < 1 && abs(a.g - b.g) < 1 && abs(a.b - b.b) < 1, "\(a) vs \(b)")
        #expect(shrunk.shrunk(toFit: 500).pixels == shrunk.pixels)
    }
}
