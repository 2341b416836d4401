import Foundation
import Testing
@testable import Shared

/// `Resampler` (through `AudioReader`) against soxr 1.1.0 at VHQ on real bird calls
/// (scripts/reference_audio.py wrote soxr's output at fixture time), and against the maths:
/// pure tones, stop-band rejection, block-size independence, identity.
@Suite struct ResamplerTests {
    @Test func agreesWithSoxrOnRealRecordings() throws {
        // heron: 22.05 kHz native; the others 44.1 kHz; blackbird_16k made by sox at 16 kHz.
        for name in ["heron", "cuckoo", "tucan", "blackbird", "owl", "blackbird_16k"] {
            var reader = try AudioReader(bytes: AudioFixtures.bytes("\(name).wav"), targetRate: 48_000)
            let ours = try AudioFixtures.readAll(&reader, step: 10_000)
            let soxr = try AudioFixtures.floats("reference/\(name).wav.soxr48k.f32")
            #expect(ours.count == soxr.count, "\(name)")
            // Both are aligned with their input; check that no other lag fits better.
            let lags = (-3...3).map { lag in (lag, Self.rms(ours, soxr, lag: lag)) }
            let best = lags.min { $0.1 < $1.1 }!
            #expect(best.0 == 0, "\(name): best lag \(best.0)")
            let signal = Self.rms(soxr, [Float](repeating: 0, count: soxr.count), lag: 0)
            let worst = zip(ours, soxr).map { abs($0 - $1) }.max() ?? 0
            print("resampler vs soxr VHQ \(name) \(reader.sourceRate)→48000: RMS diff \(best.1), relative \(best.1 / signal), max abs \(worst)")
            #expect(best.1 / signal <= 1e-3, "\(name)")
        }
    }

    @Test func equalRatesCopyExactly() throws {
        var reader = try AudioReader(bytes: AudioFixtures.bytes("cuckoo.wav"), targetRate: 44_100)
        let copy = try AudioFixtures.readAll(&reader, step: 777)
        let same = copy == (try AudioFixtures.floats("reference/cuckoo.wav.f32"))
        #expect(same)
    }

    @Test func blockSizesDoNotChangeTheOutput() {
        var generator = SeededGenerator(seed: 48_000)
        let input = (0..<20_000).map { _ in Float.random(in: -1..<1, using: &generator) }
        for (from, to) in [(22_050, 48_000), (44_100, 48_000), (48_000, 16_000), (16_000, 48_000), (48_000, 44_100)] {
            let whole = Self.resample(input, from: from, to: to, blocks: [input.count])
            let pieces = Self.resample(input, from: from, to: to, blocks: [1, 2, 3, 100, 4_095, 1, 9_000, 6_798])
            #expect(whole.count == Int((Double(input.count * to) / Double(from)).rounded()))
            let same = whole == pieces
            #expect(same, "\(from)→\(to)")
        }
    }

    @Test func tonesPassAndAliasesAreRejected() {
        // A 3 kHz tone at 16 kHz becomes the same tone at 48 kHz, to within 80 dB, away from the edges.
        let tone = (0..<16_000).map { Float(0.5 * sin(2 * Double.pi * 3_000 * Double($0) / 16_000)) }
        let up = Self.resample(tone, from: 16_000, to: 48_000, blocks: [tone.count])
        let error = (2_000..<46_000).map { abs(Double(up[$0]) - 0.5 * sin(2 * Double.pi * 3_000 * Double($0) / 48_000)) }.max()!
        #expect(error < 0.5e-4, "passband error \(error)")
        // 9 kHz at 48 kHz is above 16 kHz's Nyquist frequency: what comes out must be ≥ 80 dB down.
        let high = (0..<48_000).map { Float(0.5 * sin(2 * Double.pi * 9_000 * Double($0) / 48_000)) }
        let down = Self.resample(high, from: 48_000, to: 16_000, blocks: [high.count])
        let leak = down[1_000..<15_000].map { abs($0) }.max()!
        #expect(leak < 0.5e-4, "stop-band leak \(leak)")
    }

    @Test func decodingAndResamplingSpeed() throws {
        // Figures for docs/PERFORMANCE.md; printed, not asserted (the machine is shared).
        for name in ["heron.flac", "heron.wav", "blackbird.flac", "long.flac"] {
            let bytes = try AudioFixtures.bytes(name)
            let repeats = name == "long.flac" ? 1 : 20
            var seconds = 0.0, audio = 0.0
            let clock = ContinuousClock()
            for _ in 0..<repeats {
                var reader = try AudioReader(bytes: bytes)
                let elapsed = try clock.measure { _ = try AudioFixtures.readAll(&reader, step: 144_000) }
                seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                audio += Double(reader.sourceFrames ?? 0) / Double(reader.sourceRate)
            }
            var decodeOnly = 0.0
            for _ in 0..<repeats {
                var reader = try AudioReader(bytes: bytes, targetRate: try AudioHeaderRate.of(bytes))
                let elapsed = try clock.measure { _ = try AudioFixtures.readAll(&reader, step: 144_000) }
                decodeOnly += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            }
            print("audio speed \(name): decode+resample to 48 kHz \(Int(audio / seconds))× real time, decode only \(Int(audio / decodeOnly))×")
        }
    }

    private static func resample(_ input: [Float], from: Int, to: Int, blocks: [Int]) -> [Float] {
        var resampler = Resampler(inputRate: from, outputRate: to)
        var out: [Float] = []
        var start = 0
        for size in blocks {
            let end = min(input.count, start + size)
            resampler.append(input[start..<end])
            resampler.take(max: 1_000, appendingTo: &out)
            start = end
        }
        resampler.finish()
        while !resampler.isFinished { resampler.take(max: 333, appendingTo: &out) }
        return out
    }

    private static func rms(_ a: [Float], _ b: [Float], lag: Int) -> Float {
        var sum = 0.0, count = 0
        for i in max(0, -lag)..<min(a.count, b.count - lag) {
            let d = Double(a[i]) - Double(b[i + lag])
            sum += d * d
            count += 1
        }
        return Float((sum / Double(max(count, 1))).squareRoot())
    }
}
