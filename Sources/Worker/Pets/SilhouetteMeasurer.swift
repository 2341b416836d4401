import Foundation
import Shared

/// Measures an animal's silhouette mask: where its torso is, how deep the chest and the waist
/// are, and how grey the head end is compared with the body.
///
/// Geometry, not anatomy: a side view (pose `side`, `left`, `right`, or untagged) is read with
/// the body axis horizontal (photos are upright and animals stand on the ground). Legs are the
/// columns with mask pixels in the bottom tenth of the silhouette; the widest gap between leg
/// columns is the belly; over it, the torso's depth in each column is the vertical run of mask
/// through the torso's row (the row where the silhouette is widest). A top view is read along
/// the mask's principal axis, its ends (a fifth each: head, tail) left out. The deeper half of
/// the torso is taken as the chest, so the head is at that end.
public enum SilhouetteMeasurer {
    /// How a photo was read.
    public enum View: String, Sendable {
        /// From the side: depth is back to belly.
        case side
        /// From above: depth is flank to flank.
        case top
    }

    /// What was measured in one photo.
    public struct Measurement: Sendable {
        /// The figures, or nil with `problem`.
        public var figures: SilhouetteFigures?
        /// Why there are no figures.
        public var problem: String?
        /// How the photo was read.
        public var view: View?
        /// Share of grey/white pixels in the head end (a sixth of the length) and over the rest.
        public var headGreyFraction: Double?, bodyGreyFraction: Double?
    }

    /// Measures `mask` over `image` (the same size), the photo tagged `pose` (nil: untagged).
    public static func measure(mask: AnimalMask, image: RGBImage, pose: String?) -> Measurement {
        let silhouette = Silhouette(largestComponentOf: mask)
        guard silhouette.area >= 200 else {
            return Measurement(problem: "the silhouette is too small to measure (\(silhouette.area) pixels)")
        }
        switch pose {
        case "front", "back":
            return Measurement(problem: "a \(pose!) view shows neither the abdominal tuck nor the waist")
        case "top":
            return measureTop(silhouette, image: image)
        default:
            return measureSide(silhouette, image: image)
        }
    }

    // MARK: Side view

    private static func measureSide(_ s: Silhouette, image: RGBImage) -> Measurement {
        let box = s.box
        let groundBand = box.y + box.height - max(2, box.height / 10)
        // Legs: columns with mask in the bottom tenth.
        var legColumn = [Bool](repeating: false, count: box.width)
        for i in 0..<box.width {
            let x = box.x + i
            for y in groundBand..<(box.y + box.height) where s.inside(x, y) { legColumn[i] = true; break }
        }
        let legs = legColumn.indices.filter { legColumn[$0] }
        guard let first = legs.first else {
            return Measurement(problem: "no legs reach the ground line: not a standing side view")
        }
        // The belly: the widest gap between leg columns.
        var gapStart = 0, gapLength = 0, previous = first
        for i in legs.dropFirst() {
            if i - previous - 1 > gapLength { gapLength = i - previous - 1; gapStart = previous + 1 }
            previous = i
        }
        guard gapLength >= max(4, box.width * 3 / 20) else {
            return Measurement(problem: "the front and hind legs are not apart (\(gapLength) px between them, \(box.width) px long): not a usable side view")
        }
        let leftLegs = legs.filter { $0 < gapStart }, rightLegs = legs.filter { $0 >= gapStart + gapLength }
        let torsoLength = Double(rightLegs.reduce(0, +)) / Double(rightLegs.count) - Double(leftLegs.reduce(0, +)) / Double(leftLegs.count)
        // The torso's row: where the silhouette is widest (smoothed), above the ground band.
        let torsoRow = s.widestRow(below: box.y, above: groundBand)
        // Depth of each belly column through the torso row, its ends (a tenth of the gap each)
        // left out: up to the back line, and down while the row stays torso-wide (a row only
        // as wide as a leg, under half the gap, is a leg continuing the column).
        let torsoWidth = max(2, gapLength / 2)
        let margin = max(1, gapLength / 10)
        var depths: [(column: Int, depth: Int)] = []
        for i in (gapStart + margin)..<(gapStart + gapLength - margin) {
            let x = box.x + i
            guard s.inside(x, torsoRow) else { continue }
            var top = torsoRow, bottom = torsoRow
            while top > box.y, s.inside(x, top - 1) { top -= 1 }
            while bottom < box.y + box.height - 1, s.inside(x, bottom + 1), s.rowRun(x, bottom + 1) >= torsoWidth { bottom += 1 }
            depths.append((i, bottom - top + 1))
        }
        guard depths.count >= 5 else {
            return Measurement(problem: "the torso could not be followed between the legs (\(depths.count) columns)")
        }
        let half = depths.count / 2
        let left = depths[..<half].map(\.depth), right = depths[half...].map(\.depth)
        let chestOnLeft = left.max()! >= right.max()!
        let chest = chestOnLeft ? left.max()! : right.max()!
        let waist = chestOnLeft ? right.min()! : left.min()!
        let figures = SilhouetteFigures(axisAngle: 0, length: Double(box.width), torsoLength: max(1, torsoLength),
                                        chestDepth: Double(chest), waistDepth: Double(waist), area: s.area)
        // The head end: beyond the chest.
        let headSpan = max(1, box.width / 6)
        let headRange = chestOnLeft ? box.x..<(box.x + headSpan) : (box.x + box.width - headSpan)..<(box.x + box.width)
        let grey = s.greyFractions(image) { x, _ in headRange.contains(x) }
        return Measurement(figures: figures, view: .side, headGreyFraction: grey.head, bodyGreyFraction: grey.body)
    }

