/// Seeking in a FLAC stream: a SEEKTABLE narrows the range when there is one, then a binary
/// search over byte offsets finds the last frame that starts at or before the target sample.
/// A candidate frame counts only if its sync code, header CRC-8 and whole-frame CRC-16 all check,
/// so audio bytes that happen to look like a sync code are skipped.
extension FLACDecoder {
    /// Below this many bytes the search stops and the caller decodes forward.
    private static let linearSpan = 32 * 1024

    /// Positions the stream at a frame whose first sample is at or before `target`; returns that sample.
    mutating func seek(toSample target: Int) throws(AudioDecodeError) -> Int {
        guard target > 0 else {
            rewind()
            return 0
        }
        var low = (offset: info.firstFrame, sample: 0)
        var high = bytes.count
        if let index = info.seekPoints.lastIndex(where: { $0.sample <= target }) {
            let point = info.seekPoints[index]
            if let frame = findFrame(from: info.firstFrame + point.offset, before: info.firstFrame + point.offset + 1),
               frame.sample == point.sample {
                low = frame
            }
            if index + 1 < info.seekPoints.count {
                high = min(high, max(low.offset + 1, info.firstFrame + info.seekPoints[index + 1].offset))
            }
        }
        while high - low.offset > Self.linearSpan {
            let middle = low.offset + (high - low.offset) / 2
            if let frame = findFrame(from: middle, before: high), frame.sample <= target {
                low = frame
            } else {
                high = middle
            }
        }
        move(to: low.offset, sample: low.sample)
        return low.sample
    }

    /// The first frame starting in `from..<before` that decodes with good checksums.
    private mutating func findFrame(from: Int, before: Int) -> (offset: Int, sample: Int)? {
        var candidate = max(from, info.firstFrame)
        let limit = min(before, bytes.count - 1)
        while candidate < limit {
            if bytes[candidate] == 0xFF, bytes[candidate + 1] & 0xFE == 0xF8,
               let frame = try? decodeFrame(at: candidate) {
                let header = frame.header
                // Fixed-size streams number frames; every frame but the last holds the fixed size.
                let sample = header.numbersSamples ? header.number : header.number * max(info.maxBlockSize, header.blockSize)
                return (candidate, sample)
            }
            candidate += 1
        }
        return nil
    }
}
