import Foundation
import Testing
@testable import Shared

@Suite struct CryptoSecretHashTests {
    @Test func roundTripsAndRejectsWrongSecret() {
        let stored = SecretHash.make("correct horse battery staple", iterations: 1_000)
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(SecretHash.verify("correct horse battery staple", against: stored))
        #expect(!SecretHash.verify("correct horse battery stapl", against: stored))
        #expect(!SecretHash.verify("", against: stored))
    }

    @Test func saltMakesEveryHashDifferent() {
        let first = SecretHash.make("same", iterations: 10), second = SecretHash.make("same", iterations: 10)
        #expect(first != second)
        #expect(SecretHash.verify("same", against: first) && SecretHash.verify("same", against: second))
    }

    @Test func defaultIterationsFollowOWASPAndOldHashesStillVerify() {
        let stored = SecretHash.make("api-key-ünïcode")
        #expect(stored.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(SecretHash.verify("api-key-ünïcode", against: stored))
        // A hash made before the count was raised keeps verifying: the count is stored with it.
        let older = SecretHash.make("api-key-ünïcode", iterations: 100_000)
        #expect(older.hasPrefix("pbkdf2-sha256$100000$"))
        #expect(SecretHash.verify("api-key-ünïcode", against: older))
        #expect(!SecretHash.verify("api-key-unicode", against: older))
    }

    @Test func decoyIsWellFormedAndMatchesNothing() {
        let decoy = SecretHash.decoy(iterations: 1000)
        #expect(decoy.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(!SecretHash.verify("", against: decoy))
        #expect(!SecretHash.verify("anything", against: decoy))
    }

    @Test func tamperedOrMalformedStringsFail() {
        let stored = SecretHash.make("secret", iterations: 50)
        let parts = stored.split(separator: "$").map(String.init)
        var hash = Array(Data(base64Encoded: parts[3])!)
        hash[0] ^= 1
        let flippedHash = [parts[0], parts[1], parts[2], Data(hash).base64EncodedString()].joined(separator: "$")
        let otherIterations = [parts[0], "51", parts[2], parts[3]].joined(separator: "$")
        let otherSalt = [parts[0], parts[1], Data("pepper".utf8).base64EncodedString(), parts[3]].joined(separator: "$")
        for bad in [flippedHash, otherIterations, otherSalt, "", "pbkdf2-sha256$50$", "md5$50$\(parts[2])$\(parts[3])",
                    "pbkdf2-sha256$0$\(parts[2])$\(parts[3])", "pbkdf2-sha256$999999999$\(parts[2])$\(parts[3])",
                    "pbkdf2-sha256$50$!!!$\(parts[3])", stored + "$extra"] {
            #expect(!SecretHash.verify("secret", against: bad), "accepted \(bad)")
        }
    }

    @Test func randomTokensAreURLSafeAndDistinct() {
        let tokens = (0..<100).map { _ in SecretHash.randomToken() }
        #expect(Set(tokens).count == 100)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for token in tokens {
            #expect(token.count == 43) // 32 bytes → 43 base64url characters without padding
            #expect(token.allSatisfy { allowed.contains($0) })
        }
        #expect(SecretHash.randomToken(bytes: 5).count == 7)
    }

    @Test func constantTimeEqualsComparesWholeStrings() {
        #expect(SecretHash.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!SecretHash.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!SecretHash.constantTimeEquals([1, 2, 3], [1, 2]))
    }
}
