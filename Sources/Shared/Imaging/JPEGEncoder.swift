import CJPEG

/// Encodes RGB images as baseline JPEG through libjpeg-turbo (the `CJPEG` shim owns the compressor
/// for the length of one call, error handling included).
public enum JPEGEncoder {
    /// The JPEG file of `image` at `quality` (1–100). Throws `ImageError.encodeFailed` with
    /// libjpeg's message when it refuses (an empty image, out of memory).
    public static func encode(_ image: RGBImage, quality: Int = 85) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else { throw ImageError.encodeFailed("an empty image has no JPEG") }
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 200)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            roost_jpeg_encode_rgb(pixels.baseAddress, Int32(image.width), Int32(image.height), image.width * 3,
                                  Int32(min(max(quality, 1), 100)), &out, &size, &message, message.count)
        }
        guard status == 0, let out else {
            throw ImageError.encodeFailed(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { roost_jpeg_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }
}