    // MARK: Top view

    private static func measureTop(_ s: Silhouette, image: RGBImage) -> Measurement {
        let axis = s.principalAxis()
        // Project every pixel onto the axis (u) and across it (v); per 1-px station, the extent in v.
        var minU = Double.infinity, maxU = -Double.infinity
        s.forEachPixel { x, y in
            let u = axis.along(x, y)
            minU = min(minU, u); maxU = max(maxU, u)
        }
        let stations = Int(maxU - minU) + 1
        guard stations >= 10 else { return Measurement(problem: "the silhouette is too short to measure") }
        var low = [Double](repeating: .infinity, count: stations), high = [Double](repeating: -.infinity, count: stations)
        s.forEachPixel { x, y in
            let station = Int(axis.along(x, y) - minU)
            let v = axis.across(x, y)
            low[station] = min(low[station], v); high[station] = max(high[station], v)
        }
        let ends = stations / 5
        let widths = (ends..<(stations - ends)).map { high[$0] >= low[$0] ? high[$0] - low[$0] + 1 : 0 }
        guard widths.count >= 6 else { return Measurement(problem: "the silhouette is too short to measure") }
        let half = widths.count / 2
        let front = widths[..<half], rear = widths[half...]
        let chestFirst = front.max()! >= rear.max()!
        let chest = chestFirst ? front.max()! : rear.max()!
        let waist = chestFirst ? rear.min()! : front.min()!
        let figures = SilhouetteFigures(axisAngle: axis.angleDegrees, length: maxU - minU + 1, torsoLength: Double(widths.count),
                                        chestDepth: chest, waistDepth: waist, area: s.area)
        let headSpan = Double(stations) / 6
        let grey = s.greyFractions(image) { x, y in
            let u = axis.along(x, y) - minU
            return chestFirst ? u < headSpan : u >= Double(stations) - headSpan
        }
        return Measurement(figures: figures, view: .top, headGreyFraction: grey.head, bodyGreyFraction: grey.body)
    }
}

/// The largest 4-connected region of a mask, as a bitmap with its box.
struct Silhouette {
    let width: Int, height: Int
    /// 1 inside the region.
    private var bits: [UInt8]
    /// The region's box.
    private(set) var box = PetBox(x: 0, y: 0, width: 0, height: 0)
    /// Pixels in the region.
    private(set) var area = 0

