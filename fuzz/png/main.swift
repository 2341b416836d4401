// libFuzzer harness for the inflater and the PNG decoder (Sources/Shared/Compression,
// Sources/Shared/Imaging/PNG). Any bytes must give output within the stated limit or an
// InflateError / ImageError, never a trap or a memory error.
//
// The first input byte picks the mode, the rest is the data:
//   even: raw DEFLATE through `Inflate.decompress` (exact or growing buffer, by bit 1) and gzip;
//   odd:  a PNG whose chunk CRCs the harness recomputes first, so mutations reach the inflater,
//         the filters and the colour conversion instead of stopping at a CRC mismatch.
// Built like the jpeg target (Shared from Sources/Shared/Imaging/*.swift plus
// Sources/Shared/Imaging/PNG/*.swift and Sources/Shared/Compression/*.swift, with the CJPEG shim).
import Shared

private let maxOutput = 1 << 20
private let maxPixels = 1 << 18

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let mode = data[0]
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if mode & 1 == 0 {
        if let out = try? Inflate.decompress(bytes, maxOutput: maxOutput, preallocate: mode & 2 != 0), out.count > maxOutput {
            fatalError("inflate returned \(out.count) bytes, limit \(maxOutput)")
        }
        if let out = try? Gzip.decompress([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + bytes, maxOutput: 4096), out.count > 4096 {
            fatalError("gzip returned \(out.count) bytes, limit 4096")
        }
        return 0
    }
    // Recompute every chunk's CRC (chunks after the signature, as far as they are whole).
    var offset = 8
    while offset + 12 <= bytes.count {
        let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        guard length <= bytes.count - offset - 12 else { break }
        let crc = CRC32.checksum(bytes[(offset + 4)..<(offset + 8 + length)])
        for k in 0..<4 { bytes[offset + 8 + length + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
        offset += 12 + length
    }
    guard let png = try? PNGDecoder.decode(bytes, maxPixels: maxPixels) else { return 0 }
    let image = png.image
    if image.width != png.header.width || image.height != png.header.height || image.pixels.count != image.width * image.height * 3 {
        fatalError("pixel buffer does not match the header")
    }
    if let alpha = png.alpha, alpha.count != image.width * image.height { fatalError("alpha buffer does not match the header") }
    return 0
}
