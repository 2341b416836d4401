import CJPEG

/// Owns one libjpeg decompressor (through the CJPEG shim) for one decode, and turns the shim's
/// return codes and messages into `ImageError`. Not thread-safe; use one per decode.
final class JPEGDecompressor {
    /// What libjpeg read from the header.
    struct Header {
        let width: Int
        let height: Int
        /// True when libjpeg delivers CMYK (4 bytes a pixel) rather than RGB.
        let deliversCMYK: Bool
        /// True when an Adobe marker says the CMYK values are stored inverted.
        let adobeInverted: Bool
    }

    private var handle: OpaquePointer?

    /// Allocates the libjpeg decompressor.
    init() throws(ImageError) {
        guard let handle = roost_jpeg_create() else {
            throw ImageError(code: "corrupt_jpeg", message: "out of memory creating a JPEG decompressor")
        }
        self.handle = handle
    }

    deinit { close() }

    /// Releases libjpeg's memory; safe to call more than once.
    func close() {
        roost_jpeg_destroy(handle)
        handle = nil
    }

    /// Caps libjpeg's working memory (its buffers, not the caller's pixels) for this decode.
    func limitMemory(to bytes: Int) { roost_jpeg_set_memory_limit(handle, bytes) }

    /// Corrupt-data warnings libjpeg recovered from so far.
    var warnings: Int { Int(roost_jpeg_warning_count(handle)) }

    /// Parses the header of `bytes`, which must stay valid until `close()`.
    func readHeader(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> Header {
        var header = roost_jpeg_header()
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let status = roost_jpeg_read_header(handle, base, bytes.count, &header)
        if status == -2 { throw .unsupported(message()) }
        guard status == 0 else { throw failure() }
        return Header(width: Int(header.width), height: Int(header.height),
                      deliversCMYK: header.pixels == Int32(ROOST_JPEG_PIXELS_CMYK),
                      adobeInverted: header.adobe_inverted != 0)
    }

    /// Starts decompression at `scaleNumerator`/8; returns the output size and bytes per pixel.
    func start(scaleNumerator: Int) throws(ImageError) -> (width: Int, height: Int, bytesPerPixel: Int) {
        var width: Int32 = 0, height: Int32 = 0, bytesPerPixel: Int32 = 0
        guard roost_jpeg_start(handle, Int32(scaleNumerator), &width, &height, &bytesPerPixel) == 0 else {
            throw failure()
        }
        if roost_jpeg_truncated(handle) != 0 { throw .truncated(message()) }  // progressive: read whole in start
        return (Int(width), Int(height), Int(bytesPerPixel))
    }

    /// Decodes every row into `pixels` (rows `rowStride` bytes apart); fails if the data was cut short.
    func readPixels(into pixels: UnsafeMutableRawBufferPointer, rowStride: Int) throws(ImageError) {
        let base = pixels.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard roost_jpeg_read_pixels(handle, base, rowStride) == 0 else { throw failure() }
        if roost_jpeg_truncated(handle) != 0 { throw .truncated(message()) }
    }

    private func message() -> String {
        guard let text = roost_jpeg_message(handle) else { return "unknown libjpeg error" }
        return String(cString: text)
    }

    /// One funnel for fatal libjpeg errors: truncation caused most of them when data ran out.
    private func failure() -> ImageError {
        if roost_jpeg_truncated(handle) != 0 { return .truncated(message()) }
        let text = message()
        // JERR_OUT_OF_MEMORY / JERR_NO_BACKING_STORE: the file needs more than the memory cap.
        if text.contains("Insufficient memory") || text.contains("Backing store not supported") {
            return ImageError(code: "jpeg_memory_limit", message: "decoding needs more memory than allowed (\(text))")
        }
        return .corrupt(text)
    }
}
