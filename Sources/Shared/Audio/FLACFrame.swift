/// Decodes one whole FLAC frame (RFC 9639 §9): header, one subframe per channel, the stereo
/// decorrelation, and the frame's CRC-16.
enum FLACFrame {
    /// Decodes the frame at `start` into `planes` (channel `c`'s samples at `c * stride`, the
    /// stride grown to fit), after checking its header against `info`; returns the header and the
    /// byte offset just past the frame.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, info: FLACStreamInfo,
                       planes: inout [Int32], stride: inout Int) throws(AudioDecodeError) -> (header: FLACFrameHeader, end: Int) {
        let header = try FLACFrameHeader(bytes, at: start)
        guard header.channels == info.channels, header.sampleRate ?? info.sampleRate == info.sampleRate,
              header.bitsPerSample ?? info.bitsPerSample == info.bitsPerSample else {
            throw .corrupt("the FLAC frame at byte \(start) disagrees with STREAMINFO")
        }
        let count = header.blockSize, bits = info.bitsPerSample, channels = header.channels
        if stride < count {
            stride = count
            planes = [Int32](repeating: 0, count: channels * count)
        }
        var reader = FLACBitReader(bytes, at: start + header.length)
        let planeStride = stride
        try planes.withUnsafeMutableBufferPointer { (p) throws(AudioDecodeError) in
            let base = p.baseAddress!
            for channel in 0..<channels {
                // The side channel (left − right) needs one bit more than the others.
                let side = switch header.layout {
                case .independent: false
                case .leftSide, .midSide: channel == 1
                case .sideRight: channel == 0
                }
                try FLACSubframe.decode(&reader, into: base + channel * planeStride, blockSize: count,
                                        bitsPerSample: bits + (side ? 1 : 0))
            }
            reader.alignToByte()
            let crcOffset = reader.byteOffset
            let stored = try reader.read(16)
            guard FLACChecksum.crc16(bytes, start..<crcOffset) == UInt16(stored) else {
                throw .crcMismatch("frame", byteOffset: start)
            }
            if channels == 2 { decorrelate(left: base, right: base + planeStride, count: count, layout: header.layout) }
        }
        return (header, reader.byteOffset)
    }

    /// Turns the coded pair back into left and right.
    private static func decorrelate(left: UnsafeMutablePointer<Int32>, right: UnsafeMutablePointer<Int32>,
                                    count: Int, layout: FLACFrameHeader.ChannelLayout) {
        switch layout {
        case .independent:
            break
        case .leftSide:
            for i in 0..<count { right[i] = left[i] &- right[i] }
        case .sideRight:
            for i in 0..<count { left[i] = left[i] &+ right[i] }
        case .midSide:
            for i in 0..<count {
                // The mid channel dropped its lowest bit, which equals the side's lowest bit.
                let side = right[i]
                let mid = left[i] &<< 1 | side & 1
                left[i] = (mid &+ side) &>> 1
                right[i] = (mid &- side) &>> 1
            }
        }
    }
}
