import Foundation
import Testing
@testable import Shared

/// Expected digests come from the FIPS 180-4 / RFC 1321 examples and were re-checked with
/// Python's hashlib (`python3 -c "import hashlib; print(hashlib.sha256(b'abc').hexdigest())"`).
@Suite struct CryptoSHA256Tests {
    @Test func matchesStandardVectors() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let long = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(SHA256.hexDigest(Array(long.utf8)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func nonContiguousSequencesAndDataHashTheSame() {
        let text = "abc"
        #expect(SHA256.hash(text.utf8) == SHA256.hash(Array(text.utf8)))
        #expect(SHA256.hash(Data(text.utf8)) == SHA256.hash(Array(text.utf8)))
        #expect(SHA256.hash((0..<200).lazy.map { UInt8($0) }) == SHA256.hash((0..<200).map { UInt8($0) }))
    }

    @Test func streamingInOddChunksEqualsOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = "731620161155f68e1209f22bc34a726bf5a583f40acf23ae55684b674fdbebf2"
        #expect(SHA256.hexDigest(data) == expected)
        for chunk in [1, 3, 55, 63, 64, 65, 127, 1000, 4097] {
            var hasher = SHA256Hasher()
            data.withUnsafeBytes { all in
                var start = 0
                while start < all.count {
                    let end = min(start + chunk, all.count)
                    hasher.update(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                    start = end
                }
            }
            #expect(hasher.finalize().hexString == expected, "chunk size \(chunk)")
        }
    }

    @Test func paddingBoundariesMatchHashlib() {
        // Lengths around the 55/56/64-byte padding edges: byte-by-byte streaming must agree with one-shot.
        for length in 50...130 {
            let data = [UInt8](repeating: 0x61, count: length)
            var hasher = SHA256Hasher()
            for byte in data { hasher.update([byte]) }
            #expect(hasher.finalize() == SHA256.hash(data), "length \(length)")
        }
        // hashlib.sha256(b'a' * 55 / 56 / 64).hexdigest()
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    /// The SHA-extension compression (CSHA256) and the Swift one agree block for block, from many
    /// states over random data (every standard vector above already went through the hardware path
    /// on CPUs that have it). On CPUs without the extensions only the Swift path exists.
    @Test(.enabled(if: SHA256State.hardware, "this CPU has no SHA extensions"))
    func hardwareCompressionAgreesWithSwift() {
        var generator = SeededGenerator(seed: 7)
        for blocks in [1, 2, 3, 16, 257] {
            let data = (0..<(blocks * 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var hardware = SHA256State(), portable = SHA256State()
            for _ in 0..<3 {   // chained: each run starts from the previous state
                data.withUnsafeBytes {
                    hardware.absorb(blocks: $0.baseAddress!, count: blocks)
                    portable.absorbInSwift(blocks: $0.baseAddress!, count: blocks)
                }
                #expect(hardware.digest() == portable.digest(), "\(blocks) blocks")
            }
        }
    }

    /// Throughput is a benchmark (`bench/micro.sh`), not a test: a loaded machine would fail it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ROOST_BENCH"] != nil))
    func hashThroughputBenchmark() {
        let size = 64 << 20
        let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        var bestSeconds = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = SHA256.hash(data)
            bestSeconds = min(bestSeconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("BENCH sha256_mb_s \(String(format: "%.1f", Double(size) / 1e6 / bestSeconds)) hardware=\(SHA256State.hardware)")
        var swiftSeconds = Double.infinity
        for _ in 0..<3 {
            var state = SHA256State()
            let start = DispatchTime.now().uptimeNanoseconds
            data.withUnsafeBytes { state.absorbInSwift(blocks: $0.baseAddress!, count: size / 64) }
            swiftSeconds = min(swiftSeconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("BENCH sha256_swift_mb_s \(String(format: "%.1f", Double(size) / 1e6 / swiftSeconds))")
        let iterations = SecretHash.defaultIterations
        let start = DispatchTime.now().uptimeNanoseconds
        _ = PBKDF2.sha256(password: Array("password".utf8), salt: Array("saltsaltsaltsalt".utf8), iterations: iterations, length: 32)
        print("BENCH pbkdf2_ms \(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)) iterations=\(iterations)")
    }
}

@Suite struct CryptoHMACTests {
    private func hex(_ s: String) -> [UInt8] {
        var out = [UInt8](), chars = Array(s.utf8)[...]
        while chars.count >= 2 { out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!); chars = chars.dropFirst(2) }
        return out
    }

    @Test func matchesRFC4231() {
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            ((1...25).map { UInt8($0) }, [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, message, expected) in cases {
            #expect(HMACSHA256.authenticationCode(key: key, message: message).hexString == expected)
        }
        // Test case 5 is truncated to 128 bits.
        let truncated = HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8))
        #expect(Array(truncated.prefix(16)) == hex("a3b6167473100ee06e0c796c2955552b"))
    }
}

@Suite struct CryptoPBKDF2Tests {
    @Test func matchesRFC7914AndKnownVectors() {
        // RFC 7914 §11.
        #expect(PBKDF2.sha256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64).hexString
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        #expect(PBKDF2.sha256(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80000, length: 64).hexString
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")
        // The RFC 6070 inputs with HMAC-SHA-256 (hashlib.pbkdf2_hmac('sha256', ...)).
        let password = Array("password".utf8), salt = Array("salt".utf8)
        #expect(PBKDF2.sha256(password: password, salt: salt, iterations: 1, length: 32).hexString
                == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        #expect(PBKDF2.sha256(password: password, salt: salt, iterations: 2, length: 32).hexString
                == "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")
        #expect(PBKDF2.sha256(password: password, salt: salt, iterations: 4096, length: 32).hexString
                == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
        #expect(PBKDF2.sha256(password: Array("passwordPASSWORDpassword".utf8),
                              salt: Array("saltSALTsaltSALTsaltSALTsaltSALTsalt".utf8), iterations: 4096, length: 40).hexString
                == "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9")
        #expect(PBKDF2.sha256(password: Array("pass\0word".utf8), salt: Array("sa\0lt".utf8), iterations: 4096, length: 16).hexString
                == "89b69d0516f829893c696226650a8687")
        // A password longer than the HMAC block is hashed first.
        #expect(PBKDF2.sha256(password: [UInt8](repeating: UInt8(ascii: "k"), count: 100), salt: salt, iterations: 10, length: 32).hexString
                == "f3af8c784b6e7dd9d0fc1ea9ccea92f0de9ff770862fa3fab2a93f21698635e1")
    }
}

@Suite struct CryptoMD5Tests {
    @Test func matchesRFC1321() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, expected) in vectors { #expect(MD5.hex(Array(input.utf8)) == expected, "md5(\(input))") }
    }
}
