/// Decodes JPEG uploads into RGB pixels with libjpeg-turbo, defensively: hostile or broken
/// bytes become an `ImageError`, never a crash, an exit or a huge allocation.
///
/// ```swift
/// let header = try JPEGDecoder.readHeader(upload)                  // gateway: cheap check
/// let decoded = try JPEGDecoder.decode(upload, options: .init(minimumShortSide: 256))
/// print(decoded.image.width, decoded.image.height, decoded.image.meanRGB())
/// ```
public enum JPEGDecoder {
    /// Decodes `bytes` into an RGB image (upright when `options.applyOrientation`).
    ///
    /// The header is checked against `options.maxPixels` before any pixel memory is allocated.
    /// With `options.minimumShortSide` the DCT itself scales the image down (M/8), which is
    /// much faster than decoding at full size and resizing.
    ///
    /// Data that ends before the image does (even just the end marker) fails with
    /// `truncated_jpeg`. Corrupt entropy-coded data that libjpeg recovers from decodes, as in
    /// browsers, with `DecodedImage.warnings` counting the damage.
    ///
    /// This is a blocking call into C taking milliseconds to tens of milliseconds: call it from
    /// a thread or serial queue of your own, never from Swift's cooperative pool.
    public static func decode(_ bytes: [UInt8], options: DecodeOptions = .init()) throws(ImageError) -> DecodedImage {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ImageError) in try decode(raw, options: options) }
        }
        return try result.get()
    }

    /// Decodes JPEG bytes in memory; see `decode(_:options:)`.
    public static func decode(_ bytes: UnsafeRawBufferPointer,
                              options: DecodeOptions = .init()) throws(ImageError) -> DecodedImage {
        let header = try readHeader(bytes, maxPixels: options.maxPixels)
        let decompressor = try JPEGDecompressor()
        defer { decompressor.close() }
        let libjpegHeader = try decompressor.readHeader(bytes)
        // Our marker walk and libjpeg should agree; if a crafted file makes them differ, the
        // limit must still hold for the size libjpeg will actually decode.
        guard libjpegHeader.width * libjpegHeader.height <= options.maxPixels else {
            throw .tooLarge(width: libjpegHeader.width, height: libjpegHeader.height, maxPixels: options.maxPixels)
        }
        let scale = options.scaleNumerator(width: libjpegHeader.width, height: libjpegHeader.height)
        decompressor.limitMemory(to: options.maxDecoderMemory)
        let output = try decompressor.start(scaleNumerator: scale)
        let (width, height) = (output.width, output.height)
        // The buffers below assume libjpeg's output format; never trust it blindly.
        let expectedBytesPerPixel = libjpegHeader.deliversCMYK ? 4 : 3
        guard output.bytesPerPixel == expectedBytesPerPixel, width > 0, height > 0,
              width * height <= options.maxPixels else {
            throw ImageError(code: "unsupported_jpeg",
                             message: "libjpeg delivers \(output.bytesPerPixel) bytes per pixel at \(width)×\(height), expected \(expectedBytesPerPixel)")
        }

        var image: RGBImage
        if libjpegHeader.deliversCMYK {
            var cmyk = [UInt8](repeating: 0, count: width * height * 4)
            let read = cmyk.withUnsafeMutableBytes { buffer in
                Result { () throws(ImageError) in try decompressor.readPixels(into: buffer, rowStride: width * 4) }
            }
            try read.get()
            image = RGBImage(width: width, height: height,
                             pixels: CMYKConversion.rgb(fromCMYK: cmyk, inverted: libjpegHeader.adobeInverted))
        } else {
            var failure: ImageError?
            let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, initialized in
                do throws(ImageError) {
                    try decompressor.readPixels(into: UnsafeMutableRawBufferPointer(buffer), rowStride: width * 3)
                    initialized = width * height * 3
                } catch {
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            image = RGBImage(width: width, height: height, pixels: pixels)
        }
        if options.applyOrientation && header.orientation != 1 {
            image = image.oriented(header.orientation)
        }
        return DecodedImage(image: image, header: header, scaleNumerator: scale, warnings: decompressor.warnings)
    }
}
