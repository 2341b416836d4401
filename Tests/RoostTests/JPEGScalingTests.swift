import Testing
@testable import Shared

/// DCT-domain downscaling: libjpeg decodes at M/8 and each side becomes ceil(side * M / 8).
@Suite struct JPEGScalingTests {
    @Test func picksTheSmallestScaleThatKeepsTheShortSide() {
        // dog.jpg is 768×576: 3/8 gives 216 < 256, 4/8 gives 288.
        #expect(DecodeOptions(minimumShortSide: 256).scaleNumerator(width: 768, height: 576) == 4)
        // eagle.jpg is 773×512: 3/8 gives exactly 192.
        #expect(DecodeOptions(minimumShortSide: 192).scaleNumerator(width: 773, height: 512) == 3)
        #expect(DecodeOptions(minimumShortSide: 193).scaleNumerator(width: 773, height: 512) == 4)
        #expect(DecodeOptions(minimumShortSide: 1).scaleNumerator(width: 773, height: 512) == 1)
        // Already smaller than asked: full size, never upscaled.
        #expect(DecodeOptions(minimumShortSide: 600).scaleNumerator(width: 773, height: 512) == 8)
        #expect(DecodeOptions().scaleNumerator(width: 773, height: 512) == 8)
    }

    @Test(arguments: [
        // (fixture, minimumShortSide, expected numerator, width, height) with width/height = ceil(side*M/8)
        ("dog", 256, 4, 384, 288),
        ("eagle", 190, 3, 290, 192),   // 773*3/8 = 289.875 → 290
        ("eagle", 256, 4, 387, 256),   // 773*4/8 = 386.5 → 387
        ("person", 100, 2, 160, 106),  // 424*2/8 = 106
        ("messi5", 40, 1, 69, 43),     // 548/8 = 68.5 → 69, 342/8 = 42.75 → 43
        ("messi5", 1000, 8, 548, 342),
    ])
    func decodesAtTheChosenScale(name: String, shortSide: Int, numerator: Int, width: Int, height: Int) throws {
        let bytes = try Fixtures.bytes(name)
        let decoded = try JPEGDecoder.decode(bytes, options: DecodeOptions(minimumShortSide: shortSide))
        #expect(decoded.scaleNumerator == numerator)
        #expect(decoded.image.width == width && decoded.image.height == height)
        #expect(min(decoded.image.width, decoded.image.height) >= min(shortSide, min(decoded.header.width, decoded.header.height)))
        // Scaling in the DCT keeps the picture: channel means stay within a level of full size.
        let full = try JPEGDecoder.decode(bytes).image.meanRGB()
        let scaled = decoded.image.meanRGB()
        let drift = [abs(full.r - scaled.r), abs(full.g - scaled.g), abs(full.b - scaled.b)]
        #expect(drift.max() ?? 99 < 1.5, "\(drift)")
    }

    @Test func scalingAppliesBeforeOrientation() throws {
        // eagle-orient6 is stored 512×773; the short side is the same either way.
        let decoded = try JPEGDecoder.decode(Fixtures.bytes("eagle-orient6"), options: DecodeOptions(minimumShortSide: 256))
        #expect(decoded.scaleNumerator == 4)
        #expect(decoded.image.width == 387 && decoded.image.height == 256)
    }
}
