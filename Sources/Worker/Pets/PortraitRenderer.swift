import Foundation
import Shared

/// Renders a pet portrait: the animal cut out of its photo with its mask and composed on a
/// style's background (`PetJob.portraitStyles`), on a `PetJob.portraitSize` canvas.
///
/// The animal is scaled so its box fills 80% of the canvas height (or 85% of its width) and
/// stands centred, feet near the bottom (on the ridge for `pack_leader`). Pixels are sampled
/// bilinearly from the photo and blended by the mask's alpha, so inside the mask the portrait
/// is the photo's own pixels. Deterministic: the same photo, mask and style give the same image.
public enum PortraitRenderer {
    /// Where the photo lands on the canvas: `canvas = source × scale + offset`.
    public struct Placement: Sendable, Equatable {
        /// Canvas pixels per photo pixel.
        public let scale: Double
        /// Canvas position of the photo's origin.
        public let offsetX: Double, offsetY: Double

        /// The photo position shown at canvas pixel `x`, `y` (its centre).
        public func source(x: Int, y: Int) -> (x: Double, y: Double) {
            ((Double(x) + 0.5 - offsetX) / scale - 0.5, (Double(y) + 0.5 - offsetY) / scale - 0.5)
        }
    }

    /// A style name that `PetJob.portraitStyles` does not list.
    public struct UnknownStyle: Error, CustomStringConvertible {
        /// The name.
        public let style: String
        /// Names the known styles.
        public var description: String {
            "unknown portrait style '\(style)'; styles: \(PetJob.portraitStyles.map(\.name).joined(separator: ", "))"
        }
    }

