import Foundation
import Testing
@testable import Shared

/// `AudioHeader` against what the reference tools read from real recordings (Debian alsa-utils'
/// WAVs, FLACs made from them by Debian's `flac`; python's `wave` and `metaflac` wrote
/// `.cache/fixtures/audio/reference.tsv`), and against damaged and foreign files.
@Suite struct AudioHeaderTests {
    private static let folder = Fixtures.directory.appendingPathComponent("audio")

    private func file(_ name: String) throws -> [UInt8] { try Fixtures.bytes("audio/\(name)") }

    /// `file → (frames, rate, channels, bits)` from the reference tools.
    private func reference() throws -> [(String, Int, Int, Int, Int)] {
        let text = String(decoding: try Fixtures.bytes("audio/reference.tsv"), as: UTF8.self)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            return (f[0], Int(f[1])!, Int(f[2])!, Int(f[3])!, Int(f[4])!)
        }
    }

    @Test func readsWhatTheReferenceToolsReadFromRealRecordings() throws {
        let rows = try reference()
        #expect(rows.count == 4)
        for (name, frames, rate, channels, bits) in rows {
            let header = try AudioHeader.read(try file(name))
            #expect(header.format == (name.hasSuffix(".flac") ? .flac : .wav), "\(name)")
            #expect(header.frames == frames, "\(name)")
            #expect(header.sampleRate == rate && header.channels == channels && header.bitsPerSample == bits, "\(name): \(header)")
            #expect(abs(header.duration - Double(frames) / Double(rate)) < 1e-9)
        }
    }

    @Test func everyTruncationOfTheHeadersIsAClearErrorNeverACrash() throws {
        for name in ["front_center.wav", "front_center.flac"] {
            let bytes = try file(name)
            // Every cut inside the first 200 bytes, then a few further on.
            for cut in Array(0..<200) + [1_000, 8_000] {
                do {
                    let header = try AudioHeader.read(Array(bytes.prefix(cut)))
                    Issue.record("\(name) cut at \(cut) was read as \(header)")
                } catch {
                    #expect(cut == 0 || !error.description.isEmpty)
                }
            }
        }
        // A WAV whose data chunk is cut short says so, with both sizes.
        let wav = try file("noise.wav")
        #expect(throws: AudioHeaderError.self) { try AudioHeader.read(Array(wav.prefix(wav.count / 2))) }
        do { _ = try AudioHeader.read(Array(wav.prefix(wav.count / 2))) } catch {
            guard case let .truncated(what) = error else { Issue.record("\(error)"); return }
            #expect(what.contains("promises"))
        }
    }

    @Test func aStreamedWAVWithoutItsSizeCountsTheBytesItHas() throws {
        var wav = try file("front_center.wav")
        let data = try #require(AudioFixtures.chunk("data", in: wav))
        for size: [UInt8] in [[0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF]] {
            wav.replaceSubrange((data + 4)..<(data + 8), with: size)
            let header = try AudioHeader.read(wav)
            #expect(header.frames == (wav.count - data - 8) / 2)
        }
    }

    @Test func foreignAudioAndOtherFilesAreNamed() throws {
        // MP3: a bare MPEG frame header, and one behind an ID3 tag.
        let mpeg: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + Array(repeating: 0, count: 400)
        #expect(throws: AudioHeaderError.unsupported("mp3")) { try AudioHeader.read(mpeg) }
        let id3: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 10] + Array(repeating: 0, count: 10) + mpeg
        #expect(throws: AudioHeaderError.unsupported("mp3")) { try AudioHeader.read(id3) }
        #expect(throws: AudioHeaderError.unsupported("ogg")) { try AudioHeader.read(Array("OggS".utf8) + Array(repeating: 0, count: 60)) }
        #expect(throws: AudioHeaderError.notAudio) { try AudioHeader.read(try Fixtures.bytes("eagle")) }
        #expect(throws: AudioHeaderError.notAudio) { try AudioHeader.read(Array("RIFF\u{0}\u{0}\u{0}\u{0}AVI LIST".utf8)) }
        // A FLAC behind an ID3 tag (some taggers write one) is still FLAC.
        let flac = try file("noise.flac")
        let tagged: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 20] + Array(repeating: 0, count: 20) + flac
        #expect(try AudioHeader.read(tagged) == AudioHeader.read(flac))
    }

    @Test func contradictoryHeadersAreRefused() throws {
        var flac = try file("noise.flac")
        // Total samples 0: the length is unknown.
        var unknown = flac
        // STREAMINFO's body starts at 8: total samples are the low 4 bits of byte 21 and bytes 22–25.
        for i in 22..<26 { unknown[i] = 0 }
        unknown[21] &= 0xF0
        #expect(throws: AudioHeaderError.self) { try AudioHeader.read(unknown) }
        // Sample rate 0.
        flac[18] = 0; flac[19] = 0; flac[20] &= 0x0F
        #expect(throws: AudioHeaderError.self) { try AudioHeader.read(flac) }
        // A WAV whose block alignment disagrees with its channels and sample size.
        var wav = try file("noise.wav")
        let fmt = try #require(AudioFixtures.chunk("fmt ", in: wav))
        wav[fmt + 8 + 12] = 7
        #expect(throws: AudioHeaderError.self) { try AudioHeader.read(wav) }
    }

    @Test func randomBytesAndMutationsNeverCrash() throws {
        var generator = SeededGenerator(seed: 0xA0D10)
        let originals = [try file("front_center.wav"), try file("front_center.flac")]
        for round in 0..<2_000 {
            var bytes = Array(originals[round % 2].prefix(512))
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if let header = try? AudioHeader.read(bytes) {
                #expect(header.sampleRate > 0 && header.channels > 0 && header.frames >= 0)
            }
        }
    }
}
