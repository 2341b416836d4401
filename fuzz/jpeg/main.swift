// libFuzzer harness for the JPEG header reader (Swift marker walk) and the libjpeg-turbo shim
// (Sources/Shared/Imaging/JPEG*, Sources/CJPEG). Any bytes must give a header and pixels or an
// ImageError, never a trap, an exit or a memory error; decoded sizes must match the header.
import Shared

/// Small enough that a header claiming a big canvas over a few bytes of data is refused before libjpeg
/// spends milliseconds filling it: at 4 megapixels the first run managed only 78 executions a second.
private let maxPixels = 1 << 18

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    guard let header = try? JPEGDecoder.readHeader(bytes, maxPixels: maxPixels) else { return 0 }
    if header.width <= 0 || header.height <= 0 || !(1...8).contains(header.orientation) {
        fatalError("implausible header \(header)")
    }
    // Full size, then the smallest DCT scale (1/8), which takes a different path through libjpeg.
    for options in [DecodeOptions(maxPixels: maxPixels), DecodeOptions(maxPixels: maxPixels, minimumShortSide: 1)] {
        guard let decoded = try? JPEGDecoder.decode(bytes, options: options) else { continue }
        let image = decoded.image
        if image.pixels.count != image.width * image.height * 3 { fatalError("pixel buffer does not match \(image.width)x\(image.height)") }
        if options.minimumShortSide == nil && decoded.scaleNumerator == 8 {
            let (w, h) = header.swapsSides ? (header.height, header.width) : (header.width, header.height)
            if (image.width, image.height) != (w, h) {
                fatalError("decoded \(image.width)x\(image.height), header says \(w)x\(h) (orientation \(header.orientation))")
            }
        }
    }
    return 0
}
