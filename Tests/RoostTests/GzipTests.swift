import Testing
@testable import Shared

/// gzip bodies, against a two-member stream written by Python's gzip module (zlib): one member
/// with a file name, one without (both fixed-Huffman; the PNG fixtures cover dynamic blocks).
@Suite struct GzipTests {
    /// `gzip.GzipFile(filename="scape.txt", mtime=0)` of `expectedFirst`, then `gzip.compress(b"second member", mtime=0)`.
    static let python: [UInt8] = [
        31, 139, 8, 8, 0, 0, 0, 0, 2, 255, 115, 99, 97, 112, 101, 46, 116, 120, 116, 0, 11, 202, 207, 47,
        46, 81, 40, 46, 73, 44, 201, 204, 207, 83, 40, 206, 47, 205, 75, 41, 78, 78, 44, 72, 85, 8, 26, 149,
        24, 149, 24, 149, 24, 46, 18, 12, 140, 76, 204, 44, 172, 108, 236, 28, 156, 92, 220, 60, 188, 124, 252, 2,
        130, 66, 194, 34, 162, 98, 226, 18, 146, 82, 210, 50, 178, 114, 242, 10, 138, 74, 202, 42, 170, 106, 234, 26,
        154, 90, 218, 58, 186, 122, 250, 6, 134, 70, 198, 38, 166, 102, 230, 22, 150, 86, 214, 54, 182, 118, 246, 14,
        142, 78, 206, 46, 174, 110, 238, 30, 158, 94, 222, 62, 190, 126, 254, 1, 129, 65, 193, 33, 161, 97, 225, 17,
        145, 81, 209, 49, 177, 113, 241, 9, 137, 73, 201, 41, 169, 105, 233, 25, 153, 89, 217, 57, 185, 121, 249, 5,
        133, 69, 197, 37, 165, 101, 229, 21, 149, 85, 213, 53, 181, 117, 245, 13, 141, 77, 205, 45, 173, 109, 237, 29,
        157, 93, 221, 61, 189, 125, 253, 19, 38, 78, 154, 60, 101, 234, 180, 233, 51, 102, 206, 154, 61, 103, 238, 188,
        249, 11, 22, 46, 90, 188, 100, 233, 178, 229, 43, 86, 174, 90, 189, 102, 237, 186, 245, 27, 54, 110, 218, 188,
        101, 235, 182, 237, 59, 118, 238, 218, 189, 103, 239, 190, 253, 7, 14, 30, 58, 124, 228, 232, 177, 227, 39, 78,
        158, 58, 125, 230, 236, 185, 243, 23, 46, 94, 186, 124, 229, 234, 181, 235, 55, 110, 222, 186, 125, 231, 238, 189,
        251, 15, 30, 62, 122, 252, 228, 233, 179, 231, 47, 94, 190, 122, 253, 230, 237, 187, 247, 31, 62, 126, 250, 252,
        229, 235, 183, 239, 63, 126, 254, 250, 253, 231, 239, 191, 255, 0, 217, 245, 218, 31, 232, 4, 0, 0, 31, 139,
        8, 0, 0, 0, 0, 0, 2, 3, 43, 78, 77, 206, 207, 75, 81, 200, 77, 205, 77, 74, 45, 2, 0, 36,
        116, 250, 159, 13, 0, 0, 0,
    ]
    static let expectedFirst: [UInt8] = Array(String(repeating: "Roost station soundscape ", count: 40).utf8) + (0...255).map { UInt8($0) }

    @Test func decompressesEveryMemberAndChecksThem() throws {
        #expect(Gzip.isGzip(Self.python))
        #expect(try Gzip.decompress(Self.python, maxOutput: 1 << 20) == Self.expectedFirst + Array("second member".utf8))
    }

    @Test func limitsAndDamageAreErrors() {
        #expect(throws: InflateError.outputLimit(1000)) { try Gzip.decompress(Self.python, maxOutput: 1000) }
        var damaged = Self.python
        damaged[200] ^= 0x10
        #expect(throws: InflateError.self) { try Gzip.decompress(damaged, maxOutput: 1 << 20) }
        #expect(throws: InflateError.truncated) { try Gzip.decompress(Array(Self.python.prefix(300)), maxOutput: 1 << 20) }
    }
}
