import Foundation
import Testing
@testable import Shared

/// The FLAC and WAV decoders behind `AudioReader`, on real bird calls (Debian
/// tuxpaint-stamps-default, converted by oggdec, flac and sox in scripts/fetch-fixtures.sh)
/// against what numpy reads from the WAVs and from Debian `flac -d` of the FLACs
/// (scripts/reference_audio.py), and against damaged, lying and foreign files.
@Suite struct AudioDecoderTests {
    private static let birds = ["cuckoo", "tucan", "blackbird", "owl"]

    @Test func everyFixtureDecodesToTheReferenceSamples() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: AudioFixtures.folder.path)
            .filter { ($0.hasSuffix(".wav") || $0.hasSuffix(".flac")) && $0 != "long.flac" && !$0.hasSuffix("_48k.wav") }
            .sorted()
        #expect(names.count >= 25)
        for name in names {
            let bytes = try AudioFixtures.bytes(name)
            var reader = try AudioReader(bytes: bytes, targetRate: AudioHeaderRate.of(bytes))
            let samples = try AudioFixtures.readAll(&reader, step: 4096)
            let reference = try AudioFixtures.floats("reference/\(name).f32")
            #expect(samples.count == reference.count, "\(name)")
            #expect(reader.sourceFrames == reference.count, "\(name)")
            // One channel converts exactly; averaging several may round differently in the last bit.
            let tolerance: Float = reader.channels == 1 ? 0 : 2e-7
            let worst = zip(samples, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance, "\(name): max difference \(worst)")
        }
    }

    @Test func flacIsBitExactWithItsSourceWAV() throws {
        for bird in Self.birds + ["heron"] {
            let wav = try AudioFixtures.decode("\(bird).wav")
            let variants = ["\(bird).flac"] + (bird == "heron" ? [] : ["\(bird)_b4608.flac"]) + (bird == "cuckoo" ? ["cuckoo_b1153.flac", "cuckoo_w24.flac", "cuckoo_verbatim.flac"] : [])
            for name in variants {
                let same = try AudioFixtures.decode(name) == wav
                #expect(same, "\(name)")
            }
        }
    }

    @Test func headerFactsAreReported() throws {
        let stereo = try AudioReader(bytes: AudioFixtures.bytes("cuckoo_s24.flac"))
        #expect(stereo.sourceRate == 44_100 && stereo.channels == 2 && stereo.bitsPerSample == 24 && stereo.targetRate == 48_000)
        let six = try AudioReader(bytes: AudioFixtures.bytes("cuckoo_6ch.flac"))
        #expect(six.channels == 6 && six.bitsPerSample == 16 && six.sourceFrames == 65_536)
        let wav = try AudioReader(bytes: AudioFixtures.bytes("cuckoo_3ch.wav"))
        #expect(wav.channels == 3 && wav.bitsPerSample == 24 && wav.sourceFrames == 65_536)
        let heron = try AudioReader(bytes: AudioFixtures.bytes("heron.flac"))
        #expect(heron.sourceRate == 22_050 && heron.channels == 1 && heron.bitsPerSample == 16)
    }

    @Test func theMD5IsVerifiedAndAPatchedSignatureIsAnError() throws {
        let flac = try AudioFixtures.bytes("cuckoo.flac")
        // STREAMINFO's MD5 is the MD5 of the little-endian samples: the WAV's data chunk, hashed by Crypto/MD5.
        let wav = try AudioFixtures.bytes("cuckoo.wav")
        let data = try #require(AudioFixtures.chunk("data", in: wav))
        #expect(Array(flac[26..<42]) == MD5.hash(Array(wav[(data + 8)...])))
        _ = try AudioFixtures.decode("cuckoo.flac")  // passes the streaming check
        var patched = flac
        patched[30] ^= 0x01
        var reader = try AudioReader(bytes: patched, targetRate: 44_100)
        #expect(throws: AudioDecodeError.md5Mismatch) { try AudioFixtures.readAll(&reader, step: 4096) }
        // A zero signature means "not computed": nothing to check.
        var unsigned = flac
        for i in 26..<42 { unsigned[i] = 0 }
        var plain = try AudioReader(bytes: unsigned, targetRate: 44_100)
        #expect(try AudioFixtures.readAll(&plain, step: 4096).count == 65_536)
    }

    @Test func checksumCorruptionIsAnError() throws {
        let flac = try AudioFixtures.bytes("tucan.flac")
        var decoder = try FLACDecoder(bytes: flac)
        let first = decoder.info.firstFrame
        let frame = try decoder.decodeFrame(at: first)
        // The header's CRC-8 byte, then the frame's CRC-16, then one bit of its audio.
        var header = flac
        header[first + frame.header.length - 1] ^= 0x40
        var footer = flac
        footer[frame.end - 1] ^= 0x01
        var audio = flac
        audio[(first + frame.end) / 2] ^= 0x08
        for (bytes, offset) in [(header, first), (footer, first), (audio, first)] {
            var reader = try AudioReader(bytes: bytes, targetRate: 44_100)
            do {
                _ = try AudioFixtures.readAll(&reader, step: 4096)
                Issue.record("a corrupted frame decoded")
            } catch {
                switch error {
                case let .crcMismatch(_, at): #expect(at == offset)
                case .corrupt: break  // a flipped residual bit can break the bit stream before the CRC is reached
                default: Issue.record("\(error)")
                }
            }
        }
    }

    @Test func aTruncatedFLACIsATruncationErrorAtEveryKindOfCut() throws {
        let flac = try AudioFixtures.bytes("blackbird.flac")
        var decoder = try FLACDecoder(bytes: flac)
        let first = decoder.info.firstFrame
        let frameEnd = try decoder.decodeFrame(at: first).end
        let cuts = [4, 20, 60, first + 2, first + 9, first + 300, frameEnd - 1, frameEnd, frameEnd + 1,
                    flac.count / 2, flac.count - 3, flac.count - 1]
        for cut in cuts {
            do {
                var reader = try AudioReader(bytes: Array(flac.prefix(cut)), targetRate: 44_100)
                var returned = 0
                do {
                    while case let chunk = try reader.read(maxSamples: 4096), !chunk.isEmpty { returned += chunk.count }
                    Issue.record("cut at \(cut) decoded \(returned) samples without an error")
                } catch {
                    // Cut at a frame boundary: the stream is shorter than STREAMINFO says.
                    let expected: Bool = switch error {
                    case .truncated: true
                    case .lengthMismatch(348_914, let decoded): cut == frameEnd && decoded == 4096
                    default: false
                    }
                    #expect(expected, "cut at \(cut): \(error)")
                    #expect(returned < 348_914)
                }
            } catch {
                #expect(cut < first, "cut at \(cut) failed at open: \(error)")
            }
        }
    }

    @Test func aWAVWhoseDataChunkOverstatesItsSizeIsTruncated() throws {
        var wav = try AudioFixtures.bytes("owl.wav")
        let data = try #require(AudioFixtures.chunk("data", in: wav))
        wav.replaceSubrange((data + 4)..<(data + 8), with: AudioFixtures.le32(UInt32(wav.count)))
        let error = #expect(throws: AudioDecodeError.self) { try AudioReader(bytes: wav) }
        guard case let .truncated(what)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(what.contains("promises"))
        // Half the file: the header still promises all of it.
        let owl = try AudioFixtures.bytes("owl.wav")
        #expect(throws: AudioDecodeError.self) { try AudioReader(bytes: Array(owl.prefix(owl.count / 2))) }
    }

    @Test func filesWithoutSamplesAreEmpty() throws {
        let wav = try AudioFixtures.bytes("owl.wav")
        let data = try #require(AudioFixtures.chunk("data", in: wav))
        var empty = Array(wav.prefix(data + 8))
        empty.replaceSubrange((data + 4)..<(data + 8), with: [0, 0, 0, 0])
        #expect(throws: AudioDecodeError.empty) { try AudioReader(bytes: empty) }
        #expect(throws: AudioDecodeError.empty) { try AudioReader(bytes: []) }
        // A FLAC with metadata only and an unknown length.
        let decoder = try FLACDecoder(bytes: try AudioFixtures.bytes("owl.flac"))
        var bare = Array(decoder.bytes.prefix(decoder.info.firstFrame))
        for i in 21..<26 { bare[i] &= i == 21 ? 0xF0 : 0 }
        var reader = try AudioReader(bytes: bare)
        #expect(reader.sourceFrames == nil)
        #expect(throws: AudioDecodeError.empty) { try reader.read(maxSamples: 100) }
    }

    @Test func aSampleRateOfZeroIsRefused() throws {
        var flac = try AudioFixtures.bytes("owl.flac")
        flac[18] = 0; flac[19] = 0; flac[20] &= 0x0F
        #expect(throws: AudioDecodeError.invalidHeader("the sample rate is 0")) { try AudioReader(bytes: flac) }
        var wav = try AudioFixtures.bytes("owl.wav")
        let fmt = try #require(AudioFixtures.chunk("fmt ", in: wav))
        wav.replaceSubrange((fmt + 12)..<(fmt + 16), with: [0, 0, 0, 0])
        #expect(throws: AudioDecodeError.invalidHeader("the sample rate is 0")) { try AudioReader(bytes: wav) }
        // A rate no recorder uses, which would make the resampler's filter enormous.
        wav.replaceSubrange((fmt + 12)..<(fmt + 16), with: AudioFixtures.le32(4_000_000_000))
        #expect(throws: AudioDecodeError.self) { try AudioReader(bytes: wav) }
    }

    @Test func unsupportedSampleSizesAndForeignFormatsAreNamed() throws {
        var wav = try AudioFixtures.bytes("owl.wav")
        let fmt = try #require(AudioFixtures.chunk("fmt ", in: wav))
        wav[fmt + 8 + 14] = 12; wav[fmt + 8 + 12] = 2
        #expect(throws: AudioDecodeError.unsupportedBitDepth(12)) { try AudioReader(bytes: wav) }
        let ogg = Array("OggS".utf8) + Array(repeating: 0, count: 60)
        #expect(throws: AudioDecodeError.unsupportedFormat("Ogg")) { try AudioReader(bytes: ogg) }
        let mp3: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + Array(repeating: 0, count: 400)
        #expect(throws: AudioDecodeError.unsupportedFormat("MP3")) { try AudioReader(bytes: mp3) }
        #expect(throws: AudioDecodeError.notAudio) { try AudioReader(bytes: Fixtures.bytes("eagle")) }
        #expect(AudioDecodeError.unsupportedFormat("Ogg").description == "Ogg audio is not accepted: upload FLAC or WAV")
        // A FLAC behind an ID3v2 tag decodes as itself.
        let flac = try AudioFixtures.bytes("owl.flac")
        let tagged: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 20] + Array(repeating: 0, count: 20) + flac
        var reader = try AudioReader(bytes: tagged, targetRate: 44_100)
        let same = try AudioFixtures.readAll(&reader, step: 10_000) == AudioFixtures.decode("owl.flac")
        #expect(same)
    }

    @Test func maxSecondsIsEnforcedFromTheHeaderOrWhileDecoding() throws {
        // blackbird lasts 7.91 s.
        #expect(throws: AudioDecodeError.tooLong(limit: 5)) { try AudioReader(bytes: AudioFixtures.bytes("blackbird.wav"), maxSeconds: 5) }
        #expect(throws: AudioDecodeError.tooLong(limit: 5)) { try AudioReader(bytes: AudioFixtures.bytes("blackbird.flac"), maxSeconds: 5) }
        _ = try AudioReader(bytes: AudioFixtures.bytes("blackbird.flac"), maxSeconds: 8)
        // With STREAMINFO's total zeroed the length is unknown until the frames run past the limit.
        var unknown = try AudioFixtures.bytes("blackbird.flac")
        unknown[21] &= 0xF0
        for i in 22..<26 { unknown[i] = 0 }
        var reader = try AudioReader(bytes: unknown, maxSeconds: 5)
        var returned = 0
        #expect(throws: AudioDecodeError.tooLong(limit: 5)) {
            while case let chunk = try reader.read(maxSamples: 4096), !chunk.isEmpty { returned += chunk.count }
        }
        #expect(returned > 4 * 48_000 && returned <= 5 * 48_000)
    }

    @Test func seekingGivesTheSameSamplesAsAWholeFileRead() throws {
        // Also a FLAC whose SEEKTABLE is retyped as padding, so the binary search alone finds frames.
        var noTable = try AudioFixtures.bytes("blackbird.flac")
        #expect(AudioFixtures.retypeSeekTable(&noTable))
        let files: [(String, [UInt8])] = try ["blackbird.flac", "blackbird.wav", "heron.flac", "tucan_s24.flac",
                                             "cuckoo_b1153.flac", "blackbird_16k.wav"].map { ($0, try AudioFixtures.bytes($0)) }
            + [("blackbird.flac without SEEKTABLE", noTable)]
        for (name, bytes) in files {
            var whole = try AudioReader(bytes: bytes)
            let all = try AudioFixtures.readAll(&whole, step: 50_000)
            for index in [0, 1, 7, 4_095, 100_003, all.count / 2, all.count - 10, all.count, all.count + 5_000] {
                var reader = try AudioReader(bytes: bytes)
                try reader.seek(toOutputSample: index)
                let slice = try reader.read(maxSamples: 6_000)
                let expected = index < all.count ? Array(all[index..<min(all.count, index + 6_000)]) : []
                #expect(slice.count == expected.count, "\(name) at \(index)")
                let worst = zip(slice, expected).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-5, "\(name) at \(index): \(worst)")
            }
            var reader = try AudioReader(bytes: bytes)
            #expect(throws: AudioDecodeError.invalidSeek(-1)) { try reader.seek(toOutputSample: -1) }
        }
    }

    @Test func aTenMinuteFLACStreamsInSmallReads() throws {
        let bytes = try AudioFixtures.bytes("long.flac")
        var reader = try AudioReader(bytes: bytes)
        let frames = 76 * 348_914
        #expect(reader.sourceFrames == frames)
        var count = 0, reads = 0
        while case let chunk = try reader.read(maxSamples: 4096), !chunk.isEmpty {
            #expect(chunk.count == 4096 || count + chunk.count == (frames * 320 + 147) / 294)
            count += chunk.count
            reads += 1
        }
        #expect(count == (frames * 320 + 147) / 294)  // frames · 48000 / 44100, rounded
        #expect(try reader.read(maxSamples: 4096).isEmpty)
    }

    @Test func aHeaderThatMisstatesTheLengthIsAnErrorAtTheEnd() throws {
        // STREAMINFO's total samples: 4 bits of byte 21, then bytes 22–25 (owl: 54072 samples).
        for claimed in [54_072 + 1_000, 54_072 - 1_000] {
            var flac = try AudioFixtures.bytes("owl.flac")
            flac[22] = UInt8(claimed >> 24 & 0xFF); flac[23] = UInt8(claimed >> 16 & 0xFF)
            flac[24] = UInt8(claimed >> 8 & 0xFF); flac[25] = UInt8(claimed & 0xFF)
            var reader = try AudioReader(bytes: flac, targetRate: 44_100)
            #expect(reader.sourceFrames == claimed)
            #expect(throws: AudioDecodeError.lengthMismatch(expected: claimed, decoded: 54_072)) {
                try AudioFixtures.readAll(&reader, step: 4096)
            }
        }
    }

    @Test func escapedResidualPartitionsDecode() throws {
        // `flac` never writes escaped partitions, so this stream is built bit by bit from RFC 9639:
        // two 16-sample mono frames, each FIXED order 1. Frame 0 (Rice, 4-bit parameters): partition 0
        // escaped to 6-bit raw residuals, partition 1 escaped with width 0 (all zero). Frame 1
        // (Rice2, 5-bit parameters): partition 0 Rice parameter 3, partition 1 escaped to 9 bits.
        var expected: [Int32] = []
        var generator = SeededGenerator(seed: 9639)
        var file = Array("fLaC".utf8) + [0x80, 0, 0, 34, 0, 16, 0, 16, 0, 0, 0, 0, 0, 0]
        // 8000 Hz, 1 channel, 16 bits, 32 samples; no MD5.
        file += [0x01, 0xF4, 0x00, 0xF0, 0, 0, 0, 32] + Array(repeating: 0, count: 16)
        for frame in 0..<2 {
            var bits = BitWriter()
            bits.put(0xFFF8, 16); bits.put(0x64, 8)  // block size: 8 bits follow; 8 kHz
            bits.put(0x08, 8)                        // mono, 16 bits
            bits.put(UInt64(frame), 8); bits.put(15, 8)
            bits.put(UInt64(FLACChecksumProbe.crc8(bits.bytes)), 8)
            bits.put(0x12, 8)                        // FIXED, order 1, no wasted bits
            let warmup = Int32.random(in: -20_000...20_000, using: &generator)
            bits.putSigned(warmup, 16)
            let r: [Int32]
            if frame == 0 {
                r = (0..<7).map { _ in Int32.random(in: -32...31, using: &generator) } + Array(repeating: 0, count: 8)
                bits.put(0, 2); bits.put(1, 4)
                bits.put(15, 4); bits.put(6, 5); for v in r[0..<7] { bits.putSigned(v, 6) }
                bits.put(15, 4); bits.put(0, 5)
            } else {
                r = (0..<15).map { _ in Int32.random(in: -200...200, using: &generator) }
                bits.put(1, 2); bits.put(1, 4)
                bits.put(3, 5)
                for v in r[0..<7] {
                    let folded = UInt64(v >= 0 ? 2 * Int64(v) : -2 * Int64(v) - 1)
                    bits.put(1, Int(folded >> 3) + 1); bits.put(folded & 7, 3)
                }
                bits.put(31, 5); bits.put(9, 5); for v in r[7...] { bits.putSigned(v, 9) }
            }
            bits.alignToByte()
            bits.put(UInt64(FLACChecksumProbe.crc16(bits.bytes)), 16)
            file += bits.bytes
            var sample = warmup
            expected.append(sample)
            for v in r { sample += v; expected.append(sample) }
        }
        var reader = try AudioReader(bytes: file, targetRate: 8_000)
        let decoded = try AudioFixtures.readAll(&reader, step: 100)
        #expect(decoded == expected.map { Float($0) / 32_768 })
    }

    @Test func mutatedFilesThrowOrDecodeButNeverCrash() throws {
        var generator = SeededGenerator(seed: 0xF1AC)
        let originals = [try AudioFixtures.bytes("owl.flac"), try AudioFixtures.bytes("cuckoo_s24.flac"),
                         try AudioFixtures.bytes("cuckoo_3ch.wav")]
        for round in 0..<300 {
            var bytes = originals[round % originals.count]
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                // Mostly in the headers and first frames, where a change steers the parser.
                let span = Bool.random(using: &generator) ? min(bytes.count, 2_000) : bytes.count
                bytes[Int.random(in: 0..<span, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            if Int.random(in: 0..<4, using: &generator) == 0 { bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator)) }
            do {
                var reader = try AudioReader(bytes: bytes, targetRate: 16_000, maxSeconds: 60)
                _ = try AudioFixtures.readAll(&reader, step: 8192)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}

/// Writes bits most significant first, for hand-built FLAC frames.
private struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var used = 8

    /// Appends the low `width` bits of `value`.
    mutating func put(_ value: UInt64, _ width: Int) {
        for i in stride(from: width - 1, through: 0, by: -1) {
            if used == 8 { bytes.append(0); used = 0 }
            bytes[bytes.count - 1] |= UInt8(value >> UInt64(i) & 1) << (7 - used)
            used += 1
        }
    }

    /// Appends `value` as a `width`-bit two's complement number.
    mutating func putSigned(_ value: Int32, _ width: Int) { put(UInt64(UInt32(bitPattern: value)) & (1 << width - 1), width) }

    /// Pads with zero bits to the next byte.
    mutating func alignToByte() { used = 8 }
}

/// FLAC's checksums over whole byte arrays.
private enum FLACChecksumProbe {
    static func crc8(_ bytes: [UInt8]) -> UInt8 { bytes.withUnsafeBufferPointer { FLACChecksum.crc8($0, 0..<$0.count) } }
    static func crc16(_ bytes: [UInt8]) -> UInt16 { bytes.withUnsafeBufferPointer { FLACChecksum.crc16($0, 0..<$0.count) } }
}

/// The bird fixtures and small helpers shared by the audio tests.
enum AudioFixtures {
    /// `.cache/fixtures/audio/birds`.
    static let folder = Fixtures.directory.appendingPathComponent("audio/birds")

    /// The bytes of `audio/birds/<name>`.
    static func bytes(_ name: String) throws -> [UInt8] { try Fixtures.bytes("audio/birds/\(name)") }

    /// A raw little-endian float32 reference file.
    static func floats(_ name: String) throws -> [Float] {
        let raw = try bytes(name)
        return raw.withUnsafeBytes { buffer in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Every remaining sample, `step` at a time.
    static func readAll(_ reader: inout AudioReader, step: Int) throws(AudioDecodeError) -> [Float] {
        var all: [Float] = []
        while case let chunk = try reader.read(maxSamples: step), !chunk.isEmpty { all += chunk }
        return all
    }

    /// A fixture decoded whole at its own rate.
    static func decode(_ name: String) throws -> [Float] {
        let bytes = try bytes(name)
        var reader = try AudioReader(bytes: bytes, targetRate: AudioHeaderRate.of(bytes))
        return try readAll(&reader, step: 65_536)
    }

    /// The offset of RIFF chunk `id`'s header.
    static func chunk(_ id: String, in bytes: [UInt8]) -> Int? {
        var offset = 12
        while offset + 8 <= bytes.count {
            if bytes[offset..<(offset + 4)].elementsEqual(id.utf8) { return offset }
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            offset += 8 + size + (size & 1)
        }
        return nil
    }

    /// `value` as four little-endian bytes.
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// Turns a FLAC's SEEKTABLE block into PADDING; false when it has none.
    static func retypeSeekTable(_ flac: inout [UInt8]) -> Bool {
        var offset = 4
        while offset + 4 <= flac.count {
            let last = flac[offset] & 0x80 != 0
            if flac[offset] & 0x7F == 3 {
                flac[offset] = flac[offset] & 0x80 | 1
                return true
            }
            offset += 4 + (Int(flac[offset + 1]) << 16 | Int(flac[offset + 2]) << 8 | Int(flac[offset + 3]))
            if last { break }
        }
        return false
    }
}

/// A file's own sample rate, so it can be read without resampling.
enum AudioHeaderRate {
    /// The rate `AudioReader` reports for `bytes`.
    static func of(_ bytes: [UInt8]) throws -> Int { try AudioReader(bytes: bytes).sourceRate }
}
