import Foundation
import Shared

/// A face descriptor: 128 numbers, scaled to unit length so cosine similarity is a dot product.
struct FaceEmbedding: Sendable, Equatable {
    /// Descriptor length of SFace.
    static let dimensions = 128
    /// The unit-length values.
    let values: [Float]

    /// Normalises `values`; nil unless there are exactly 128 finite numbers with a non-zero length.
    init?(values: [Float]) {
        guard values.count == Self.dimensions, values.allSatisfy(\.isFinite) else { return nil }
        let length = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard length > 0, length.isFinite else { return nil }
        self.values = values.map { $0 / length }
    }

    /// Reads the stored form (128 little-endian float32, 512 bytes) exactly as stored: the values
    /// were normalised before storing, and normalising again would move their last bits.
    init?(bytes: [UInt8]) {
        guard bytes.count == Self.dimensions * 4 else { return nil }
        let values = (0..<Self.dimensions).map { i -> Float in
            let bits = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            return Float(bitPattern: bits)
        }
        let length = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard values.allSatisfy(\.isFinite), abs(length - 1) < 1e-3 else { return nil }
        self.values = values
    }

    /// The stored form: 128 little-endian float32.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern
            out += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        return out
    }

    /// Cosine similarity, -1...1 (both sides are unit length). Summed in Double so the threshold
    /// comparison does not depend on float rounding order.
    func similarity(to other: FaceEmbedding) -> Double {
        var sum = 0.0
        for i in 0..<Self.dimensions { sum += Double(values[i]) * Double(other.values[i]) }
        return sum
    }
}
