import Foundation
import Shared

/// `probe`: decodes the JPEG with libjpeg and reports what it is — the first real analysis,
/// and the decode every later pipeline starts from.
///
/// Result: `{width, height, orientation, components, mean_rgb: [r, g, b], decode_ms}`; width and
/// height are as displayed (after EXIF orientation).
struct ProbeHandler: JobHandler {
    /// Pixel limit checked from the header before decoding.
    let maxPixels: Int
    /// Serves `probe`.
    let jobKind = JobKind.probe
    /// The decoder is the only model: bump when the result changes.
    let resultVersion: String? = "probe/1"

    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        let started = DispatchTime.now().uptimeNanoseconds
        let decoded = try ImageDecoder.decode(bytes, options: DecodeOptions(maxPixels: maxPixels))
        let decodeMs = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        let mean = decoded.image.meanRGB()
        return ProbeResult(width: decoded.header.orientedWidth, height: decoded.header.orientedHeight,
                           orientation: decoded.header.orientation, components: decoded.header.components,
                           meanRGB: [mean.r, mean.g, mean.b], decodeMs: decodeMs).json
    }
}

/// `noop`: does nothing and succeeds — used by the queue benchmark to measure the queue alone.
struct NoopHandler: JobHandler {
    /// Serves `noop`.
    let jobKind = JobKind.noop
    func run(_ job: RunningJob) throws -> JSON { ["ok": true] }
}
