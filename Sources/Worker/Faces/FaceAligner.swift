import Foundation
import Shared

/// Cuts a face out of a photo as the 112×112 crop SFace expects, as OpenCV's
/// `cv::FaceRecognizerSF::alignCrop` does: the least-squares similarity transform (rotation,
/// uniform scale, translation; Umeyama's method) taking the five landmarks onto SFace's
/// template, then an affine warp with bilinear interpolation and black outside the photo.
public enum FaceAligner {
    /// Side of the aligned crop.
    public static let size = 112
    /// SFace's landmark template in the 112×112 crop (eyes, nose tip, mouth corners).
    public static let template: [SIMD2<Double>] = [
        [38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041],
    ]
    /// The template's centroid, as OpenCV states it.
    static let templateMean = SIMD2<Double>(56.0262, 71.9008)

    /// The 2×3 matrix [a, b, c, d, e, f] mapping photo points (x, y) to crop points
    /// (a·x + b·y + c, d·x + e·y + f) that best fits `landmarks` onto the template.
    public static func transform(landmarks: [DetectedFace.Point]) -> [Double] {
        precondition(landmarks.count == 5, "five landmarks")
        let source = landmarks.map { SIMD2<Double>(Double($0.x), Double($0.y)) }
        let sourceMean = source.reduce(.zero, +) / 5
        // Cross-covariance of template and photo points, and the photo points' variance.
        var a00 = 0.0, a01 = 0.0, a10 = 0.0, a11 = 0.0, variance = 0.0
        for (point, target) in zip(source, template) {
            let s = point - sourceMean, t = target - templateMean
            a00 += t.x * s.x; a01 += t.x * s.y
            a10 += t.y * s.x; a11 += t.y * s.y
            variance += s.x * s.x + s.y * s.y
        }
        // For 2×2 the best rotation has a closed form: its (cos, sin) is proportional to
        // (a00 + a11, a10 − a01), and the length of that vector is the sum of the signed singular
        // values Umeyama's SVD would give (reflections excluded), so scale = length / variance.
        let p = a00 + a11, q = a10 - a01
        let length = (p * p + q * q).squareRoot()
        guard length > 0, variance > 0 else { return [0, 0, templateMean.x, 0, 0, templateMean.y] }
        let cosine = p / length, sine = q / length
        let scale = length / variance
        let m00 = scale * cosine, m01 = -scale * sine, m10 = scale * sine, m11 = scale * cosine
        return [m00, m01, templateMean.x - (m00 * sourceMean.x + m01 * sourceMean.y),
                m10, m11, templateMean.y - (m10 * sourceMean.x + m11 * sourceMean.y)]
    }

    /// The aligned 112×112 crop of the face with `landmarks` in `image`.
    public static func crop(_ image: RGBImage, landmarks: [DetectedFace.Point]) -> RGBImage {
        warp(image, matrix: transform(landmarks: landmarks), size: size)
    }

    /// `cv::warpAffine(INTER_LINEAR, BORDER_CONSTANT 0)` of `image` by `matrix` into a
    /// `size`×`size` image. Like OpenCV, source positions are rounded to 1/32 pixel before
    /// interpolating, so results match it to within rounding of the last bit.
    static func warp(_ image: RGBImage, matrix m: [Double], size: Int) -> RGBImage {
        // Invert the photo→crop matrix: each crop pixel looks up where it came from.
        let determinant = m[0] * m[4] - m[1] * m[3]
        let inverse: [Double] = determinant == 0 ? [0, 0, 0, 0, 0, 0] : {
            let i00 = m[4] / determinant, i01 = -m[1] / determinant
            let i10 = -m[3] / determinant, i11 = m[0] / determinant
            return [i00, i01, -(i00 * m[2] + i01 * m[5]), i10, i11, -(i10 * m[2] + i11 * m[5])]
        }()
        let width = image.width, height = image.height
        var output = [UInt8](repeating: 0, count: size * size * 3)
        image.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { out in
                /// Channel `c` of pixel (x, y), or 0 outside the image.
                func sample(_ x: Int, _ y: Int, _ c: Int) -> Float {
                    guard x >= 0, y >= 0, x < width, y < height else { return 0 }
                    return Float(pixels[(y * width + x) * 3 + c])
                }
                for row in 0..<size {
                    for column in 0..<size {
                        // Fixed point with 5 fractional bits, rounded to nearest, as OpenCV.
                        let sx = Int(((inverse[0] * Double(column) + inverse[1] * Double(row) + inverse[2]) * 32).rounded())
                        let sy = Int(((inverse[3] * Double(column) + inverse[4] * Double(row) + inverse[5]) * 32).rounded())
                        let x0 = sx >> 5, y0 = sy >> 5
                        let fx = Float(sx & 31) / 32, fy = Float(sy & 31) / 32
                        for c in 0..<3 {
                            let top = sample(x0, y0, c) * (1 - fx) + sample(x0 + 1, y0, c) * fx
                            let bottom = sample(x0, y0 + 1, c) * (1 - fx) + sample(x0 + 1, y0 + 1, c) * fx
                            let value = top * (1 - fy) + bottom * fy
                            out[(row * size + column) * 3 + c] = UInt8(min(max(value.rounded(), 0), 255))
                        }
                    }
                }
            }
        }
        return RGBImage(width: size, height: size, pixels: output)
    }
}
