import Foundation
import Testing
@testable import Shared

/// Log and job timestamps: ISO 8601 UTC with milliseconds, formatted by hand (no `String(format:)`).
@Suite struct LogTimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Log.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Log.timestamp(Date(timeIntervalSince1970: 1_700_000_000.123)) == "2023-11-14T22:13:20.123Z")
        #expect(Log.timestamp(Date(timeIntervalSince1970: 4_102_444_799.999)) == "2099-12-31T23:59:59.999Z")
        #expect(Clock.iso8601(951_782_400.5) == "2000-02-29T00:00:00.500Z")
    }
}