    /// Keeps the largest 4-connected region of the mask's pixels with alpha ≥ 128 (with the
    /// localiser's own component search, `SilhouetteUpsampler.largestComponent`).
    init(largestComponentOf mask: AnimalMask) {
        width = mask.width; height = mask.height
        let region = SilhouetteUpsampler.largestComponent(mask.alpha.map { $0 >= 128 }, width: mask.width, height: mask.height, connectivity: 4)
        bits = region.map { $0 ? 1 : 0 }
        area = region.reduce(0) { $0 + ($1 ? 1 : 0) }
        if let box = AnimalMask(width: width, height: height, alpha: bits.map { $0 * 255 }).boundingBox { self.box = box }
    }

    /// Whether `x`, `y` is in the region (false outside the image).
    func inside(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height && bits[y * width + x] == 1 }

    /// The length of the region's horizontal run through `x`, `y` (0 outside the region).
    func rowRun(_ x: Int, _ y: Int) -> Int {
        guard inside(x, y) else { return 0 }
        var left = x, right = x
        while inside(left - 1, y) { left -= 1 }
        while inside(right + 1, y) { right += 1 }
        return right - left + 1
    }

    /// Calls `body` with every pixel of the region.
    func forEachPixel(_ body: (Int, Int) -> Void) {
        for y in box.y..<(box.y + box.height) {
            for x in box.x..<(box.x + box.width) where bits[y * width + x] == 1 { body(x, y) }
        }
    }

    /// The row in `top..<bottom` with the most region pixels, counts smoothed over a
    /// twentieth of the box's height.
    func widestRow(below top: Int, above bottom: Int) -> Int {
        let counts = (top..<bottom).map { y in (box.x..<(box.x + box.width)).reduce(0) { $0 + Int(bits[y * width + $1]) } }
        let radius = max(1, box.height / 40)
        var best = top, bestCount = -1
        for i in counts.indices {
            let window = counts[max(0, i - radius)...min(counts.count - 1, i + radius)]
            let total = window.reduce(0, +)
            if total > bestCount { bestCount = total; best = top + i }
        }
        return best
    }

    /// The principal axis through the centroid (second moments).
    func principalAxis() -> Axis {
        var sx = 0.0, sy = 0.0, n = 0.0
        forEachPixel { x, y in sx += Double(x); sy += Double(y); n += 1 }
        let cx = sx / n, cy = sy / n
        var xx = 0.0, yy = 0.0, xy = 0.0
        forEachPixel { x, y in
            let dx = Double(x) - cx, dy = Double(y) - cy
            xx += dx * dx; yy += dy * dy; xy += dx * dy
        }
        let angle = 0.5 * atan2(2 * xy, xx - yy)
        return Axis(cx: cx, cy: cy, cos: cos(angle), sin: sin(angle))
    }

    /// Shares of grey/white pixels (saturation below 0.2, value above 0.6) in the region where
    /// `isHead` holds and in the rest.
    func greyFractions(_ image: RGBImage, isHead: (Int, Int) -> Bool) -> (head: Double?, body: Double?) {
        var head = (grey: 0, all: 0), body = (grey: 0, all: 0)
        forEachPixel { x, y in
            let p = image.pixel(x: x, y: y)
            let high = max(p.r, p.g, p.b), low = min(p.r, p.g, p.b)
            let grey = high > 153 && Double(high - low) < 0.2 * Double(high)
            if isHead(x, y) { head.all += 1; if grey { head.grey += 1 } } else { body.all += 1; if grey { body.grey += 1 } }
        }
        return (head.all > 0 ? Double(head.grey) / Double(head.all) : nil, body.all > 0 ? Double(body.grey) / Double(body.all) : nil)
    }

    /// A line through a point: coordinates along and across it.
    struct Axis {
        let cx: Double, cy: Double, cos: Double, sin: Double
        /// Degrees from the horizontal.
        var angleDegrees: Double { atan2(sin, cos) * 180 / .pi }
        /// Position along the axis.
        func along(_ x: Int, _ y: Int) -> Double { (Double(x) - cx) * cos + (Double(y) - cy) * sin }
        /// Position across the axis.
        func across(_ x: Int, _ y: Int) -> Double { -(Double(x) - cx) * sin + (Double(y) - cy) * cos }
    }
}
