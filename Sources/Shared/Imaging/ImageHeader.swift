/// What a JPEG's header says about its image, read without decoding any pixel.
public struct ImageHeader: Sendable, Equatable {
    /// Stored width in pixels (before orientation).
    public let width: Int
    /// Stored height in pixels (before orientation).
    public let height: Int
    /// Colour components in the file: 1 (grayscale), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    public let components: Int
    /// EXIF orientation 1...8; 1 when the file has none or an invalid one.
    public let orientation: Int
    /// True for progressive (multi-scan) JPEGs.
    public let isProgressive: Bool

    /// Creates a header.
    /// - Parameters:
    ///   - width: Stored width in pixels.
    ///   - height: Stored height in pixels.
    ///   - components: Colour components in the file.
    ///   - orientation: EXIF orientation 1...8.
    ///   - isProgressive: Whether the file is progressive.
    public init(width: Int, height: Int, components: Int, orientation: Int, isProgressive: Bool) {
        self.width = width
        self.height = height
        self.components = components
        self.orientation = orientation
        self.isProgressive = isProgressive
    }

    /// True when the orientation turns the image a quarter (EXIF 5...8), swapping its sides.
    public var swapsSides: Bool { (5...8).contains(orientation) }
    /// Width after applying orientation (swapped for 5...8).
    public var orientedWidth: Int { swapsSides ? height : width }
    /// Height after applying orientation (swapped for 5...8).
    public var orientedHeight: Int { swapsSides ? width : height }
    /// Stored pixel count.
    public var pixelCount: Int { width * height }
}
