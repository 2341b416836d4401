/// Streams a FLAC file's samples frame by frame, mixed down to mono Float in [-1, 1).
///
/// Holds one frame's samples at a time. At the end of the stream it checks the length against
/// STREAMINFO and, when the whole stream was decoded from its start, the MD5 signature.
struct FLACDecoder: Sendable {
    /// The whole file.
    let bytes: [UInt8]
    /// Its metadata.
    let info: FLACStreamInfo
    /// Byte offset of the next frame.
    private(set) var offset: Int
    /// Sample number (per channel) of the next frame's first sample.
    private(set) var position = 0
    /// Whether the end-of-stream checks have run.
    private(set) var finished = false
    /// The running MD5, nil when STREAMINFO has none or a seek skipped samples.
    private var signature: FLACSignature?
    private var planes: [Int32] = []
    private var stride = 0

    /// Reads the metadata of `bytes`.
    init(bytes: [UInt8]) throws(AudioDecodeError) {
        self.bytes = bytes
        info = try FLACStreamInfo(bytes)
        offset = info.firstFrame
        signature = info.md5 == nil ? nil : FLACSignature()
    }

    /// Decodes the next frame and appends its mono mixdown to `out`; returns how many samples
    /// it added, 0 once the stream has ended (after the end-of-stream checks passed).
    mutating func decodeFrame(appendingTo out: inout [Float]) throws(AudioDecodeError) -> Int {
        if finished { return 0 }
        if atEnd {
            try finish()
            return 0
        }
        let (header, end) = try decodeFrame(at: offset)
        let count = header.blockSize, channels = info.channels
        let bytesPerSample = (info.bitsPerSample + 7) / 8
        let scale = 1 / (Float(channels) * Float(1 << (info.bitsPerSample - 1)))
        let first = out.count
        out.append(contentsOf: repeatElement(0, count: count))
        let planeStride = stride
        planes.withUnsafeBufferPointer { p in
            let planes = p.baseAddress!
            signature?.update(planes: planes, stride: planeStride, channels: channels, count: count, bytesPerSample: bytesPerSample)
            out.withUnsafeMutableBufferPointer { o in
                let mono = o.baseAddress! + first
                if channels == 1 {
                    for i in 0..<count { mono[i] = Float(planes[i]) * scale }
                } else {
                    for i in 0..<count {
                        var sum: Int32 = 0
                        for channel in 0..<channels { sum &+= planes[channel * planeStride + i] }
                        mono[i] = Float(sum) * scale
                    }
                }
            }
        }
        offset = end
        position += count
        return count
    }

    /// Decodes the frame at `start` into `planes` without moving the stream.
    mutating func decodeFrame(at start: Int) throws(AudioDecodeError) -> (header: FLACFrameHeader, end: Int) {
        let bytes = self.bytes, info = self.info
        return try bytes.withUnsafeBufferPointer { (buffer) throws(AudioDecodeError) in
            try FLACFrame.decode(buffer, at: start, info: info, planes: &planes, stride: &stride)
        }
    }

    /// Whether no frame follows: the file ends, or what follows is an ID3v1 tag or padding after
    /// all the samples STREAMINFO announced.
    private var atEnd: Bool {
        if offset >= bytes.count { return true }
        if offset + 1 < bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] & 0xFE == 0xF8 { return false }
        let reachedTotal = info.totalSamples > 0 && position >= info.totalSamples
        return reachedTotal || bytes[offset...].starts(with: "TAG".utf8) && bytes.count - offset <= 128
    }

    /// The end-of-stream checks: something decoded, the announced length, the MD5.
    private mutating func finish() throws(AudioDecodeError) {
        finished = true
        if info.totalSamples > 0, position != info.totalSamples {
            throw .lengthMismatch(expected: info.totalSamples, decoded: position)
        }
        if position == 0 { throw .empty }
        if var digest = signature, let expected = info.md5 {
            signature = nil
            guard digest.finish() == expected else { throw .md5Mismatch }
        }
    }

    /// Starts over from the first frame (the MD5 check stays possible).
    mutating func rewind() {
        offset = info.firstFrame
        position = 0
        finished = false
        signature = info.md5 == nil ? nil : FLACSignature()
    }

    /// Moves to the frame at `offset` whose first sample is `sample`; the MD5 can no longer be checked.
    mutating func move(to offset: Int, sample: Int) {
        self.offset = offset
        position = sample
        finished = false
        signature = nil
    }
}
