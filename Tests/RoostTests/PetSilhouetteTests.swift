import Foundation
import Testing
@testable import Shared
@testable import Worker

/// The silhouette figures and portraits on a real cut-out with an exact alpha mask (Debian
/// tuxpaint-stamps-default's malamute, a side view), its mask used as the localisation.
@Suite struct PetSilhouetteTests {
    /// The malamute cut-out composited onto `coffee.jpg` (a real photo) at 1.4× with its exact mask,
    /// stretched by `across` vertically (perpendicular to a side view's body axis).
    static func malamute(across: Double = 1) throws -> (image: RGBImage, mask: AnimalMask) {
        let cutout = try PNGDecoder.decode(Fixtures.bytes("cutouts/dog.png"))
        let alpha = try #require(cutout.alpha)
        let background = try ImageDecoder.decode(Fixtures.bytes("coffee.jpg")).image
        let width = background.width, height = background.height
        let scaleX = 1.4, scaleY = 1.4 * across
        let placedWidth = Int(Double(cutout.image.width) * scaleX), placedHeight = Int(Double(cutout.image.height) * scaleY)
        let left = (width - placedWidth) / 2, top = max(0, height - placedHeight - 4)
        var pixels = background.pixels
        var mask = [UInt8](repeating: 0, count: width * height)
        for y in 0..<placedHeight where top + y >= 0 && top + y < height {
            let sy = min(cutout.image.height - 1, Int(Double(y) / scaleY))
            for x in 0..<placedWidth {
                let sx = min(cutout.image.width - 1, Int(Double(x) / scaleX))
                let a = Int(alpha[sy * cutout.image.width + sx])
                let p = cutout.image.pixel(x: sx, y: sy)
                let o = ((top + y) * width + left + x) * 3
                pixels[o] = UInt8((Int(p.r) * a + Int(pixels[o]) * (255 - a)) / 255)
                pixels[o + 1] = UInt8((Int(p.g) * a + Int(pixels[o + 1]) * (255 - a)) / 255)
                pixels[o + 2] = UInt8((Int(p.b) * a + Int(pixels[o + 2]) * (255 - a)) / 255)
                mask[(top + y) * width + left + x] = UInt8(a)
            }
        }
        return (RGBImage(width: width, height: height, pixels: pixels), AnimalMask(width: width, height: height, alpha: mask))
    }

    @Test("a side view of the malamute: legs apart, a chest deeper than the waist, the head end found")
    func sideView() throws {
        let (image, mask) = try Self.malamute()
        let measurement = SilhouetteMeasurer.measure(mask: mask, image: image, pose: "side")
        let figures = try #require(measurement.figures, "\(measurement.problem ?? "")")
        #expect(measurement.view == .side)
        #expect(figures.chestDepth > figures.waistDepth)
        #expect(figures.tuckRatio > 0.4 && figures.tuckRatio < 1)
        #expect(figures.torsoLength > figures.length / 4 && figures.torsoLength < figures.length)
        #expect(measurement.headGreyFraction != nil && measurement.bodyGreyFraction != nil)
    }

    @Test("a silhouette made deeper across its body axis has a higher depth ratio; a shallower one a lower")
    func deeperBodyMeasuresDeeper() throws {
        func ratio(_ across: Double) throws -> SilhouetteFigures {
            let (image, mask) = try Self.malamute(across: across)
            return try #require(SilhouetteMeasurer.measure(mask: mask, image: image, pose: "side").figures)
        }
        let original = try ratio(1), wider = try ratio(1.25), narrower = try ratio(0.8)
        #expect(wider.depthRatio > original.depthRatio * 1.15)
        #expect(narrower.depthRatio < original.depthRatio * 0.87)
        #expect(abs(wider.tuckRatio - original.tuckRatio) < 0.1)
    }

