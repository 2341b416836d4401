import Foundation
import Shared

/// `sizes`: decodes the photo (EXIF orientation applied), shrinks it by area averaging to each of
/// `SizesJob.sizes` and encodes each through libjpeg.
struct SizesHandler: JobHandler {
    /// Pixel limit checked from the header before decoding.
    let maxPixels: Int
    /// Serves `sizes`.
    let jobKind = JobKind.sizes
    /// Bump when the sizes change.
    let resultVersion: String? = "sizes/1 q\(SizesJob.quality)"

    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        // libjpeg may shrink by DCT scaling while it decodes, as long as the largest size stays covered.
        let options = DecodeOptions(maxPixels: maxPixels, minimumShortSide: SizesJob.sizes.map(\.maxSide).max(), applyOrientation: true)
        let image = try ImageDecoder.decode(bytes, options: options).image
        var made: [SizesJob.Size] = []
        var source = image
        // Largest first, each from the previous one: the same area average, less work.
        for (name, side) in SizesJob.sizes.sorted(by: { $0.maxSide > $1.maxSide }) {
            source = source.shrunk(toFit: side)
            made.append(SizesJob.Size(name: name, width: source.width, height: source.height,
                                      jpeg: try JPEGEncoder.encode(source, quality: SizesJob.quality)))
        }
        return SizesJob.result(made.reversed())
    }
}
