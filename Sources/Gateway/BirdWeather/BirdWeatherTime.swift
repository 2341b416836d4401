import Foundation
import Shared

/// An instant with the UTC offset it was written in, as BirdWeather shows timestamps:
/// `2022-11-21T19:01:46.000-05:00` (milliseconds, the station's own offset).
///
/// Parsing and formatting are done by hand (days from the civil date), without a
/// `DateFormatter`: no locale, no shared mutable formatter between connection threads.
struct BirdWeatherTime: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    var epoch: Double
    /// The offset from UTC it was written in, in seconds (east positive).
    var offset: Int

    /// Reads ISO 8601: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z`, `±HH:MM`, `±HHMM` or
    /// nothing (UTC); a space may stand for the `T`. Nil for anything else, or an impossible date.
    init?(iso8601 text: String) {
        let b = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<(at + count) {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard let year = digits(0, 4), b.count >= 19, b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2),
              b[16] == 58, let second = digits(17, 2),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, (48...57).contains(b[i]) { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 45 ? -1 : 1
                guard let hours = digits(i + 1, 2) else { return nil }
                var minutes: Int?
                if i + 3 < b.count, b[i + 3] == 58 { minutes = digits(i + 4, 2); i += 6 } else { minutes = digits(i + 3, 2); i += 5 }
                guard let minutes, hours < 24, minutes < 60 else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        epoch = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        self.offset = offset
    }

    /// An instant shown in `offset`.
    init(epoch: Double, offset: Int = 0) {
        self.epoch = epoch
        self.offset = offset
    }

    /// `2022-11-21T19:01:46.000-05:00`.
    var formatted: String {
        let millis = Int64((epoch * 1000).rounded(.down)) + Int64(offset) * 1000
        let seconds = Int(millis.quotientRoundingDown(1000))
        let ms = Int(millis - Int64(seconds) * 1000)
        let days = seconds.quotientRoundingDown(86_400)
        let inDay = seconds - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        let sign = offset < 0 ? "-" : "+"
        let off = abs(offset)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(inDay / 3600, 2)):\(pad(inDay % 3600 / 60, 2)):\(pad(inDay % 60, 2))"
            + ".\(pad(ms, 3))\(sign)\(pad(off / 3600, 2)):\(pad(off % 3600 / 60, 2))"
    }

    /// The JSON value: the formatted string.
    var json: JSON { .string(formatted) }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private extension BinaryInteger {
    /// Division rounding towards minus infinity.
    func quotientRoundingDown(_ divisor: Self) -> Self {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
