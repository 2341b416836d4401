import Foundation
import Testing
@testable import Shared

/// Decoding real photos, checked against what Pillow (also libjpeg-turbo) makes of the same files.
@Suite struct JPEGDecoderTests {
    // Dimensions and channel means as Pillow reports them, produced once with:
    //   .venv-verify/bin/python -c 'from PIL import Image, ImageStat
    //   for n in ["eagle","dog","person","messi5","grace_hopper_512x512","left01"]:
    //       im = Image.open(f".cache/fixtures/{n}.jpg"); print(n, im.size, ImageStat.Stat(im.convert("RGB")).mean)'
    // (Pillow 13.0.0)
    static let pillow: [(name: String, width: Int, height: Int, mean: (Double, Double, Double))] = [
        ("eagle", 773, 512, (85.2280, 81.9917, 70.7506)),
        ("dog", 768, 576, (134.4470, 135.6657, 114.0797)),
        ("person", 640, 424, (166.4982, 160.1253, 154.7478)),
        ("messi5", 548, 342, (82.1684, 86.0477, 72.4078)),
        ("grace_hopper_512x512", 512, 512, (91.1715, 79.4957, 93.5029)),  // progressive
        ("left01", 640, 480, (116.5602, 116.5602, 116.5602)),            // grayscale
    ]

    @Test(arguments: pillow.map(\.name))
    func headerAndDecodeMatchPillowDimensions(name: String) throws {
        let expected = try #require(Self.pillow.first { $0.name == name })
        let bytes = try Fixtures.bytes(name)
        let header = try JPEGDecoder.readHeader(bytes)
        #expect(header.width == expected.width && header.height == expected.height)
        #expect(header.orientation == 1)
        let decoded = try JPEGDecoder.decode(bytes)
        #expect(decoded.image.width == expected.width && decoded.image.height == expected.height)
        #expect(decoded.image.pixels.count == expected.width * expected.height * 3)
        #expect(decoded.scaleNumerator == 8)
        #expect(decoded.warnings == 0)
    }

    @Test(arguments: pillow.map(\.name))
    func meanRGBMatchesPillowImageStat(name: String) throws {
        let expected = try #require(Self.pillow.first { $0.name == name })
        let mean = try JPEGDecoder.decode(Fixtures.bytes(name)).image.meanRGB()
        #expect(abs(mean.r - expected.mean.0) < 0.5)
        #expect(abs(mean.g - expected.mean.1) < 0.5)
        #expect(abs(mean.b - expected.mean.2) < 0.5)
    }

    /// Pixel-by-pixel against Pillow's decode (reference/<name>.rgb, written by fetch-fixtures.sh).
    @Test(arguments: ["eagle", "dog", "person", "messi5", "grace_hopper_512x512", "left01", "eagle-cmyk"])
    func pixelsMatchPillowDecode(name: String) throws {
        let decoded = try JPEGDecoder.decode(Fixtures.bytes(name)).image
        let reference = try Fixtures.bytes("reference/\(name).rgb")
        try #require(reference.count == decoded.pixels.count)
        let difference = Self.meanAbsoluteDifference(decoded.pixels, reference)
        #expect(difference.max() ?? 99 < 1.0, "mean absolute difference per channel: \(difference)")
    }

    @Test func progressiveHeaderIsReportedAndDecodes() throws {
        let header = try JPEGDecoder.readHeader(Fixtures.bytes("grace_hopper_512x512"))
        #expect(header.isProgressive && header.components == 3)
        #expect(try JPEGDecoder.readHeader(Fixtures.bytes("eagle")).isProgressive == false)
        // The same photo re-encoded progressive decodes to (almost) the same picture.
        let progressive = try JPEGDecoder.decode(Fixtures.bytes("eagle-progressive"))
        #expect(progressive.header.isProgressive)
        let baseline = try JPEGDecoder.decode(Fixtures.bytes("eagle")).image
        let difference = Self.meanAbsoluteDifference(progressive.image.pixels, baseline.pixels)
        #expect(difference.max() ?? 99 < 3.0, "\(difference)")  // re-encoding at quality 95 costs ~2 levels of blue
    }

    @Test func grayscaleDecodesToEqualRGBChannels() throws {
        let decoded = try JPEGDecoder.decode(Fixtures.bytes("eagle-gray"))
        #expect(decoded.header.components == 1)
        let pixels = decoded.image.pixels
        let colouredPixels = stride(from: 0, to: pixels.count, by: 3).filter { (index: Int) -> Bool in
            pixels[index] != pixels[index + 1] || pixels[index] != pixels[index + 2]
        }
        #expect(colouredPixels.isEmpty)
        // Pillow: ImageStat.Stat(Image.open("eagle-gray.jpg")).mean == [81.6952]
        #expect(abs(decoded.image.meanRGB().r - 81.6952) < 0.5)
    }

    @Test func adobeCMYKDecodesToTheSameColoursAsTheRGBOriginal() throws {
        let cmyk = try JPEGDecoder.decode(Fixtures.bytes("eagle-cmyk"))
        #expect(cmyk.header.components == 4)
        let mean = cmyk.image.meanRGB()
        // Pillow's mean of the RGB original eagle.jpg; CMYK re-encoding changes it by < 0.1.
        #expect(abs(mean.r - 85.2280) < 0.5)
        #expect(abs(mean.g - 81.9917) < 0.5)
        #expect(abs(mean.b - 70.7506) < 0.5)
    }

    @Test func onePixelImageDecodes() throws {
        let decoded = try JPEGDecoder.decode(Fixtures.bytes("pixel-1x1"))
        #expect(decoded.image.width == 1 && decoded.image.height == 1)
        let pixel = decoded.image.pixel(x: 0, y: 0)  // encoded from (200, 40, 90); Pillow decodes (201, 40, 90)
        #expect(abs(Int(pixel.r) - 201) <= 1 && abs(Int(pixel.g) - 40) <= 1 && abs(Int(pixel.b) - 90) <= 1)
    }

    @Test func missingFixtureSaysHowToFetchIt() {
        #expect(throws: FixtureMissing.self) { try Fixtures.bytes("no-such-photo") }
        do {
            _ = try Fixtures.bytes("no-such-photo")
        } catch {
            #expect("\(error)".contains("make fixtures"))
        }
    }

    /// Mean |a − b| for each of the three channels of two interleaved RGB buffers.
    static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> [Double] {
        var sums = [0, 0, 0]
        for index in 0..<min(a.count, b.count) {
            sums[index % 3] += abs(Int(a[index]) - Int(b[index]))
        }
        let pixels = Double(max(1, min(a.count, b.count) / 3))
        return sums.map { Double($0) / pixels }
    }
}