    /// The portrait of the animal `mask` covers in `image`, in `style`, with where the photo was placed.
    public static func render(image: RGBImage, mask: AnimalMask, style: String) throws -> (image: RGBImage, placement: Placement) {
        guard PetJob.portraitStyles.contains(where: { $0.name == style }) else { throw UnknownStyle(style: style) }
        let (width, height) = PetJob.portraitSize
        let box = mask.boundingBox ?? PetBox(x: 0, y: 0, width: image.width, height: image.height)
        let scale = min(0.80 * Double(height) / Double(box.height), 0.85 * Double(width) / Double(box.width))
        let feet = style == "pack_leader" ? ridge(x: Double(width) / 2, width: width, height: height) : 0.94 * Double(height)
        let placement = Placement(scale: scale, offsetX: Double(width) / 2 - (Double(box.x) + Double(box.width) / 2) * scale,
                                  offsetY: feet - Double(box.y + box.height) * scale)
        var background = self.background(style, width: width, height: height, animal: box, placement: placement, photo: image)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (sx, sy) = placement.source(x: x, y: y)
                let alpha = sample(mask, sx, sy)
                let o = (y * width + x) * 3
                if alpha <= 0 {
                    for c in 0..<3 { pixels[o + c] = UInt8(max(0, min(255, background[o + c].rounded()))) }
                    continue
                }
                let colour = sample(image, sx, sy)
                for c in 0..<3 {
                    background[o + c] = alpha * colour[c] + (1 - alpha) * background[o + c]
                    pixels[o + c] = UInt8(max(0, min(255, background[o + c].rounded())))
                }
            }
        }
        return (RGBImage(width: width, height: height, pixels: pixels), placement)
    }

    /// The portrait as a JPEG (`PetJob.portraitQuality`).
    public static func renderJPEG(image: RGBImage, mask: AnimalMask, style: String) throws -> PetPhotoResult.Portrait {
        let (portrait, _) = try render(image: image, mask: mask, style: style)
        return PetPhotoResult.Portrait(style: style, width: portrait.width, height: portrait.height,
                                       jpeg: try JPEGEncoder.encode(portrait, quality: PetJob.portraitQuality))
    }

    // MARK: Backgrounds

    private static func background(_ style: String, width: Int, height: Int, animal: PetBox, placement: Placement,
                                   photo: RGBImage) -> [Float] {
        var out = [Float](repeating: 0, count: width * height * 3)
        func put(_ x: Int, _ y: Int, _ c: (Float, Float, Float)) {
            let o = (y * width + x) * 3
            out[o] = c.0; out[o + 1] = c.1; out[o + 2] = c.2
        }
        let w = Float(width), h = Float(height)
        let feetX = Float(placement.offsetX + (Double(animal.x) + Double(animal.width) / 2) * placement.scale)
        let feetY = Float(placement.offsetY + Double(animal.y + animal.height) * placement.scale)
        let shadowRadius = Float(Double(animal.width) * placement.scale * 0.55)
        switch style {
        case "studio":
            // Grey-blue backdrop, lighter where a light above the centre falls, a soft floor shadow.
            for y in 0..<height {
                for x in 0..<width {
                    let t = Float(y) / h
                    let dx = (Float(x) - w / 2) / w, dy = (Float(y) - h * 0.3) / h
                    let light = 1 + 0.35 * exp(-(dx * dx + dy * dy) * 6)
                    var c = (mix(112, 52, t) * light, mix(128, 60, t) * light, mix(150, 76, t) * light)
                    let sx = (Float(x) - feetX) / max(shadowRadius, 1), sy = (Float(y) - feetY) / max(shadowRadius * 0.18, 1)
                    let shade = 1 - 0.5 * exp(-(sx * sx + sy * sy))
                    c = (c.0 * shade, c.1 * shade, c.2 * shade)
                    put(x, y, c)
                }
            }
        case "gradient":
            // Warm at the top left to cool at the bottom right.
            for y in 0..<height {
                for x in 0..<width {
                    let t = (Float(x) / w + Float(y) / h) / 2
                    put(x, y, (mix(252, 86, t), mix(186, 136, t), mix(120, 224, t)))
                }
            }
        case "vignette":
            // The photo itself, greyed and darkened towards the corners.
            for y in 0..<height {
                for x in 0..<width {
                    let (sx, sy) = placement.source(x: x, y: y)
                    let c = sample(photo, sx, sy)
                    let grey = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
                    let dx = (Float(x) - w / 2) / (w / 2), dy = (Float(y) - h / 2) / (h / 2)
                    let dark = max(0.15, 1 - 0.55 * (dx * dx + dy * dy))
                    put(x, y, (mix(c[0], grey, 0.75) * dark, mix(c[1], grey, 0.75) * dark, mix(c[2], grey, 0.75) * dark))
                }
            }
        case "birthday_party":
            // Pink backdrop, then confetti discs from a fixed-seed generator.
            for y in 0..<height { for x in 0..<width { put(x, y, (248, 200, 218)) } }
            let palette: [(Float, Float, Float)] = [(230, 57, 70), (255, 190, 11), (58, 134, 255), (131, 56, 236), (6, 214, 160), (255, 255, 255)]
            var random = SplitMix(seed: 0x5EED_CAFE)
            for _ in 0..<160 {
                let cx = Float(random.next() % UInt64(width)), cy = Float(random.next() % UInt64(height))
                let r = 3 + Float(random.next() % 6)
                let colour = palette[Int(random.next() % UInt64(palette.count))]
                for y in max(0, Int(cy - r))...min(height - 1, Int(cy + r)) {
                    for x in max(0, Int(cx - r))...min(width - 1, Int(cx + r)) where (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy) <= r * r {
                        put(x, y, colour)
                    }
                }
            }
        default:  // pack_leader
            // A dusk sky, deep blue to orange at the horizon, over a dark ridge.
            for y in 0..<height {
                for x in 0..<width {
                    let top = Float(ridge(x: Double(x), width: width, height: height))
                    if Float(y) >= top {
                        put(x, y, (24, 26, 34))
                    } else {
                        let t = Float(y) / top
                        put(x, y, (mix(28, 246, t * t), mix(36, 146, t * t), mix(92, 72, t * t)))
                    }
                }
            }
        }
        return out
    }

    /// The ridge's height at column `x` in the `pack_leader` style.
    private static func ridge(x: Double, width: Int, height: Int) -> Double {
        let t = x / Double(width)
        return Double(height) * (0.86 + 0.05 * cos(.pi * 2 * (t - 0.5)) - 0.03 * sin(.pi * 5 * t))
    }

    private static func mix(_ a: Float, _ b: Float, _ t: Float) -> Float { a + (b - a) * min(max(t, 0), 1) }

    /// The photo's colour at `x`, `y` (bilinear; edge pixels repeat outside).
    private static func sample(_ image: RGBImage, _ x: Double, _ y: Double) -> [Float] {
        let (x0, y0, fx, fy) = cell(x, y, image.width, image.height)
        var out: [Float] = [0, 0, 0]
        image.pixels.withUnsafeBufferPointer { p in
            let x1 = min(x0 + 1, image.width - 1), y1 = min(y0 + 1, image.height - 1)
            for c in 0..<3 {
                let a = Float(p[(y0 * image.width + x0) * 3 + c]), b = Float(p[(y0 * image.width + x1) * 3 + c])
                let d = Float(p[(y1 * image.width + x0) * 3 + c]), e = Float(p[(y1 * image.width + x1) * 3 + c])
                out[c] = (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy
            }
        }
        return out
    }

    /// The mask's alpha at `x`, `y` as 0…1 (bilinear; 0 outside the photo).
    private static func sample(_ mask: AnimalMask, _ x: Double, _ y: Double) -> Float {
        guard x > -1, y > -1, x < Double(mask.width), y < Double(mask.height) else { return 0 }
        let (x0, y0, fx, fy) = cell(x, y, mask.width, mask.height)
        let x1 = min(x0 + 1, mask.width - 1), y1 = min(y0 + 1, mask.height - 1)
        let a = Float(mask.alpha[y0 * mask.width + x0]), b = Float(mask.alpha[y0 * mask.width + x1])
        let d = Float(mask.alpha[y1 * mask.width + x0]), e = Float(mask.alpha[y1 * mask.width + x1])
        return ((a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy) / 255
    }

    private static func cell(_ x: Double, _ y: Double, _ width: Int, _ height: Int) -> (Int, Int, Float, Float) {
        let cx = min(max(x, 0), Double(width - 1)), cy = min(max(y, 0), Double(height - 1))
        let x0 = Int(cx), y0 = Int(cy)
        return (x0, y0, Float(cx - Double(x0)), Float(cy - Double(y0)))
    }
}

/// SplitMix64: a tiny deterministic generator (confetti positions).
struct SplitMix {
    private var state: UInt64
    /// Starts at `seed`.
    init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
