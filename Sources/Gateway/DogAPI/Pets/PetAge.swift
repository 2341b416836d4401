import Foundation

/// Dates of birth and ages in whole months, counted on UTC calendar days.
///
/// An age of N months means N whole months have passed since the date of birth; a month is
/// complete on the same day of the month, or on the month's last day when it is shorter (born on
/// 31 January: one month old on 28 February). `birthday(ageMonths:on:)` is its exact inverse.
enum PetAge {
    /// A calendar day.
    struct Day: Equatable, Comparable, Sendable {
        /// Year, month (1–12) and day (1–31).
        var year: Int, month: Int, day: Int

        static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

        /// `YYYY-MM-DD`.
        var formatted: String {
            func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
    }

    /// The oldest age accepted, in months (40 years and 11 months: `age_years` ≤ 40, `age_months` ≤ 11).
    static let maxMonths = 40 * 12 + 11

    /// The UTC day of `epoch` (seconds since 1970).
    static func day(epoch: Double) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: epoch))
        return Day(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// Reads `YYYY-MM-DD`, or the date of an ISO date-time (`2022-06-15T00:00:00Z`); nil when it is
    /// not a real calendar day.
    static func day(_ text: String) -> Day? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || (bytes.count > 10 && bytes[10] == UInt8(ascii: "T")),
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              year >= 1, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    /// Whole months from `birth` to `day` (negative when `day` is before `birth`).
    static func months(from birth: Day, to day: Day) -> Int {
        var months = (day.year - birth.year) * 12 + day.month - birth.month
        if day.day < birth.day && day.day != daysIn(month: day.month, year: day.year) { months -= 1 }
        return months
    }

    /// The date of birth of a pet `ageMonths` old on `day`: `ageMonths` before it, the day of the
    /// month clamped to that month's length.
    static func birthday(ageMonths: Int, on day: Day) -> Day {
        let index = day.year * 12 + day.month - 1 - ageMonths
        let year = index / 12, month = index % 12 + 1
        return Day(year: year, month: month, day: min(day.day, daysIn(month: month, year: year)))
    }

    /// Days in `month` of `year` (Gregorian).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
