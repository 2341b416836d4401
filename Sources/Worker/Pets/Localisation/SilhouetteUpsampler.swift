import Foundation
import Shared

/// Turns a silhouette found at a small working size into a mask over the full photo.
///
/// The working mask is first cleaned (its largest connected part kept, small holes filled),
/// then enlarged bilinearly; inside the resulting band of blended values each full-resolution
/// pixel is decided by its own colour under the two colour models, weighed against how far
/// into the band it lies. So the edge follows the photo's pixels rather than the working grid.
enum SilhouetteUpsampler {
    /// The full-size mask for `labels` (working size `width` × `height`) over `image`.
    static func mask(labels: [Bool], width: Int, height: Int, image: RGBImage,
                     animal: ColourMixture, background: ColourMixture, colourEdges: Bool = true) -> AnimalMask {
        let cleaned = filledHoles(largestComponent(labels, width: width, height: height), width: width, height: height)
        let outWidth = image.width, outHeight = image.height
        var alpha = [UInt8](repeating: 0, count: outWidth * outHeight)
        let enlarged = bilinearResampled(cleaned.map { $0 ? 1 : 0 }, width: width, height: height, toWidth: outWidth, height: outHeight)
        let pixels = image.pixels
        for (o, u) in enlarged.enumerated() {
            if u <= 0.02 { continue }
            if u >= 0.98 || (!colourEdges && u >= 0.5) { alpha[o] = 255; continue }
            if !colourEdges { continue }
            let r = pixels[o * 3], g = pixels[o * 3 + 1], b = pixels[o * 3 + 2]
            let colour = animal.logLikelihood(r, g, b) - background.logLikelihood(r, g, b)
            let place = logf(u / (1 - u))
            alpha[o] = 2 * place + min(max(colour, -3), 3) > 0 ? 255 : 0
        }
        return AnimalMask(width: outWidth, height: outHeight, alpha: alpha)
    }

    /// Only the largest 8-connected (or 4-connected) part of `mask`.
    static func largestComponent(_ mask: [Bool], width: Int, height: Int, connectivity: Int = 8) -> [Bool] {
        let (component, sizes) = components(mask, width: width, height: height, connectivity: connectivity)
        guard let best = sizes.indices.max(by: { sizes[$0] < sizes[$1] }) else { return mask }
        return component.map { $0 == best }
    }

    /// `mask` with every 4-connected hole (background not touching the border) smaller than
    /// 2 % of the mask's area filled.
    static func filledHoles(_ mask: [Bool], width: Int, height: Int) -> [Bool] {
        let area = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        let (component, sizes) = components(mask.map { !$0 }, width: width, height: height, connectivity: 4)
        var touchesBorder = [Bool](repeating: false, count: sizes.count)
        for y in 0..<height {
            for x in 0..<width where x == 0 || y == 0 || x == width - 1 || y == height - 1 {
                let c = component[y * width + x]
                if c >= 0 { touchesBorder[c] = true }
            }
        }
        return mask.indices.map { i in
            let c = component[i]
            return mask[i] || (c >= 0 && !touchesBorder[c] && sizes[c] * 50 < area)
        }
    }

    /// Connected parts of the true pixels: each pixel's part index (-1 for false) and part sizes.
    static func components(_ mask: [Bool], width: Int, height: Int, connectivity: Int) -> ([Int], [Int]) {
        var component = [Int](repeating: -1, count: mask.count)
        var sizes: [Int] = []
        var stack: [Int] = []
        let steps = connectivity == 8
            ? [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]
            : [(1, 0), (-1, 0), (0, 1), (0, -1)]
        for start in mask.indices where mask[start] && component[start] < 0 {
            let index = sizes.count
            var size = 0
            component[start] = index
            stack.append(start)
            while let p = stack.popLast() {
                size += 1
                let x = p % width, y = p / width
                for (dx, dy) in steps {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, nx < width, ny >= 0, ny < height else { continue }
                    let q = ny * width + nx
                    if mask[q] && component[q] < 0 { component[q] = index; stack.append(q) }
                }
            }
            sizes.append(size)
        }
        return (component, sizes)
    }
}
