/// Decodes the image formats Roost accepts, JPEG (libjpeg) and PNG (our own decoder), telling
/// them apart by their magic bytes. Same contract as `JPEGDecoder`: limits checked from the header
/// before decoding, hostile bytes become an `ImageError`.
public enum ImageDecoder {
    /// True for JPEG or PNG bytes.
    public static func isSupported(_ bytes: [UInt8]) -> Bool { JPEGDecoder.isJPEG(bytes) || PNGDecoder.isPNG(bytes) }

    /// The header of a JPEG or PNG (a PNG has orientation 1; `isProgressive` means Adam7).
    public static func readHeader(_ bytes: [UInt8], maxPixels: Int = DecodeOptions.defaultMaxPixels) throws(ImageError) -> ImageHeader {
        guard PNGDecoder.isPNG(bytes) else { return try JPEGDecoder.readHeader(bytes, maxPixels: maxPixels) }
        let png = try PNGHeader.read(bytes, maxPixels: maxPixels)
        return ImageHeader(width: png.width, height: png.height, components: png.channels, orientation: 1, isProgressive: png.isInterlaced)
    }

    /// Decodes a JPEG or PNG to 8-bit RGB. PNGs decode at full size (no DCT scaling) with alpha dropped.
    public static func decode(_ bytes: [UInt8], options: DecodeOptions = .init()) throws(ImageError) -> DecodedImage {
        guard PNGDecoder.isPNG(bytes) else { return try JPEGDecoder.decode(bytes, options: options) }
        let png = try PNGDecoder.decode(bytes, maxPixels: options.maxPixels)
        let header = ImageHeader(width: png.header.width, height: png.header.height, components: png.header.channels,
                                 orientation: 1, isProgressive: png.header.isInterlaced)
        return DecodedImage(image: png.image, header: header, scaleNumerator: 8, warnings: 0)
    }
}
