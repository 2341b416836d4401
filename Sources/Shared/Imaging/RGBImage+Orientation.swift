extension RGBImage {
    /// Applies an EXIF orientation (1...8) and returns the upright image; other values return
    /// the image unchanged. Orientations 5...8 swap width and height.
    public func oriented(_ orientation: Int) -> RGBImage {
        guard (2...8).contains(orientation), width > 0, height > 0 else { return self }
        let w = width, h = height
        // For each display pixel (dx, dy) the stored pixel is origin + dx*stepX + dy*stepY
        // (in stored pixel indices). Derived from the EXIF definitions of the eight orientations.
        let (originX, originY, stepX, stepY): (Int, Int, Int, Int)
        switch orientation {
        case 2: (originX, originY, stepX, stepY) = (w - 1, 0, -1, w)       // mirror horizontally
        case 3: (originX, originY, stepX, stepY) = (w - 1, h - 1, -1, -w)  // rotate 180°
        case 4: (originX, originY, stepX, stepY) = (0, h - 1, 1, -w)       // mirror vertically
        case 5: (originX, originY, stepX, stepY) = (0, 0, w, 1)            // transpose
        case 6: (originX, originY, stepX, stepY) = (0, h - 1, -w, 1)       // rotate 90° clockwise
        case 7: (originX, originY, stepX, stepY) = (w - 1, h - 1, -w, -1)  // transverse
        default: (originX, originY, stepX, stepY) = (w - 1, 0, w, -1)      // 8: rotate 90° counter-clockwise
        }
        let outWidth = orientation >= 5 ? h : w
        let outHeight = orientation >= 5 ? w : h
        let output = [UInt8](unsafeUninitializedCapacity: w * h * 3) { out, initialized in
            pixels.withUnsafeBufferPointer { source in
                var o = 0
                for dy in 0..<outHeight {
                    var s = originY * w + originX + dy * stepY
                    for _ in 0..<outWidth {
                        out[o] = source[s * 3]
                        out[o + 1] = source[s * 3 + 1]
                        out[o + 2] = source[s * 3 + 2]
                        o += 3
                        s += stepX
                    }
                }
            }
            initialized = w * h * 3
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: output)
    }
}
