import Foundation
import Shared

/// Finds faces in JPEG photos (YuNet) and, on request, describes each one's identity (SFace).
///
/// A photo is decoded upright and fed to YuNet at its own size, as OpenCV's `FaceDetectorYN` is
/// used with its input size set to the photo's size, so small faces in group photos are kept.
/// Only photos whose longer side exceeds `maxSide` (`ROOST_FACE_MAX_SIDE`, default 1920) are
/// shrunk to it — libjpeg's DCT scaling first, then an area resize — and boxes and landmarks
/// scaled back to the photo's own pixels. Photos are never enlarged. Faces are aligned and
/// described from the same detector-sized image. Load once and share; every call is blocking CPU work.
///
/// ```swift
/// let analyzer = try FaceAnalyzer(modelsDirectory: URL(fileURLWithPath: "models"))
/// let result = try analyzer.analyze(jpeg: bytes, embeddings: true)
/// print(result.json.serialized())   // {"faces":[{"box":[...],"score":0.93,...}],...}
/// ```
public final class FaceAnalyzer: Sendable {
    /// Default longest side of the detector input (`ROOST_FACE_MAX_SIDE`): photos up to
    /// 1920 px (a 2-megapixel photo) are detected at their own resolution.
    public static let defaultMaxSide = 1920
    /// Longest side of the detector input; larger photos are scaled down to it.
    public let maxSide: Int

    /// The detector.
    public let detector: FaceDetector
    /// The identity model.
    public let embedder: FaceEmbedder
    /// Pixel limit checked against the JPEG header before decoding.
    public let maxPixels: Int

    /// Loads YuNet and SFace from `modelsDirectory`.
    /// - Parameters:
    ///   - modelsDirectory: The folder `scripts/fetch-models.sh` fills (`models/`).
    ///   - threads: Threads each inference may use.
    ///   - maxPixels: Largest photo accepted, checked from the header.
    ///   - maxSide: Longest side the detector sees (`ROOST_FACE_MAX_SIDE`); larger photos are shrunk to it.
    public init(modelsDirectory: URL, threads: Int = 1, maxPixels: Int = DecodeOptions.defaultMaxPixels,
                maxSide: Int = FaceAnalyzer.defaultMaxSide) throws {
        detector = try FaceDetector(modelsDirectory: modelsDirectory, threads: threads)
        embedder = try FaceEmbedder(modelsDirectory: modelsDirectory, threads: threads)
        self.maxPixels = maxPixels
        self.maxSide = max(1, maxSide)
    }

    /// The detector input size for an upright `width` × `height` photo: the same size when its
    /// longer side is ≤ `maxSide`, else scaled so the longer side is `maxSide` (the other rounded, ≥ 1).
    public static func detectorSize(width: Int, height: Int, maxSide: Int = defaultMaxSide) -> (width: Int, height: Int) {
        DecodeOptions.fittedSize(width: width, height: height, maxSide: maxSide)
    }

    /// Decodes `bytes` and returns the faces in it (with descriptors when `embeddings`).
    /// - Throws: `ImageError` for photos that cannot be decoded (permanent), `InferenceError` or
    ///   `FaceError` for engine or model problems.
    /// `maxSide` overrides the analyzer's detector size for this call (smaller is faster and finds
    /// only larger faces).
    public func analyze(jpeg bytes: [UInt8], embeddings: Bool = false, maxSide: Int? = nil) throws -> FacesResult {
        let start = ContinuousClock.now
        let (input, width, height) = try detectorInput(jpeg: bytes, maxSide: maxSide)
        return try analyze(detectorInput: input, photoWidth: width, photoHeight: height,
                           embeddings: embeddings, start: start)
    }

    /// The upright detector-sized image of a JPEG, with the photo's upright size.
    public func detectorInput(jpeg bytes: [UInt8], maxSide: Int? = nil) throws -> (image: RGBImage, width: Int, height: Int) {
        let header = try ImageDecoder.readHeader(bytes, maxPixels: maxPixels)
        let width = header.orientedWidth, height = header.orientedHeight
        let target = Self.detectorSize(width: width, height: height, maxSide: max(1, maxSide ?? self.maxSide))
        let options = DecodeOptions(maxPixels: maxPixels,
                                    minimumShortSide: DecodeOptions.fastShortSide(width: width, height: height, covering: target),
                                    applyOrientation: true)
        let decoded = try ImageDecoder.decode(bytes, options: options).image
        return (decoded.resized(width: target.width, height: target.height), width, height)
    }

    /// Faces in an already prepared detector input of a `photoWidth` × `photoHeight` photo.
    public func analyze(detectorInput image: RGBImage, photoWidth: Int, photoHeight: Int,
                        embeddings: Bool, start: ContinuousClock.Instant = .now) throws -> FacesResult {
        var faces = try detector.detect(image)
        let detected = ContinuousClock.now
        if embeddings {
            for index in faces.indices {
                faces[index].embedding = try embedder.embedding(of: image, landmarks: faces[index].landmarks)
            }
        }
        let embedded = ContinuousClock.now
        let scaleX = Float(photoWidth) / Float(max(image.width, 1))
        let scaleY = Float(photoHeight) / Float(max(image.height, 1))
        return FacesResult(faces: faces.map { $0.scaled(x: scaleX, y: scaleY) },
                            width: photoWidth, height: photoHeight,
                            detectMs: Self.milliseconds(detected - start),
                            embedMs: embeddings ? Self.milliseconds(embedded - detected) : 0)
    }

    /// `duration` in milliseconds.
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