    @Test("front and back views, and a blob without legs, give a reason instead of figures")
    func unusableViews() throws {
        let (image, mask) = try Self.malamute()
        for pose in ["front", "back"] {
            let measurement = SilhouetteMeasurer.measure(mask: mask, image: image, pose: pose)
            #expect(measurement.figures == nil)
            #expect(measurement.problem?.contains("\(pose) view") == true)
        }
        // An ellipse: nothing reaches the ground in two places.
        var blob = AnimalMask(width: 200, height: 120)
        for y in 0..<120 { for x in 0..<200 where pow(Double(x - 100) / 80, 2) + pow(Double(y - 60) / 40, 2) <= 1 { blob.alpha[y * 200 + x] = 255 } }
        let flat = RGBImage(width: 200, height: 120, pixels: [UInt8](repeating: 90, count: 200 * 120 * 3))
        let measurement = SilhouetteMeasurer.measure(mask: blob, image: flat, pose: nil)
        #expect(measurement.figures == nil)
        #expect(measurement.problem?.contains("legs") == true)
    }

    @Test("a top view is read along the body's own axis, whichever way it lies")
    func topViewFollowsTheAxis() throws {
        // A body seen from above: wide ribs, a narrower waist, tilted 30°.
        let width = 320, height = 240
        var mask = AnimalMask(width: width, height: height)
        let angle = 30.0 * .pi / 180
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x - 160), dy = Double(y - 120)
                let u = dx * cos(angle) + dy * sin(angle), v = -dx * sin(angle) + dy * cos(angle)
                guard abs(u) <= 110 else { continue }
                let halfWidth = u < 0 ? 30.0 : 20.0 + 10 * max(0, (u - 60) / 50)  // chest at u < 0, waist behind
                if abs(v) <= halfWidth { mask.alpha[y * width + x] = 255 }
            }
        }
        let image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 120, count: width * height * 3))
        let measurement = SilhouetteMeasurer.measure(mask: mask, image: image, pose: "top")
        let figures = try #require(measurement.figures)
        #expect(measurement.view == .top)
        #expect(abs(abs(figures.axisAngle) - 30) < 3 || abs(abs(figures.axisAngle) - 150) < 3)
        #expect(abs(figures.chestDepth - 61) <= 3)
        #expect(abs(figures.waistDepth - 41) <= 3)
    }

    @Test("portraits: the animal's own pixels inside the mask, each style a different picture, the same bytes every time")
    func portraits() throws {
        let (image, mask) = try Self.malamute()
        var renders: [String: RGBImage] = [:]
        for style in PetJob.portraitStyles.map(\.name) {
            let (portrait, placement) = try PortraitRenderer.render(image: image, mask: mask, style: style)
            #expect(portrait.width == PetJob.portraitSize.width && portrait.height == PetJob.portraitSize.height)
            // Where the mask is fully opaque around the sample point, the pixel lies within the
            // photo's four neighbouring pixels (bilinear): it comes from the photo.
            var checked = 0
            for y in stride(from: 0, to: portrait.height, by: 7) {
                for x in stride(from: 0, to: portrait.width, by: 7) {
                    let (sx, sy) = placement.source(x: x, y: y)
                    let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                    guard x0 >= 0, y0 >= 0, x0 + 1 < image.width, y0 + 1 < image.height else { continue }
                    let corners = [(x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)]
                    guard corners.allSatisfy({ mask.alpha[$0.1 * image.width + $0.0] == 255 }) else { continue }
                    let p = portrait.pixel(x: x, y: y)
                    let neighbours = corners.map { image.pixel(x: $0.0, y: $0.1) }
                    for (value, channel) in [(p.r, neighbours.map(\.r)), (p.g, neighbours.map(\.g)), (p.b, neighbours.map(\.b))] {
                        #expect(value >= channel.min()! && value <= channel.max()! + 1)
                    }
                    checked += 1
                }
            }
            #expect(checked > 300)
            renders[style] = portrait
            let again = try PortraitRenderer.render(image: image, mask: mask, style: style).image
            #expect(again.pixels == portrait.pixels)
            let jpeg = try PortraitRenderer.renderJPEG(image: image, mask: mask, style: style)
            let decoded = try ImageDecoder.decode(jpeg.jpeg).image
            #expect(decoded.width == portrait.width && decoded.height == portrait.height)
        }
        // Each pair of styles differs clearly (mean absolute difference per channel).
        let names = renders.keys.sorted()
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] {
                let difference = zip(renders[a]!.pixels, renders[b]!.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
                #expect(Double(difference) / Double(renders[a]!.pixels.count) > 12, "\(a) vs \(b)")
            }
        }
        #expect(throws: PortraitRenderer.UnknownStyle.self) { try PortraitRenderer.render(image: image, mask: mask, style: "cubist") }
    }
}
