import Foundation
import Testing
@testable import Shared
@testable import Worker

/// Preprocessing and category rules of the classifier, on real photos and images made here.
@Suite("Classification preprocessing and categories")
struct ClassificationPreprocessingTests {
    private let preprocessor = ImagePreprocessor()

    @Test("resize keeps the aspect ratio with the shorter side at 256, truncating like torchvision")
    func resizedSize() {
        #expect(preprocessor.resizedSize(width: 387, height: 256) == (387, 256))
        #expect(preprocessor.resizedSize(width: 451, height: 300) == (384, 256))
        #expect(preprocessor.resizedSize(width: 300, height: 451) == (256, 384))
        #expect(preprocessor.resizedSize(width: 1, height: 1) == (256, 256))
        #expect(preprocessor.resizedSize(width: 10_000, height: 300) == (8533, 256))
    }

    @Test("a flat grey image becomes the normalised grey value in every channel")
    func flatImage() {
        let image = RGBImage(width: 640, height: 480, pixels: [UInt8](repeating: 128, count: 640 * 480 * 3))
        let tensor = preprocessor.tensor(from: image)
        #expect(tensor.shape == [1, 3, 224, 224])
        for channel in 0..<3 {
            let expected = (128 / 255 - ImagePreprocessor.mean[channel]) / ImagePreprocessor.standardDeviation[channel]
            let plane = tensor.data[(channel * 224 * 224)..<((channel + 1) * 224 * 224)]
            #expect(plane.allSatisfy { abs($0 - expected) < 1e-5 })
        }
    }

    @Test("a 2:1 reduction averages each 2×2 block (area filter), centre-cropped")
    func areaFilter() {
        // 512×512 checkerboard of single pixels: every 2×2 block averages to exactly 127.5.
        var pixels = [UInt8](repeating: 0, count: 512 * 512 * 3)
        for y in 0..<512 { for x in 0..<512 where (x + y) % 2 == 0 { for c in 0..<3 { pixels[(y * 512 + x) * 3 + c] = 255 } } }
        let planes = preprocessor.normalisedPlanes(from: RGBImage(width: 512, height: 512, pixels: pixels))
        let expected = (0.5 - ImagePreprocessor.mean[0]) / ImagePreprocessor.standardDeviation[0]
        #expect(planes[0..<(224 * 224)].allSatisfy { abs($0 - expected) < 1e-4 })
    }

    @Test("the crop is the centre: a left/right split image stays split at the middle column")
    func centreCrop() {
        // 400×256: left half black, right half white. Resized width stays 400, crop starts at 88.
        var pixels = [UInt8](repeating: 0, count: 400 * 256 * 3)
        for y in 0..<256 { for x in 200..<400 { for c in 0..<3 { pixels[(y * 400 + x) * 3 + c] = 255 } } }
        let planes = preprocessor.normalisedPlanes(from: RGBImage(width: 400, height: 256, pixels: pixels))
        let black = -ImagePreprocessor.mean[1] / ImagePreprocessor.standardDeviation[1]
        let green = planes[(224 * 224)...]
        let row = Array(green.prefix(224))
        #expect(abs(row[111] - black) < 1e-5)
        #expect(row[112] > 2)
    }

    @Test("a 1×1 photo is upscaled (bilinear) to a uniform input without crashing")
    func tinyPhoto() throws {
        let decoded = try JPEGDecoder.decode(try Fixtures.bytes("pixel-1x1"), options: ImageClassifier.decodeOptions)
        let planes = preprocessor.normalisedPlanes(from: decoded.image)
        #expect(planes.count == 3 * 224 * 224)
        #expect(Set(planes[0..<(224 * 224)]).count == 1)
    }

    @Test("categories: bird, dog and cat class sets match the documented ImageNet ranges")
    func categorySets() throws {
        #expect(ImageNetCategories.birds.map(\.count).reduce(0, +) == 59)
        #expect(ImageNetCategories.category(ofClass: 22) == "bird")     // bald eagle
        #expect(ImageNetCategories.category(ofClass: 146) == "bird")    // albatross
        #expect(ImageNetCategories.category(ofClass: 147) == "other")   // grey whale
        #expect(ImageNetCategories.category(ofClass: 154) == "dog")     // Pekinese
        #expect(ImageNetCategories.category(ofClass: 269) == "other")   // timber wolf
        #expect(ImageNetCategories.category(ofClass: 285) == "cat")     // Egyptian cat
        #expect(ImageNetCategories.category(ofClass: 286) == "other")   // cougar
    }

    @Test("category rule: a spread over many breeds is a dog; a diffuse guess is other")
    func categoryRule() {
        var spread = [Double](repeating: 0, count: 1000)
        spread[0] = 0.3                                      // tench is the top-1 class...
        spread[805] = 0.2
        for breed in 151..<161 { spread[breed] = 0.05 }      // ...but dogs hold 0.5 in total
        #expect(ImageNetCategories.category(forTop: 0, probabilities: spread) == "dog")

        let uniform = [Double](repeating: 0.001, count: 1000)
        #expect(ImageNetCategories.category(forTop: 0, probabilities: uniform) == "other")

        var ball = [Double](repeating: 0, count: 1000)
        ball[805] = 0.9
        ball[22] = 0.1
        #expect(ImageNetCategories.category(forTop: 805, probabilities: ball) == "other")
    }
}
