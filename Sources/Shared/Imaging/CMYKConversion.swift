/// Converts the CMYK pixels libjpeg delivers for CMYK/YCCK JPEGs into RGB.
enum CMYKConversion {
    /// RGB bytes for interleaved CMYK bytes. `inverted` is true when an Adobe APP14 marker was
    /// present: Photoshop (and Pillow) store CMYK inverted, 255 meaning no ink.
    ///
    /// Same arithmetic as Pillow's CMYK→RGB (R = (255−K) − C·(255−K)/255, rounded), so the two
    /// agree exactly on the same file.
    static func rgb(fromCMYK cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let count = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: count * 3) { out, initialized in
            cmyk.withUnsafeBufferPointer { source in
                let flip: UInt8 = inverted ? 255 : 0
                for i in 0..<count {
                    let inkBlack = Int(source[i * 4 + 3] ^ flip)
                    let white = 255 - inkBlack
                    for channel in 0..<3 {
                        let ink = Int(source[i * 4 + channel] ^ flip)
                        out[i * 3 + channel] = UInt8(white - mulDiv255(ink, white))
                    }
                }
            }
            initialized = count * 3
        }
    }

    /// a·b/255 rounded, exactly, for a, b in 0...255.
    @inline(__always)
    private static func mulDiv255(_ a: Int, _ b: Int) -> Int {
        let t = a * b + 128
        return ((t >> 8) + t) >> 8
    }
}
